package io.jkeras.saving.keras;

import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.jkeras.config.KerasFormatException;

/**
 * Bad files give a KerasFormatException that says what is wrong and where: not HDF5, truncated
 * or damaged, weights of the wrong count or shape, archives with entries that escape (zip-slip)
 * or expand absurdly (zip bombs). Never another exception, never a crash, and the model keeps
 * its weights when a load fails.
 */
class KerasFileErrorsTest {
  @TempDir Path tmp;

  private static final String RES = KerasFileFixturesTest.RES;

  private static KerasFormatException fails(Runnable r) {
    return assertThrows(KerasFormatException.class, r::run);
  }

  private static void says(KerasFormatException e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
  }

  @Test
  void notHdf5() throws IOException {
    Path h5 = tmp.resolve("model.h5");
    Files.writeString(h5, "this is not a model\n");
    says(fails(() -> KerasModels.load(h5)), h5.toString(), "not an HDF5 file");
    try (Sequential m = new Sequential(new Dense(1).inputShape(2))) {
      says(fails(() -> m.loadWeights(h5)), h5.toString(), "not an HDF5 file");
    }
    Path keras = tmp.resolve("model.keras");
    Files.write(keras, new byte[] {1, 2, 3, 4, 5});
    says(fails(() -> KerasModels.load(keras)), "neither a .keras archive");
    says(fails(() -> KerasModels.load(tmp.resolve("missing.keras"))), "no such file");
    says(fails(() -> KerasModels.load(tmp)), "is a directory");
  }

  @Test
  void weightsOnlyFileIsNotAModel() {
    Path w = path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_weights.h5");
    says(fails(() -> KerasModels.load(w)), "weights only", "KerasModels.load(config, weights)");
  }

  /**
   * Every truncation of a legacy model, a Keras 3 legacy .h5, a .weights.h5 and a .keras
   * archive, and random bit flips in their headers: a KerasFormatException, or, where the cut
   * spared every weight (optimizer state at the end), a model that predicts as the whole file's.
   */
  @Test
  void truncatedAndDamagedFilesFailCleanly() throws IOException {
    Object[][] files = {
        {path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_model.h5"), new FloatArray(new float[] {0.5f, -0.2f}, 2, 1, 1)},
        {path("keras2-dl4j-embedding-bidirectional-lstm-h5/bidirectional_lstm_tensorflow_2.h5"), random(2, 4, 10)},
        {Path.of(RES + "mixed_legacy.h5"), random(2, 5, 3)},
        {Path.of(RES + "mixed.keras"), random(2, 5, 3)},
    };
    Random r = new Random(5);
    int clean = 0;
    int loaded = 0;
    for (Object[] f : files) {
      Path src = (Path) f[0];
      FloatArray x = (FloatArray) f[1];
      FloatArray whole;
      try (Sequential m = KerasModels.load(src, false)) {
        whole = m.predict(x);
      }
      byte[] b = Files.readAllBytes(src);
      String ext = src.toString().endsWith(".keras") ? ".keras" : ".h5";
      for (int t = 0; t < 36; t++) {
        byte[] c;
        if (t < 24) {
          c = Arrays.copyOf(b, t == 23 ? b.length - 1 : (int) ((long) b.length * t / 23));
        } else {
          c = b.clone();
          for (int k = 0; k < 4; k++) c[r.nextInt(Math.min(c.length, 4096))] ^= (byte) (1 << r.nextInt(8));
        }
        Path p = tmp.resolve("damaged" + t + ext);
        Files.write(p, c);
        try (Sequential m = KerasModels.load(p, false)) {
          loaded++;
          if (t < 24) assertArrayEquals(whole.data(), m.predict(x).data(), 0f, src + " cut to " + c.length + " bytes loads the same weights");
        } catch (KerasFormatException e) {
          clean++;
          assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
      }
    }
    System.out.println("damaged files: " + clean + " refused with KerasFormatException, " + loaded + " loaded (damage outside the weights)");
    assertTrue(clean > 100, "most damaged files are refused");
  }

  @Test
  void truncatedWeightsFileLeavesTheModelAsItWas() throws IOException {
    byte[] b = Files.readAllBytes(Path.of(RES + "mixed.weights.h5"));
    Path cut = tmp.resolve("cut.weights.h5");
    Files.write(cut, Arrays.copyOf(b, b.length - 200));
    try (Sequential m = KerasModels.load(Path.of(RES + "mixed.keras"))) {
      List<FloatArray> before = m.getWeights();
      fails(() -> m.loadWeights(cut));
      List<FloatArray> after = m.getWeights();
      for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i).data(), after.get(i).data(), 0f);
    }
  }

  @Test
  void keras3WeightMismatchNamesLayerAndShapes() {
    Path w = Path.of(RES + "mixed.weights.h5");
    // Same layer kinds, one with other units: a shape mismatch.
    String json;
    try (Sequential keras = KerasModels.load(Path.of(RES + "mixed.keras"), false)) {
      json = KerasJson.write(keras).replace("\"units\" : 3,", "\"units\" : 5,");
    }
    try (Sequential m = KerasJson.read(json)) {
      KerasFormatException e = fails(() -> m.loadWeights(w));
      says(e, w.toString(), "layer 'gru'", "(GRU)", "kernel", "(8, 15)", "(8, 9)", "layers/gru/cell/vars/0");
    }
    // Fewer layers than the file: the file's extra layers are named.
    try (Sequential m = new Sequential()) {
      m.add(new io.jkeras.layers.Bidirectional(new LSTM(4).returnSequences(true)).inputShape(5, 3));
      says(fails(() -> m.loadWeights(w)), "the file has weights for layers", "dense", "gru", "simple_rnn");
    }
    // A layer the file does not have.
    try (Sequential m = new Sequential(new LSTM(2).inputShape(5, 3), new Dense(1))) {
      says(fails(() -> m.loadWeights(w)), w.toString(), "(LSTM)", "no group layers/lstm", "bidirectional");
    }
  }

  @Test
  void legacyWeightMismatchNamesLayerAndShapes() {
    Path w = path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_weights.h5");
    try (Sequential m = new Sequential(new LSTM(40).inputShape(1, 1), new Dense(1))) {
      m.build(-1, 1, 1);
      List<FloatArray> before = m.getWeights();
      KerasFormatException e = fails(() -> m.loadWeights(w));
      says(e, w.toString(), "LSTM", "(1, 160)", "(1, 200)");
      assertArrayEquals(before.get(0).data(), m.getWeights().get(0).data(), 0f, "nothing assigned on failure");
    }
    try (Sequential m = new Sequential(new LSTM(50).inputShape(1, 1), new Dense(1), new Dense(1))) {
      says(fails(() -> m.loadWeights(w)), "weights for 2 layers", "[lstm_1, dense_1]", "3 layers with weights");
    }
  }

  // ----- hostile archives -----

  private static void zip(Path file, Object[][] entries) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Object[] e : entries) {
        ZipEntry ze = new ZipEntry((String) e[0]);
        byte[] data = (byte[]) e[1];
        if (e.length > 2 && (Boolean) e[2]) {
          ze.setMethod(ZipEntry.STORED);
          ze.setSize(data.length);
          CRC32 crc = new CRC32();
          crc.update(data);
          ze.setCrc(crc.getValue());
        }
        z.putNextEntry(ze);
        z.write(data);
        z.closeEntry();
      }
    }
  }

  private static byte[] entry(String name, Path archive) throws IOException {
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(archive.toFile())) {
      return z.getInputStream(z.getEntry(name)).readAllBytes();
    }
  }

  @Test
  void zipSlipEntriesAreRefused() throws IOException {
    Path good = Path.of(RES + "mixed.keras");
    byte[] config = entry("config.json", good);
    byte[] weights = entry("model.weights.h5", good);
    for (String evil : new String[] {"../evil.txt", "assets/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt", "assets\\..\\evil.txt"}) {
      Path z = tmp.resolve("slip.keras");
      zip(z, new Object[][] {{"config.json", config}, {"model.weights.h5", weights}, {evil, "pwned".getBytes(StandardCharsets.UTF_8)}});
      says(fails(() -> KerasModels.load(z)), "zip-slip", "refused");
    }
    assertFalse(Files.exists(tmp.getParent().resolve("evil.txt")));
  }

  @Test
  void zipBombsAreRefused() throws IOException {
    Path good = Path.of(RES + "mixed.keras");
    byte[] weights = entry("model.weights.h5", good);
    // A config.json that inflates to 40 MiB (more than any config; ~40 KB stored).
    Path bigConfig = tmp.resolve("bomb1.keras");
    zip(bigConfig, new Object[][] {{"config.json", new byte[40 << 20]}, {"model.weights.h5", weights, true}});
    says(fails(() -> KerasModels.load(bigConfig)), "refused", "config.json");
    // Weights that inflate a thousandfold.
    Path ratio = tmp.resolve("bomb2.keras");
    zip(ratio, new Object[][] {{"config.json", entry("config.json", good)}, {"model.weights.h5", new byte[8 << 20]}});
    says(fails(() -> KerasModels.load(ratio)), "refused", "model.weights.h5", "decompression bomb");
    // Weights larger than the limit (lowered here to 16 KiB).
    System.setProperty(KerasArchive.MAX_ENTRY_PROPERTY, Long.toString(16 << 10));
    try {
      says(fails(() -> KerasModels.load(good)), "refused", "model.weights.h5", "16384");
    } finally {
      System.clearProperty(KerasArchive.MAX_ENTRY_PROPERTY);
    }
  }

  @Test
  void archiveWithoutItsPartsIsRefused() throws IOException {
    Path good = Path.of(RES + "mixed.keras");
    Path noConfig = tmp.resolve("a.keras");
    zip(noConfig, new Object[][] {{"model.weights.h5", entry("model.weights.h5", good)}});
    says(fails(() -> KerasModels.load(noConfig)), "no config.json");
    Path noWeights = tmp.resolve("b.keras");
    zip(noWeights, new Object[][] {{"config.json", entry("config.json", good)}});
    says(fails(() -> KerasModels.load(noWeights)), "no model.weights.h5");
    Path npz = tmp.resolve("c.keras");
    zip(npz, new Object[][] {{"config.json", entry("config.json", good)}, {"model.weights.npz", new byte[10]}});
    says(fails(() -> KerasModels.load(npz)), "npz", "not supported yet");
    Path badJson = tmp.resolve("d.keras");
    zip(badJson, new Object[][] {{"config.json", "{\"class_name\": ".getBytes(StandardCharsets.UTF_8)},
        {"model.weights.h5", entry("model.weights.h5", good)}});
    says(fails(() -> KerasModels.load(badJson)), "config.json", "malformed JSON");
    Path notH5 = tmp.resolve("e.keras");
    zip(notH5, new Object[][] {{"config.json", entry("config.json", good)}, {"model.weights.h5", new byte[100]}});
    says(fails(() -> KerasModels.load(notH5)), "model.weights.h5", "not an HDF5 file");
  }

  private static FloatArray random(long... shape) {
    Random r = new Random(3);
    float[] d = new float[(int) io.jkeras.utils.Shapes.product(shape)];
    for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
    return new FloatArray(d, shape);
  }
}
