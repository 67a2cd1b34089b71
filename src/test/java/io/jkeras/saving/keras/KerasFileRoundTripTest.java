package io.jkeras.saving.keras;

import static io.jkeras.testing.Fixtures.h5;
import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Bidirectional;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dropout;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.Flatten;
import io.jkeras.layers.GRU;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.SimpleRNN;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing Keras files: jkeras -> .keras -> jkeras gives the same model; a Keras fixture -> jkeras
 * -> .keras -> jkeras too; the written archive has the entries, metadata and HDF5 layout of
 * the Keras-made ones (optimizer state included where Keras's file has a trained one); a
 * Python-trained model is fine-tuned in Java and saved.
 */
class KerasFileRoundTripTest {
  @TempDir Path tmp;

  private static void assertSameWeights(Sequential a, Sequential b) {
    List<FloatArray> wa = a.getWeights();
    List<FloatArray> wb = b.getWeights();
    assertEquals(wa.size(), wb.size());
    for (int i = 0; i < wa.size(); i++) {
      assertArrayEquals(wa.get(i).shape(), wb.get(i).shape());
      assertArrayEquals(wa.get(i).data(), wb.get(i).data(), 0f, "weight " + i);
    }
  }

  private static FloatArray random(long seed, long... shape) {
    Random r = new Random(seed);
    float[] d = new float[(int) io.jkeras.utils.Shapes.product(shape)];
    for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
    return new FloatArray(d, shape);
  }

  /** A model of every layer kind that has weights, made in Java (random init). */
  private static Sequential javaModel() {
    Sequential m = new Sequential("java_model");
    m.add(new Bidirectional(new LSTM(4).returnSequences(true), "concat").inputShape(5, 3));
    m.add(new GRU(3).returnSequences(true));
    m.add(new SimpleRNN(2).returnSequences(true));
    m.add(new TimeDistributed(new Dense(2)));
    m.add(new Dropout(0.1));
    m.add(new Flatten());
    m.add(new Dense(2).useBias(false));
    m.add(new Dense(1).activation("sigmoid"));
    m.compile("rmsprop", "binary_crossentropy", "accuracy");
    return m;
  }

  @Test
  void javaModelSurvivesKerasArchive() {
    Keras.setRandomSeed(11);
    Path file = tmp.resolve("java.keras");
    FloatArray x = random(1, 4, 5, 3);
    try (Sequential m = javaModel()) {
      FloatArray before = m.predict(x);
      m.save(file);
      try (Sequential back = KerasModels.load(file)) {
        assertSameWeights(m, back);
        assertArrayEquals(before.data(), back.predict(x).data(), 0f);
        assertEquals("java_model", back.name());
        assertTrue(back.isCompiled());
        assertEquals("RMSprop", back.optimizer().className());
        assertEquals(m.loss().name(), back.loss().name());
        assertEquals(List.of("accuracy"), back.metricNames());
        assertEquals(KerasJson.write(m), KerasJson.write(back), "config survives the round trip");
      }
      // The same through weights alone.
      Path w = tmp.resolve("java.weights.h5");
      m.saveWeights(w);
      try (Sequential fresh = KerasJson.read(KerasJson.write(m))) {
        fresh.build(-1, 5, 3);
        fresh.loadWeights(w);
        assertArrayEquals(before.data(), fresh.predict(x).data(), 0f);
      }
    }
  }

  @Test
  void embeddingModelSurvivesKerasArchive() {
    Keras.setRandomSeed(12);
    Path file = tmp.resolve("emb.keras");
    FloatArray ids = new FloatArray(new float[] {1, 2, 3, 0, 0, 4, 5, 6, 7, 8}, 2, 5);
    try (Sequential m = new Sequential()) {
      m.add(new Embedding(10, 4).maskZero(true).inputShape(5));
      m.add(new LSTM(3).returnSequences(true));
      m.add(new Bidirectional(new GRU(2).resetAfter(false), "sum"));
      m.add(new Dense(3).activation("softmax"));
      FloatArray before = m.predict(ids);
      m.save(file);
      try (Sequential back = KerasModels.load(file)) {
        assertSameWeights(m, back);
        assertArrayEquals(before.data(), back.predict(ids).data(), 0f);
        assertFalse(back.isCompiled());
      }
    }
  }

  /**
   * Fixture .h5 (Keras 1, Keras 2 Bidirectional and Embedding, KotlinDL json + weights) -> jkeras
   * -> .keras -> jkeras: the same predictions. Models without Keras 2's hard_sigmoid come back
   * bit for bit; those with it come back with their gate columns scaled by 1.2 for Keras 3's
   * hard_sigmoid (KerasWeights.keras3Value), so to float rounding.
   */
  @Test
  void fixtureH5ThroughKerasArchiveIsIdentical() {
    String e = "keras2-dl4j-embedding-bidirectional-lstm-h5/";
    Object[][] cases = {
        {path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_model.h5"), null,
            h5(path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_inputs_and_outputs.h5"), "inputs/lstm_input_1"), true},
        {path(e + "bidirectional_lstm_tensorflow_2.h5"), null, npy(e + "derived/bidirectional_lstm_tensorflow_2_input.npy"), true},
        {path(e + "embedding_lstm_tensorflow_2.h5"), null, npy(e + "derived/embedding_lstm_tensorflow_2_input.npy"), true},
        {path("keras2-kotlindl-lstm-textgen/model.json"), path("keras2-kotlindl-lstm-textgen/weights.h5"),
            npy("keras2-kotlindl-lstm-textgen/derived/input_onehot.npy"), false},
    };
    int i = 0;
    for (Object[] c : cases) {
      Path src = (Path) c[0];
      FloatArray x = (FloatArray) c[2];
      boolean keras2HardSigmoid = (Boolean) c[3];
      Path out = tmp.resolve("fixture" + i++ + ".keras");
      try (Sequential m = c[1] == null ? KerasModels.load(src) : KerasModels.load(src, (Path) c[1])) {
        FloatArray before = m.predict(x);
        KerasModels.saveKeras(m, out);
        try (Sequential back = KerasModels.load(out)) {
          assertEquals(m.isCompiled(), back.isCompiled(), src + ": compile config carried over");
          if (keras2HardSigmoid) {
            double err = io.jkeras.testing.Fixtures.assertClose(before, back.predict(x), 1e-6, 1e-6);
            System.out.println(src.getFileName() + " -> .keras -> jkeras: max abs difference " + err);
            // The LSTM's input-gate kernel columns carry the 1.2 factor; the cell-candidate columns do not.
            FloatArray k0 = m.weights().get(m.weights().size() - 3 - (m.layers().get(m.layers().size() - 1) instanceof Dense ? 2 : 0)).value();
            FloatArray k1 = back.weights().get(m.weights().size() - 3 - (m.layers().get(m.layers().size() - 1) instanceof Dense ? 2 : 0)).value();
            int u = (int) (k0.shape()[1] / 4);
            assertEquals(1.2f * k0.data()[0], k1.data()[0], 1e-6f);
            assertEquals(k0.data()[2 * u], k1.data()[2 * u], 0f);
          } else {
            assertSameWeights(m, back);
            assertArrayEquals(before.data(), back.predict(x).data(), 0f, src.toString());
          }
        }
      }
    }
  }

  @Test
  void keras2HardSigmoidThatNoScalingCarriesIsRefused() {
    String json = "{\"class_name\": \"Sequential\", \"keras_version\": \"2.1.3\", \"config\": [{\"class_name\": \"LSTM\", \"config\":"
        + " {\"units\": 2, \"activation\": \"hard_sigmoid\", \"batch_input_shape\": [null, 3, 1]}}]}";
    try (Sequential m = KerasJson.read(json)) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> m.save(tmp.resolve("no.keras")));
      assertTrue(e.getMessage().contains("hard_sigmoid") && e.getMessage().contains("lstm"), e.getMessage());
      assertFalse(Files.exists(tmp.resolve("no.keras")));
    }
  }

  /** Keras 1/2 semantics survive the trip: a Keras 2 hard_sigmoid stays Keras 2's in the written Keras 3 config. */
  @Test
  void keras2HardSigmoidStaysKeras2() throws IOException {
    Path src = path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_model.h5");
    Path ioFile = path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_inputs_and_outputs.h5");
    Path out = tmp.resolve("flatten.keras");
    try (Sequential m = KerasModels.load(src)) {
      m.save(out);
    }
    try (Sequential back = KerasModels.load(out)) {
      io.jkeras.testing.Fixtures.assertClose(h5(ioFile, "predictions/dense_1"), back.predict(h5(ioFile, "inputs/lstm_1_input")), 1e-5, 1e-5);
    }
  }

  // ----- structure against the Keras-made files -----

  private static final String RES = KerasFileFixturesTest.RES;

  /**
   * The written model.weights.h5 has exactly the groups, datasets (float32, shapes) and "name"
   * attributes of the Keras-written one. The optimizer state too where Keras saved a trained one
   * (keras3-har-lstm: Adam, 22 variables), value for value; the 3.15 files hold an optimizer
   * that was never built (2 variables), for which jkeras writes the fresh state instead.
   */
  @Test
  void writtenArchiveHasKerasStructure() throws IOException {
    Object[][] files = {
        {path("keras3-har-lstm/lstm_model.keras"), "keras3-har-lstm (Keras 3.10)"},
        {Path.of(RES + "mixed.keras"), "mixed (Keras 3.15)"},
        {Path.of(RES + "emb.keras"), "emb (Keras 3.15)"},
    };
    for (Object[] f : files) {
      Path kerasMade = (Path) f[0];
      Path ours = tmp.resolve("ours-" + kerasMade.getFileName());
      try (Sequential m = KerasModels.load(kerasMade)) {
        m.save(ours);
      }
      boolean trained = f[1].toString().startsWith("keras3-har-lstm");
      String[] excluded = trained ? new String[0] : new String[] {"optimizer"};
      List<String> expected = H5Structure.ofArchive(kerasMade, tmp, excluded);
      List<String> actual = H5Structure.ofArchive(ours, tmp, excluded);
      System.out.println("structure of " + f[1] + (trained ? " (with optimizer/)" : " (optimizer/ excluded)") + ", Keras's vs jkeras's: "
          + (expected.equals(actual) ? "equal, " + expected.size() + " groups and datasets" : "DIFFERENT"));
      if (trained) {
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("D /optimizer/vars/21 ")), "the fixture has Adam's 22 variables");
        assertSameOptimizerValues(kerasMade, ours);
      }
      assertEquals(String.join("\n", expected), String.join("\n", actual), f[1] + ": model.weights.h5 structure");
      checkArchive(ours, kerasMade);
    }
  }

  /** optimizer/vars/i of two archives hold the same values. */
  private void assertSameOptimizerValues(Path a, Path b) throws IOException {
    Path ha = extractWeights(a, "a");
    Path hb = extractWeights(b, "b");
    for (int i = 0; i < 22; i++) {
      FloatArray x = io.jkeras.testing.Fixtures.h5(ha, "optimizer/vars/" + i);
      FloatArray y = io.jkeras.testing.Fixtures.h5(hb, "optimizer/vars/" + i);
      assertArrayEquals(x.shape(), y.shape(), "optimizer/vars/" + i);
      assertArrayEquals(x.data(), y.data(), 0f, "optimizer/vars/" + i);
    }
  }

  private Path extractWeights(Path archive, String tag) throws IOException {
    Path out = tmp.resolve(tag + "-model.weights.h5");
    try (ZipFile z = new ZipFile(archive.toFile())) {
      Files.copy(z.getInputStream(z.getEntry("model.weights.h5")), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return out;
  }

  /** Entries, their order and storage, metadata.json fields, config.json = KerasJson.write. */
  private static void checkArchive(Path ours, Path kerasMade) throws IOException {
    try (ZipFile a = new ZipFile(ours.toFile()); ZipFile k = new ZipFile(kerasMade.toFile())) {
      assertEquals(names(k), names(a), "zip entries in Keras's order");
      for (ZipEntry e : Collections.list(a.entries())) assertEquals(ZipEntry.STORED, e.getMethod(), e.getName() + " stored");
      JsonNode meta = KerasJson.parse(new String(a.getInputStream(a.getEntry("metadata.json")).readAllBytes(), StandardCharsets.UTF_8));
      JsonNode kmeta = KerasJson.parse(new String(k.getInputStream(k.getEntry("metadata.json")).readAllBytes(), StandardCharsets.UTF_8));
      assertEquals(fieldNames(kmeta), fieldNames(meta));
      assertTrue(meta.get("date_saved").asText().matches("\\d{4}-\\d{2}-\\d{2}@\\d{2}:\\d{2}:\\d{2}"), meta.toString());
      assertTrue(meta.get("keras_version").asText().startsWith("3."));
      String config = new String(a.getInputStream(a.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
      try (Sequential m = KerasModels.load(ours)) {
        assertEquals(KerasJson.write(m), config);
      }
    }
  }

  private static List<String> names(ZipFile z) {
    List<String> r = new ArrayList<>();
    for (ZipEntry e : Collections.list(z.entries())) r.add(e.getName());
    return r;
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> r = new ArrayList<>();
    n.fieldNames().forEachRemaining(r::add);
    return r;
  }

  /** save_weights: the same structure as Keras's own mixed.weights.h5 (optimizer aside). */
  @Test
  void writtenWeightsFileHasKerasStructure() {
    Path ours = tmp.resolve("mixed.weights.h5");
    try (Sequential m = KerasModels.load(Path.of(RES + "mixed.keras"))) {
      m.saveWeights(ours);
    }
    assertEquals(String.join("\n", H5Structure.of(Path.of(RES + "mixed.weights.h5"), "optimizer")),
        String.join("\n", H5Structure.of(ours, "optimizer")));
  }

  // ----- atomic writes -----

  @Test
  void failedWriteLeavesTheDestinationAsItWas() throws IOException {
    Path target = tmp.resolve("model.keras");
    Files.writeString(target, "the good old model");
    java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
        () -> KerasModels.atomicWrite(target, t -> {
          Files.writeString(t, "half a model");
          throw new IOException("disk full");
        }));
    assertTrue(e.getMessage().contains("disk full"), e.getMessage());
    assertEquals("the good old model", Files.readString(target));
    try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(target), s.toList(), "no temporary file left behind");
    }
    // An unbuilt model without an input shape fails before anything is written.
    try (Sequential m = new Sequential(new Dense(2))) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> m.save(target));
    }
    assertEquals("the good old model", Files.readString(target));
    // A successful save replaces it.
    Keras.setRandomSeed(3);
    try (Sequential m = new Sequential(new Dense(2).inputShape(3))) {
      m.save(target);
    }
    try (Sequential back = KerasModels.load(target)) {
      assertEquals(2, back.weights().size());
    }
  }

  @Test
  void fileNamesFollowKeras() {
    try (Sequential m = new Sequential(new Dense(2).inputShape(3))) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> m.save(tmp.resolve("model.h5")));
      assertTrue(e.getMessage().contains(".keras"), e.getMessage());
      e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.saveWeights(tmp.resolve("w.h5")));
      assertTrue(e.getMessage().contains(".weights.h5"), e.getMessage());
    }
  }

  // ----- a Python-trained model fine-tuned in Java -----

  @Test
  void pythonTrainedModelFineTunesInJava() {
    Path src = path("keras3-har-lstm/lstm_model.keras");
    Path out = tmp.resolve("har-finetuned.keras");
    Keras.setRandomSeed(5);
    FloatArray x = random(21, 16, 100, 6);
    float[] y = new float[16 * 6];
    Random r = new Random(22);
    for (int i = 0; i < 16; i++) y[i * 6 + r.nextInt(6)] = 1;
    FloatArray labels = new FloatArray(y, 16, 6);
    FloatArray after;
    try (Sequential m = KerasModels.load(src)) {
      assertTrue(m.isCompiled(), "compiled from the file's compile_config (Adam, categorical_crossentropy)");
      double before = m.evaluate(x, labels).get("loss");
      m.fit(x, labels, new FitOptions().epochs(4).batchSize(8).verbose(0).shuffle(false));
      double trained = m.evaluate(x, labels).get("loss");
      System.out.printf("keras3-har-lstm fine-tuned in Java: loss %.4f -> %.4f%n", before, trained);
      assertTrue(trained < before, "loss went down: " + before + " -> " + trained);
      after = m.predict(x);
      m.save(out);
    }
    try (Sequential back = KerasModels.load(out)) {
      assertArrayEquals(after.data(), back.predict(x).data(), 0f, "reloaded model predicts the same");
      assertTrue(back.isCompiled());
      Map<String, Double> s = back.evaluate(x, labels);
      assertTrue(s.containsKey("accuracy"), s.toString());
    }
  }
}
