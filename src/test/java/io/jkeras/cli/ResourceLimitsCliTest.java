package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.layers.Dense;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.testing.ForkedCli;
import io.jkeras.testing.KerasPython;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile sizes in model files and arrays (issue 15): each run in a child JVM, so that a
 * TensorFlow abort (exit 134) fails the case instead of ending the test JVM. Before the resource
 * budget these aborted (LSTM/GRU/SimpleRNN units 2^31-1 or 1.6e9, batch_shape [None, 5, 2^62]),
 * ran away (3000 Dense layers: inspect still running after 300 s; Dense(units=1e8): 8.4 GB RSS)
 * or said nothing useful ("integer overflow", "-40", {@code For input string: ""}).
 */
class ResourceLimitsCliTest {
  static Path dir;

  static String sequential(String batchShape, String... layers) {
    return "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"m\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": " + batchShape + "}}, " + String.join(", ", layers) + "]}}";
  }

  static String layer(String cls, String units) {
    return "{\"class_name\": \"" + cls + "\", \"config\": {\"name\": \"big\", \"units\": " + units + "}}";
  }

  @BeforeAll
  static void files() throws Exception {
    dir = KerasPython.work("resource-limits");
    Npy.write(dir.resolve("x2.npy"), new FloatArray(new float[6], 2, 3));
    Npy.write(dir.resolve("x3.npy"), new FloatArray(new float[6], 2, 3, 1));
    Npy.write(dir.resolve("nan.npy"), new FloatArray(new float[] {Float.NaN, 1, 2, Float.POSITIVE_INFINITY, 0, 0}, 2, 3));
    // a .npy whose header says (-2, 3), and one of Python objects (numpy's '|O')
    byte[] ok = Files.readAllBytes(dir.resolve("x2.npy"));
    Files.write(dir.resolve("negative.npy"), new String(ok, StandardCharsets.ISO_8859_1).replace("(2, 3)", "(-2, 3)")
        .getBytes(StandardCharsets.ISO_8859_1));
    Files.write(dir.resolve("object.npy"), new String(ok, StandardCharsets.ISO_8859_1).replace("'<f4'", "'|O' ")
        .getBytes(StandardCharsets.ISO_8859_1));
    Files.writeString(dir.resolve("small.json"), sequential("[null, 3]", layer("Dense", "2")));
    for (String cls : new String[] {"LSTM", "GRU", "SimpleRNN"}) {
      Files.writeString(dir.resolve(cls + "_max.json"), sequential("[null, 3, 1]", layer(cls, "2147483647")));
      Files.writeString(dir.resolve(cls + "_16e9.json"), sequential("[null, 3, 1]", layer(cls, "1.6e9")));
    }
    Files.writeString(dir.resolve("shape62.json"), sequential("[null, 5, 4611686018427387904]", layer("SimpleRNN", "4")));
    Files.writeString(dir.resolve("dense_max.json"), sequential("[null, 3]", layer("Dense", "2147483647")));
    Files.writeString(dir.resolve("dense_1e8.json"), sequential("[null, 3]", layer("Dense", "1e8")));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 3000; i++) many.append(i > 0 ? ", " : "").append("{\"class_name\": \"Dense\", \"config\": {\"name\": \"d" + i + "\", \"units\": 8}}");
    Files.writeString(dir.resolve("dense3000.json"), sequential("[null, 8]", many.toString()));
    // a .keras archive whose config.json asks for an LSTM of 2^31-1 units (weights of a small model)
    try (Sequential m = new Sequential(new Dense(2).inputShape(3))) {
      m.build(-1, 3);
      m.save(dir.resolve("small.keras"));
    }
    replaceConfig(dir.resolve("small.keras"), dir.resolve("lstm_max.keras"), sequential("[null, 3, 1]", layer("LSTM", "2147483647")));
    // a Keras 2 .h5 model whose model_config asks for a SimpleRNN of 1.6e9 units
    Hdf5.Tree h5 = new Hdf5.Tree().attribute("model_config", sequential("[null, 3, 1]", layer("SimpleRNN", "1.6e9")))
        .attribute("keras_version", "2.15.0").attribute("backend", "tensorflow");
    h5.group("model_weights");
    Hdf5.write(h5, dir.resolve("rnn_16e9.h5"));
  }

  static void replaceConfig(Path from, Path to, String config) throws Exception {
    try (ZipFile in = new ZipFile(from.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
        ZipEntry z = e.nextElement();
        out.putNextEntry(new ZipEntry(z.getName()));
        out.write(z.getName().equals("config.json") ? config.getBytes(StandardCharsets.UTF_8) : in.getInputStream(z).readAllBytes());
        out.closeEntry();
      }
    }
  }

  /** Exit 2 (a usage error, not an abort), with every fragment in the message. */
  static void refused(ForkedCli r, String... fragments) {
    assertFalse(r.aborted(), "aborted: " + r);
    assertFalse(r.timedOut, r.toString());
    assertEquals(2, r.code, r.toString());
    for (String f : fragments) assertTrue(r.err.contains(f), "'" + f + "' not in the message: " + r);
  }

  @Test
  void recurrentUnitsThatOverflowAreRefusedNamingLayerAndField() throws Exception {
    refused(ForkedCli.run(dir, 120, "inspect", "LSTM_max.json"), "LSTM_max.json", "layer big (LSTM", "units=2147483647");
    refused(ForkedCli.run(dir, 120, "predict", "GRU_max.json", "--input", "x3.npy"), "GRU_max.json", "layer big (GRU", "units=2147483647");
    refused(ForkedCli.run(dir, 120, "export", "SimpleRNN_max.json", dir.resolve("out_sm").toString()), "layer big (SimpleRNN",
        "units=2147483647");
    refused(ForkedCli.run(dir, 120, "predict", "LSTM_16e9.json", "--input", "x3.npy"), "layer big (LSTM", "units=1600000000");
    refused(ForkedCli.run(dir, 120, "inspect", "GRU_16e9.json"), "layer big (GRU", "units=1600000000");
    refused(ForkedCli.run(dir, 120, "inspect", "lstm_max.keras"), "lstm_max.keras", "layer big (LSTM", "units=2147483647");
    refused(ForkedCli.run(dir, 120, "predict", "rnn_16e9.h5", "--input", "x3.npy"), "rnn_16e9.h5", "layer big (SimpleRNN",
        "units=1600000000");
  }

  @Test
  void aShapeWhoseSizeOverflowsIsRefusedWithItsJsonPath() throws Exception {
    refused(ForkedCli.run(dir, 120, "predict", "shape62.json", "--input", "x3.npy"), "shape62.json",
        "config.layers[0].config.batch_shape", "64-bit");
  }

  @Test
  void aHugeDenseIsRefusedBeforeAllocationAndAllowedWhenTheBudgetIsRaised() throws Exception {
    refused(ForkedCli.run(dir, 120, "predict", "dense_1e8.json", "--input", "x2.npy"), "dense_1e8.json", "layer big (Dense",
        "units=100000000", "kernel", "--max-tensor-bytes");
    refused(ForkedCli.run(dir, 120, "predict", "dense_max.json", "--input", "x2.npy"), "layer big (Dense", "units=2147483647");
    // raised: the graph is built (inspect allocates no weight values), not refused
    ForkedCli ok = ForkedCli.run(dir, 120, "inspect", "dense_1e8.json", "--max-tensor-bytes", "2g");
    assertEquals(0, ok.code, ok.toString());
    assertTrue(ok.out.contains("400,000,000"), ok.toString());
    ForkedCli sys = ForkedCli.run(dir, 120, List.of("-Djkeras.maxParams=1000"), "inspect", "small.json");
    assertEquals(0, sys.code, sys.toString());
    refused(ForkedCli.run(dir, 120, "inspect", "small.json", "--max-params", "5"), "6 parameters", "--max-params");
  }

  @Test
  void threeThousandDenseLayersInspectInLinearTime() throws Exception {
    ForkedCli r = ForkedCli.run(dir, 240, "inspect", "dense3000.json");
    assertEquals(0, r.code, r.toString());
    assertTrue(r.out.contains("216,000"), r.toString()); // 3000 x (8 x 8 + 8)
    refused(ForkedCli.run(dir, 120, "inspect", "dense3000.json", "--max-layers", "1000"), "dense3000.json", "1000 allowed",
        "--max-layers");
  }

  @Test
  void badArraysAndBatchSizesSayWhatIsWrong() throws Exception {
    refused(ForkedCli.run(dir, 120, "predict", "small.json", "--input", "negative.npy"), "negative.npy", "negative dimension -2");
    refused(ForkedCli.run(dir, 120, "predict", "small.json", "--input", "object.npy"), "object.npy", "'|O'", "Python objects");
    refused(ForkedCli.run(dir, 120, "predict", "small.json", "--input", "x2.npy", "--batch-size", "0"), "--batch-size", "positive");
    refused(ForkedCli.run(dir, 120, "predict", "small.json", "--input", "x2.npy", "--batch-size", "-5"), "--batch-size", "-5");
  }

  @Test
  void nonFiniteInputsWarnOrFailWithStrictFinite() throws Exception {
    ForkedCli warn = ForkedCli.run(dir, 120, "predict", "small.json", "--input", "nan.npy");
    assertEquals(0, warn.code, warn.toString());
    assertTrue(warn.err.contains("jkeras: warning:") && warn.err.contains("2 of 6 values are NaN or infinite"), warn.toString());
    ForkedCli strict = ForkedCli.run(dir, 120, "predict", "small.json", "--input", "nan.npy", "--strict-finite");
    assertEquals(1, strict.code, strict.toString());
    assertTrue(strict.err.contains("NaN or infinite") && strict.err.contains("refused"), strict.toString());
  }
}
