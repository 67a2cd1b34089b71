package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.data.FloatArray;
import io.jkeras.examples.TextClassifier;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.TextVectorization;
import io.jkeras.models.Model;
import io.jkeras.saving.ModelFiles;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.CliRun;
import io.jkeras.testing.KerasPython;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs on raw text: the word-level language model of {@code config/word-lm.json} (TextVectorization
 * adapted on the corpus, windows and shifted targets from its own tokens) and the text classifier
 * of {@code examples/jobs/text-classifier.json} (Conv1D, Bidirectional LSTM, GlobalMaxPooling1D),
 * trained with {@code jkeras train}, read back and predicting raw strings from Java and from Keras.
 */
class TextJobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static final String TEXT = String.join("\n",
      "FIRST WITCH.", "When shall we three meet again?", "In thunder, lightning, or in rain?", "",
      "SECOND WITCH.", "When the hurlyburly’s done,", "When the battle’s lost and won.", "",
      "THIRD WITCH.", "That will be ere the set of sun.", "").repeat(6);

  @Test
  void corpusWindowsComeFromTheLayersOwnTokensShiftedByOne() {
    TextVectorization tv = new TextVectorization().outputSequenceLength(3);
    KerasTensor in = new InputLayer(1).dtype("string").output();
    try (Model m = Model.of(in, tv.apply(in))) {
      FloatArray[] xy = TextData.corpus("A b, c. d E f!", 3, 2, 0).prepare(m, "job");
      // vocabulary adapted on the corpus: all counts 1, ties high to low: f e d c b a -> ids 2..7
      assertEquals(List.of("", "[UNK]", "f", "e", "d", "c", "b", "a"), tv.getVocabulary());
      assertArrayEquals(new long[] {2, 3}, xy[0].shape());
      assertArrayEquals(new float[] {7, 6, 5, 5, 4, 3}, xy[0].data()); // "a b c", "c d e"
      assertArrayEquals(new float[] {6, 5, 4, 4, 3, 2}, xy[1].data()); // "b c d", "d e f"
    }
  }

  @Test
  void wordLanguageModelJobTrainsOnRawText() throws Exception {
    ObjectNode job = (ObjectNode) JSON.readTree(Files.readString(Paths.get("config/word-lm.json")));
    Path text = dir.resolve("macbeth-bit.txt");
    Files.writeString(text, TEXT);
    // the job as it is, smaller: 8 units, a 60-token vocabulary, one epoch
    ArrayNode layers = (ArrayNode) job.at("/model/config/layers");
    ((ObjectNode) layers.get(1).get("config")).put("max_tokens", 60);
    ((ObjectNode) layers.get(2).get("config")).put("input_dim", 60).put("output_dim", 8);
    ((ObjectNode) layers.get(3).get("config")).put("units", 8);
    ((ObjectNode) layers.get(4).get("config")).put("units", 8);
    ((ObjectNode) layers.get(6).at("/config/layer/config")).put("units", 60);
    ((ObjectNode) job.get("data")).put("path", text.toString());
    ((ObjectNode) job.get("fit")).put("epochs", 2).put("verbose", 0);
    job.remove("callbacks");
    Path out = dir.resolve("word-lm");
    job.put("output", out.toString());
    Path jobFile = dir.resolve("word-lm.json");
    Files.writeString(jobFile, JSON.writeValueAsString(job));
    CliRun r = CliRun.run("train", jobFile.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Adapted vectorize"), r.out);
    assertTrue(r.out.contains("perplexity"), r.out);
    String config = Files.readString(out.resolve(ModelFiles.CONFIG));
    JsonNode vocabulary = JSON.readTree(config).findValue("vocabulary");
    assertTrue(vocabulary != null && vocabulary.isArray() && vocabulary.size() > 20 && vocabulary.get(0).asText().isEmpty()
        && vocabulary.get(1).asText().equals("[UNK]") && vocabulary.get(2).asText().equals("witch"),
        "the vocabulary travels in the config: " + vocabulary);
    try (Model m = ModelFiles.loadModel(out)) {
      FloatArray p = m.predict(new String[] {"When shall we three meet again in thunder"});
      assertArrayEquals(new long[] {1, 30, 60}, p.shape());
    }
  }

  @Test
  void bundledReviewsAreTheGeneratorsOutput() throws Exception {
    List<String> lines = Files.readAllLines(Paths.get("examples/data/reviews.tsv"), StandardCharsets.UTF_8);
    assertEquals(TextClassifier.generate(400, 14), lines);
  }

  /**
   * Needs Conv1D and GlobalMaxPooling1D (issue 14's convolution and pooling layers): it fails
   * with "layer class 'Conv1D' is not supported (yet)" until they are in the registry.
   */
  @Test
  void textClassifierJobTrainsExportsAndPredictsRawStringsInJavaAndKeras() throws Exception {
    Path out = dir.resolve("text-classifier");
    CliRun r = CliRun.run("train", "examples/jobs/text-classifier.json", "--output", out.toString());
    assertEquals(0, r.code, r.err + r.out);
    JsonNode scores = JSON.readTree(Files.readString(out.resolve("scores.json")));
    List<String> history = Files.readAllLines(out.resolve("history.csv"));
    String[] keys = history.get(0).split(",");
    String[] last = history.get(history.size() - 1).split(",");
    double valAccuracy = -1;
    for (int i = 0; i < keys.length; i++) if (keys[i].equals("val_accuracy")) valAccuracy = Double.parseDouble(last[i]);
    System.out.println("[text-classifier] held-out accuracy " + valAccuracy + ", training data " + scores);
    assertTrue(valAccuracy >= 0.85, "held-out accuracy " + valAccuracy);
    String[] texts = {"The coffee was not great.", "A truly WONDERFUL café!", "this battery is never awful", "Meh: unknown words here"};
    try (Model m = ModelFiles.loadModel(out)) {
      FloatArray p = m.predict(texts);
      assertArrayEquals(new long[] {4, 2}, p.shape());
      assertTrue(p.get(0, 1) < 0.5 && p.get(1, 1) > 0.5, "predictions " + java.util.Arrays.toString(p.data()));
      // exported as .keras, Keras predicts the same raw strings
      Path keras = dir.resolve("text-classifier.keras");
      KerasModels.saveKeras(m, keras);
      KerasPython.python(); // Keras's side below: skipped where there is no Python with Keras
      ObjectNode t = JSON.createObjectNode();
      t.set("predict", JSON.valueToTree(texts));
      Path textsFile = dir.resolve("texts.json");
      Files.writeString(textsFile, JSON.writeValueAsString(t));
      Path res = dir.resolve("keras_out.json");
      KerasPython.run("text_check.py", "predict", keras.toString(), textsFile.toString(), res.toString());
      JsonNode k = JSON.readTree(Files.readString(res, StandardCharsets.UTF_8));
      double max = 0;
      for (int i = 0; i < texts.length; i++) for (int j = 0; j < 2; j++) max = Math.max(max, Math.abs(k.get("out").get(i).get(j).asDouble() - p.get(i, j)));
      System.out.println("[text-classifier] max |jkeras - keras| on raw strings = " + max);
      assertTrue(max <= 1e-5, "max difference " + max);
      List<String> vocab = new ArrayList<>();
      for (JsonNode v : k.get("vocabulary")) vocab.add(v.asText());
      assertEquals(((TextVectorization) m.getLayer("vectorize")).getVocabulary(), vocab);
    }
  }
}
