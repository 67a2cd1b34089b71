package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jkeras command: each command end to end, and each error with its exit code and message. */
class CliTest {
  @TempDir static Path dir;
  static Path modelDir;

  /** Runs the CLI in-process, capturing stdout and stderr. */
  static CliRun run(String... args) {
    return CliRun.run(args);
  }

  static Path job(String name, String body) throws Exception {
    Path p = dir.resolve(name + ".json");
    Files.writeString(p, body);
    return p;
  }

  static final String MODEL = "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"m\", \"layers\": ["
      + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 3, 1]}},"
      + "{\"class_name\": \"LSTM\", \"config\": {\"units\": 16}},"
      + "{\"class_name\": \"Dense\", \"config\": {\"units\": 26, \"activation\": \"softmax\"}}]}}";

  @BeforeAll
  static void trainSmallModel() throws Exception {
    modelDir = dir.resolve("out/alpha");
    Path job = job("alpha", "{\"name\": \"alpha\", \"seed\": 3, \"model\": " + MODEL + ", \"compile\": {\"optimizer\": "
        + "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.01}}, \"loss\": \"categorical_crossentropy\", \"metrics\": [\"accuracy\"]},"
        + "\"fit\": {\"epochs\": 30, \"batch_size\": 4, \"verbose\": 2}, \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\", \"seq_length\": 3},"
        + "\"output\": \"" + modelDir.toString().replace("\\", "/") + "\"}");
    CliRun r = run("train", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Epoch 30/30"), r.out);
    assertTrue(r.out.contains("Final evaluation"), r.out);
  }

  @Test
  void trainWritesModelHistoryAndChart() throws Exception {
    for (String f : new String[] {"model.json", "weights.npz", "history.csv", "history.png", "data.json", "job.json"}) {
      assertTrue(Files.isRegularFile(modelDir.resolve(f)), f);
    }
    java.util.List<String> csv = Files.readAllLines(modelDir.resolve("history.csv"));
    assertEquals("epoch,accuracy,loss", csv.get(0));
    assertEquals(31, csv.size());
    byte[] png = Files.readAllBytes(modelDir.resolve("history.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
  }

  @Test
  void predictNpyJsonAndCsv() throws Exception {
    float[] x = new float[23 * 3];
    for (int i = 0; i < 23; i++) for (int t = 0; t < 3; t++) x[i * 3 + t] = (i + t) / 26f;
    Path in = dir.resolve("x.npy");
    Npy.write(in, new FloatArray(x, 23, 3, 1));
    Path out = dir.resolve("y.npy");
    CliRun r = run("predict", modelDir.toString(), "--input", in.toString(), "--output", out.toString());
    assertEquals(0, r.code, r.err);
    FloatArray y = Npy.read(out);
    assertArrayEquals(new long[] {23, 26}, y.shape());
    Path inJson = dir.resolve("x.json");
    Files.writeString(inJson, "[[[0.0], [0.03846154], [0.07692308]]]");
    Path outJson = dir.resolve("y.json");
    r = run("predict", modelDir.toString(), "--input", inJson.toString(), "--output", outJson.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(Files.readString(outJson).contains("\"shape\":[1,26]"));
    assertEquals(y.get(0, 5), Npy.read(out).get(0, 5));
  }

  @Test
  void predictShapeMismatchSaysBothShapes() throws Exception {
    Path in = dir.resolve("bad.npy");
    Npy.write(in, new FloatArray(new float[8], 2, 4, 1));
    CliRun r = run("predict", modelDir.toString(), "--input", in.toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("bad.npy") && r.err.contains("(2, 4, 1)") && r.err.contains("(None, 3, 1)"), r.err);
  }

  @Test
  void inspectPrintsSummary() {
    CliRun r = run("inspect", modelDir.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("Total params: 1,594"), r.out); // LSTM(16) on 1: 4*(16*17+16) = 1,152; Dense 16*26+26 = 442
    assertTrue(r.out.contains("Compiled: optimizer Adam"), r.out);
  }

  @Test
  void generateFromATextModel() throws Exception {
    Path text = dir.resolve("t.txt");
    Files.writeString(text, "the cat sat on the mat. the dog sat on the log. ".repeat(20));
    Path out = dir.resolve("out/text");
    String model = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
        + "{\"class_name\": \"LSTM\", \"config\": {\"units\": 8, \"batch_input_shape\": [null, 10, 1]}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 14, \"activation\": \"softmax\"}}]}}";
    Path job = job("text", "{\"name\": \"text\", \"seed\": 1, \"model\": " + model + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"categorical_crossentropy\"}, \"fit\": {\"epochs\": 1, \"verbose\": 0},"
        + " \"data\": {\"source\": \"text\", \"path\": \"" + text.toString().replace("\\", "/") + "\", \"seq_length\": 10, \"step\": 5},"
        + " \"output\": \"" + out.toString().replace("\\", "/") + "\"}");
    CliRun r = run("train", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    r = run("generate", out.toString(), "--seed", "the cat", "--length", "12", "--temperature", "0.8");
    assertEquals(0, r.code, r.err);
    String line = r.out.trim();
    assertTrue(line.startsWith("the cat") && line.length() == "the cat".length() + 12, line);
    r = run("generate", out.toString(), "--seed", "QQ", "--length", "3");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("'q' is not in the model's vocabulary"), r.err);
    r = run("generate", modelDir.toString(), "--seed", "ab");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("text source"), r.err);
  }

  @Test
  void missingFilesAreUsageErrors() {
    CliRun r = run("train", dir.resolve("none.json").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("no such job file"), r.err);
    r = run("predict", dir.resolve("nomodel").toString(), "--input", dir.resolve("x.npy").toString());
    assertEquals(2, r.code);
    r = run("inspect", dir.resolve("nomodel").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("no such model"), r.err);
  }

  @Test
  void badJobFieldsNameTheFieldAndAllowedValues() throws Exception {
    String base = "{\"name\": \"b\", \"model\": " + MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"}, %s}";
    CliRun r = run("train", job("b1", String.format(base, "\"data\": {\"source\": \"tweets\"}")).toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("data.source") && r.err.contains("[alphabet, text, arrays, labeled_text]"), r.err);
    r = run("train", job("b2", String.format(base, "\"data\": {\"source\": \"alphabet\", \"framing\": \"zigzag\"}")).toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("data.framing") && r.err.contains("one_char"), r.err);
    r = run("train", job("b3", String.format(base, "\"fit\": {\"epochz\": 3}, \"data\": {\"source\": \"alphabet\"}")).toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("'fit.epochz'") && r.err.contains("epochs"), r.err);
    r = run("train", job("b4", String.format(base, "\"fit\": {\"batch_size\": 0}, \"data\": {\"source\": \"alphabet\"}")).toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("fit.batch_size"), r.err);
    r = run("train", job("b5", "{\"name\": \"b5\", \"model\": {\"class_name\": \"Sequential\", \"config\": {\"layers\": "
        + "[{\"class_name\": \"Lambda\", \"config\": {}}]}}, \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"},"
        + " \"data\": {\"source\": \"alphabet\"}}").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("Lambda"), r.err);
    r = run("train", job("b6", "{\"name\": \"b6\", \"model\": " + MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"},"
        + " \"data\": {\"source\": \"alphabet\", \"framing\": \"one_char\"}}").toString());
    assertEquals(2, r.code, "data of shape (25, 1, 1) for a model on (None, 3, 1) is a usage error");
    assertTrue(r.err.contains("b6.json") && r.err.contains("(25, 1, 1)") && r.err.contains("(None, 3, 1)")
        && r.err.contains("seq_length"), r.err);
  }

  @Test
  void jobCallbacksRun() throws Exception {
    Path out = dir.resolve("out/cb");
    Path job = job("cb", "{\"name\": \"cb\", \"model\": " + MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"categorical_crossentropy\"},"
        + " \"fit\": {\"epochs\": 50, \"verbose\": 0, \"validation_split\": 0.2, \"prefetch\": 2}, \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"},"
        + " \"callbacks\": [{\"class_name\": \"EarlyStopping\", \"config\": {\"monitor\": \"loss\", \"patience\": 0, \"min_delta\": 10}},"
        + " {\"class_name\": \"CSVLogger\", \"config\": {\"filename\": \"" + dir.resolve("logs/log.csv").toString().replace("\\", "/") + "\"}}],"
        + " \"output\": \"" + out.toString().replace("\\", "/") + "\"}");
    CliRun r = run("train", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    // min_delta 10 never counts as an improvement: EarlyStopping stops after the first epoch (patience 0 + 1).
    java.util.List<String> log = Files.readAllLines(dir.resolve("logs/log.csv"));
    assertTrue(log.size() <= 3, String.join("\n", log));
    assertTrue(log.get(0).contains("val_loss"), log.get(0));
    r = run("train", job("cb2", "{\"name\": \"cb2\", \"model\": " + MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"},"
        + " \"data\": {\"source\": \"alphabet\"}, \"callbacks\": [{\"class_name\": \"Tensorboard\"}]}").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("callbacks[0].class_name") && r.err.contains("EarlyStopping"), r.err);
    r = run("train", job("cb3", "{\"name\": \"cb3\", \"model\": " + MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"},"
        + " \"fit\": {\"prefetch\": -1}, \"data\": {\"source\": \"alphabet\"}}").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("fit.prefetch"), r.err);
  }

  @Test
  void unknownCommandIsUsageError() {
    CliRun r = run("frobnicate");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("Usage"), r.err);
  }
}
