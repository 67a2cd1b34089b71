package io.jkeras.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.TextVectorization;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Model;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.KerasCheck;
import io.jkeras.testing.KerasPython;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text models both ways with real Keras 3: a Keras-made TextVectorization -> Embedding -> LSTM ->
 * Dense model (vocabulary adapted in Python, kept in the .keras archive's assets) predicts raw
 * Java strings within 1e-5 of Keras; a jkeras-made and jkeras-trained one, saved as .keras, is
 * predicted by Keras within 1e-5 (vocabulary read from the assets), and one with a vocabulary
 * given to the constructor travels in JSON + weights (the vocabulary in its config, as Keras puts it).
 */
class TextModelInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOLERANCE = 1e-5;

  static final List<String> ADAPT = List.of(
      "The cat sat on the mat.", "The dog ate my homework!", "Straße, café and naïve: École ÉCOLE école",
      "Σίσυφος and ΣΊΣΥΦΟΣ", "東京タワー 😀 😀", "cats and dogs, dogs and cats", "a b c d e f g h i j k l m n o p");
  static final List<String> PREDICT = List.of(
      "the cat", "", "An UNKNOWN word, and another unknown one!!!", "école École straße 東京タワー 😀 σίσυφος",
      "the the the the the the the the the the the the the the the (longer than output_sequence_length)",
      "dogs", "tabs\tand\nnewlines\u00a0nbsp");

  private static void texts(Path dir) throws Exception {
    ObjectNode t = JSON.createObjectNode();
    t.set("adapt", JSON.valueToTree(ADAPT));
    t.set("predict", JSON.valueToTree(PREDICT));
    Files.writeString(dir.resolve("texts.json"), JSON.writeValueAsString(t), StandardCharsets.UTF_8);
  }

  private static double maxDiff(FloatArray mine, JsonNode keras) {
    double max = 0;
    int cols = keras.get(0).size();
    assertEquals(keras.size() * cols, mine.data().length, "output size");
    for (int i = 0; i < keras.size(); i++) {
      for (int j = 0; j < cols; j++) max = Math.max(max, Math.abs(keras.get(i).get(j).asDouble() - mine.data()[i * cols + j]));
    }
    return max;
  }

  private static List<String> strings(JsonNode a) {
    List<String> r = new ArrayList<>();
    for (JsonNode s : a) r.add(s.asText());
    return r;
  }

  @Test
  void kerasTextModelPredictsRawJavaStrings() throws Exception {
    Path dir = KerasPython.work("text_models").resolve("p2j");
    Files.createDirectories(dir);
    texts(dir);
    KerasPython.run("text_check.py", "make", dir.toString());
    JsonNode keras = JSON.readTree(Files.readString(dir.resolve("keras_out.json"), StandardCharsets.UTF_8));
    try (Model m = KerasModels.loadModel(dir.resolve("text_model.keras"))) {
      TextVectorization tv = (TextVectorization) m.getLayer("vectorize");
      assertEquals(strings(keras.get("vocabulary")), tv.getVocabulary(), "vocabulary read from the archive's assets");
      int[][] ids = tv.vectorize(PREDICT);
      for (int i = 0; i < ids.length; i++) {
        for (int j = 0; j < ids[i].length; j++) assertEquals(keras.get("ids").get(i).get(j).asInt(), ids[i][j], "id " + i + "," + j);
      }
      assertEquals(keras.get("params").asLong(), m.countParams());
      FloatArray out = m.predict(PREDICT.toArray(new String[0]));
      double d = maxDiff(out, keras.get("out"));
      System.out.println("[text p2j .keras] max |jkeras - keras| = " + d);
      assertTrue(d <= TOLERANCE, "max difference " + d);
      // a List<String> works as well as a String[]
      assertTrue(maxDiff(m.predict(PREDICT), keras.get("out")) <= TOLERANCE);
    }
    // Keras's JSON config has no adapted vocabulary (Keras keeps it in the .keras assets only):
    // jkeras loads the model and says so when asked to predict, instead of guessing ids.
    try (Model m = KerasModels.loadModel(dir.resolve("text_model.json"), dir.resolve("text_model.weights.h5"))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.predict(PREDICT.toArray(new String[0])));
      assertTrue(e.getMessage().contains("has no vocabulary"), e.getMessage());
    }
    // The legacy .h5 has no assets either (Keras 3.15 cannot even load this .h5 back: its mask
    // op 'NotEqual' is unknown to the legacy loader); jkeras loads it, without a vocabulary.
    try (Model m = KerasModels.loadModel(dir.resolve("text_model.h5"))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.predict(PREDICT.toArray(new String[0])));
      assertTrue(e.getMessage().contains("has no vocabulary"), e.getMessage());
    }
  }

  private static Model textModel(TextVectorization tv) {
    KerasTensor in = new InputLayer(1).name("text").dtype("string").output();
    KerasTensor x = tv.apply(in);
    x = new Embedding(40, 8).maskZero(true).apply(x);
    x = new LSTM(6).apply(x);
    KerasTensor out = new Dense(3).activation("softmax").apply(x);
    return Model.of(in, out);
  }

  private static void checkInKeras(Model m, Path model, Path weights, Path dir, String what, List<String> vocabulary) throws Exception {
    Path out = dir.resolve(what + "_out.json");
    if (weights == null) KerasPython.run("text_check.py", "predict", model.toString(), dir.resolve("texts.json").toString(), out.toString());
    else KerasPython.run("text_check.py", "predict", model.toString(), dir.resolve("texts.json").toString(), out.toString(), weights.toString());
    JsonNode keras = JSON.readTree(Files.readString(out, StandardCharsets.UTF_8));
    assertEquals(vocabulary, strings(keras.get("vocabulary")), what + ": the vocabulary Keras read");
    assertEquals(m.countParams(), keras.get("params").asLong());
    double d = maxDiff(m.predict(PREDICT.toArray(new String[0])), keras.get("out"));
    System.out.println("[text j2p " + what + "] max |jkeras - keras| = " + d);
    assertTrue(d <= TOLERANCE, what + ": max difference " + d);
  }

  @Test
  void jkerasTextModelPredictsInKeras() throws Exception {
    KerasPython.python();
    Path dir = KerasPython.work("text_models").resolve("j2p");
    Files.createDirectories(dir);
    texts(dir);
    Keras.setRandomSeed(5);
    TextVectorization tv = new TextVectorization().name("vectorize").maxTokens(40).outputSequenceLength(10).adapt(ADAPT);
    try (Model m = textModel(tv)) {
      m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
      float[] labels = new float[ADAPT.size()];
      for (int i = 0; i < labels.length; i++) labels[i] = i % 3;
      // fit takes the raw strings too
      m.fit(ADAPT.toArray(new String[0]), new FloatArray(labels, labels.length), new FitOptions().epochs(3).batchSize(4).verbose(0));
      Path file = dir.resolve("adapted.keras");
      KerasModels.saveKeras(m, file);
      checkInKeras(m, file, null, dir, "adapted .keras (assets)", tv.getVocabulary());
      // jkeras's SavedModel takes the ids (int64, as TextVectorization outputs them): the string
      // steps run in Java, so the signature starts after them.
      FloatArray ids = tv.encode(PREDICT.toArray(new String[0]));
      KerasCheck.predictsInKeras(m, Map.of("text", ids), "text_models", "j2p_savedmodel", KerasCheck.Format.SAVEDMODEL);
      // and back: jkeras reads its own archive's assets
      try (Model back = KerasModels.loadModel(file)) {
        assertEquals(0.0, maxDiffArrays(m.predict(PREDICT), back.predict(PREDICT)));
      }
    }
    Keras.setRandomSeed(6);
    TextVectorization given = new TextVectorization().name("vectorize").outputSequenceLength(10)
        .vocabulary(List.of("the", "cat", "dog", "école", "東京タワー", "😀", "σίσυφος", "and"));
    try (Model m = textModel(given)) {
      Path json = dir.resolve("given.json");
      Path weights = dir.resolve("given.weights.h5");
      Files.writeString(json, KerasJson.write(m));
      KerasModels.saveWeights(m, weights);
      checkInKeras(m, json, weights, dir, "given vocabulary, json + weights (config)", given.getVocabulary());
      Path file = dir.resolve("given.keras");
      KerasModels.saveKeras(m, file);
      checkInKeras(m, file, null, dir, "given vocabulary .keras (config)", given.getVocabulary());
    }
  }

  private static double maxDiffArrays(FloatArray a, FloatArray b) {
    double max = 0;
    for (int i = 0; i < a.data().length; i++) max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
    return max;
  }
}
