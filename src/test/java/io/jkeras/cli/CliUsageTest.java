package io.jkeras.cli;

import static io.jkeras.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and data errors: exit code 2, and a message that names the file and the fix. */
class CliUsageTest {
  @TempDir static Path dir;
  static Path modelDir;

  static Path job(String name, String body) throws Exception {
    Path p = dir.resolve(name + ".json");
    Files.createDirectories(p.getParent());
    Files.writeString(p, body);
    return p;
  }

  static String q(Path p) {
    return p.toString().replace("\\", "/");
  }

  static String model(int units) {
    return CliTest.MODEL.replace("\"units\": 26", "\"units\": " + units);
  }

  @BeforeAll
  static void trainOneEpoch() throws Exception {
    modelDir = dir.resolve("out/u");
    CliRun r = run("train", job("u", "{\"name\": \"u\", \"seed\": 1, \"model\": " + CliTest.MODEL + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"categorical_crossentropy\", \"metrics\": [\"accuracy\"]}, \"fit\": {\"epochs\": 1, \"verbose\": 0},"
        + " \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"}, \"output\": \"" + q(modelDir) + "\"}").toString());
    assertEquals(0, r.code, r.err + r.out);
  }

  @Test
  void classCountAgainstLastLayerUnits() throws Exception {
    Path job = job("c20", "{\"name\": \"c20\", \"model\": " + model(20) + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"categorical_crossentropy\"}, \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"}}");
    CliRun r = run("train", job.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("c20.json") && r.err.contains("26 classes") && r.err.contains("has 20 units")
        && r.err.contains("give it 26 units"), r.err);
    job = job("s20", "{\"name\": \"s20\", \"model\": " + model(20) + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"sparse_categorical_crossentropy\"}, \"data\": {\"source\": \"text\", \"path\": \"" + q(text()) + "\","
        + " \"seq_length\": 3, \"target_encoding\": \"ids\"}}");
    r = run("train", job.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("s20.json") && r.err.contains("27 classes") && r.err.contains("has 20 units"), r.err);
  }

  static Path text() throws Exception {
    Path t = dir.resolve("abc.txt");
    Files.writeString(t, "abcdefghijklmnopqrstuvwxyz ".repeat(4).trim());
    return t;
  }

  @Test
  void csvFeedsOnlyTwoDimensionalModelsUnlessReshaped() throws Exception {
    Path csv = dir.resolve("x.csv");
    Files.writeString(csv, "0.0,0.04,0.08\n0.5,0.54,0.58\n");
    CliRun r = run("predict", modelDir.toString(), "--input", csv.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("x.csv") && r.err.contains("2-D") && r.err.contains("--input-shape 3,1"), r.err);
    r = run("predict", modelDir.toString(), "--input", csv.toString(), "--input-shape", "3,1");
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("(2, 26)"), r.out);
    r = run("predict", modelDir.toString(), "--input", csv.toString(), "--input-shape", "4,1");
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("3 values") && r.err.contains("needs 4"), r.err);
  }

  @Test
  void zeroEpochsAndNonPositiveBatchSizesAreRefused() throws Exception {
    String base = "{\"name\": \"e\", \"model\": " + CliTest.MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"},"
        + " \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"}, \"output\": \"" + q(dir.resolve("out/e")) + "\", %s}";
    CliRun r = run("train", job("e0", String.format(base, "\"fit\": {\"epochs\": 0}")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("e0.json") && r.err.contains("fit.epochs") && r.err.contains("jkeras evaluate"), r.err);
    assertTrue(!Files.exists(dir.resolve("out/e")), "nothing written");
    r = run("train", job("e1", String.format(base, "\"fit\": {\"epochs\": 3, \"initial_epoch\": 3}")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("fit.initial_epoch") && r.err.contains("last epoch"), r.err);
    Path x = dir.resolve("b.json");
    Files.writeString(x, "[[[0.0], [0.04], [0.08]]]");
    for (String b : new String[] {"0", "-5"}) {
      r = run("predict", modelDir.toString(), "--input", x.toString(), "--batch-size", b);
      assertEquals(2, r.code, r.err);
      assertTrue(r.err.contains("--batch-size must be a positive number") && r.err.contains(b), r.err);
    }
  }

  @Test
  void typoInALayerArgumentIsUnknownWithASuggestion() throws Exception {
    String base = "{\"name\": \"t\", \"model\": %s, \"compile\": {\"optimizer\": %s, \"loss\": \"mse\"},"
        + " \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"}}";
    CliRun r = run("train", job("t1", String.format(base, CliTest.MODEL.replace("\"units\": 16", "\"unitz\": 16"), "\"adam\"")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("t1.json") && r.err.contains("unknown argument 'unitz'; did you mean 'units'?"), r.err);
    r = run("train", job("t2", String.format(base, CliTest.MODEL.replace("\"units\": 16", "\"units\": 16, \"frobnicate\": 1"),
        "\"adam\"")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("unknown argument 'frobnicate' for LSTM; LSTM takes [") && r.err.contains("recurrent_dropout"), r.err);
    // a real Keras argument that jkeras lacks still says so
    r = run("train", job("t3", String.format(base, CliTest.MODEL.replace("\"units\": 16", "\"units\": 16, \"cell\": {}"),
        "\"adam\"")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("LSTM argument(s) [cell] are not supported by jkeras"), r.err);
    r = run("train", job("t4", String.format(base, CliTest.MODEL,
        "{\"class_name\": \"Adam\", \"config\": {\"learning_rte\": 0.1}}")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("unknown argument 'learning_rte' for Adam; did you mean 'learning_rate'?"), r.err);
  }

  @Test
  void relativePathsAreReadFromTheJobFilesDirectory() throws Exception {
    Path sub = dir.resolve("jobs/sub");
    Files.createDirectories(sub.resolve("data"));
    Files.writeString(sub.resolve("data/abc.txt"), "abcdefghijklmnopqrstuvwxyz ".repeat(3));
    String body = "{\"name\": \"rel\", \"model\": " + model(27) + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"categorical_crossentropy\"}, \"fit\": {\"epochs\": 1, \"verbose\": 0},"
        + " \"data\": {\"source\": \"text\", \"path\": \"%s\", \"seq_length\": 3}, \"output\": \"" + q(dir.resolve("out/rel")) + "\"}";
    CliRun r = run("train", job("jobs/sub/rel", String.format(body, "data/abc.txt")).toString());
    assertEquals(0, r.code, r.err + r.out);
    r = run("train", job("jobs/sub/rel2", String.format(body, "data/macbeth.txt")).toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("rel2.json: field 'data.path': no such file data/macbeth.txt") && r.err.contains("job file's directory "
        + sub.toAbsolutePath()) && r.err.contains("working directory"), r.err);
  }

  @Test
  void predictDecodesWithTheTrainingVocabulary() throws Exception {
    Path x = dir.resolve("d.json");
    Files.writeString(x, "[[[0.0], [0.04], [0.08]], [[0.5], [0.54], [0.58]]]");
    Path y = dir.resolve("d.npy");
    CliRun r = run("predict", modelDir.toString(), "--input", x.toString(), "--output", y.toString());
    assertEquals(0, r.code, r.err);
    io.jkeras.data.FloatArray p = io.jkeras.data.Npy.read(y);
    r = run("predict", modelDir.toString(), "--input", x.toString(), "--top-k", "3");
    assertEquals(0, r.code, r.err);
    String[] lines = r.out.trim().split("\\R");
    assertEquals(2, lines.length, r.out);
    for (int i = 0; i < 2; i++) {
      int best = 0;
      for (int c = 1; c < 26; c++) if (p.get(i, c) > p.get(i, best)) best = c;
      String label = "'" + (char) ('A' + best) + "'";
      assertTrue(lines[i].startsWith("sample " + i + ": " + label + " "), lines[i]);
      String[] parts = lines[i].split(" ");
      assertEquals(2 + 2 * 3, parts.length, lines[i]);
      assertTrue(Double.parseDouble(parts[3]) >= Double.parseDouble(parts[5]) && Double.parseDouble(parts[5]) >= Double.parseDouble(parts[7]));
      assertEquals(p.get(i, best), Double.parseDouble(parts[3]), 1e-4);
    }
    r = run("predict", modelDir.toString(), "--input", x.toString(), "--decode");
    assertEquals(0, r.code, r.err);
    assertEquals(lines[0].split(" ")[2], r.out.trim().split("\\R")[0].split(" ")[2]);
    Path v = dir.resolve("v.txt");
    Files.writeString(v, "a\nb\n");
    r = run("predict", modelDir.toString(), "--input", x.toString(), "--decode", "--vocabulary", v.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("2 labels") && r.err.contains("26 classes"), r.err);
  }

  @Test
  void verboseOneNotOnATerminalPrintsOnlyEachEpochsFinalLine() throws Exception {
    Path job = job("v1", "{\"name\": \"v1\", \"model\": " + CliTest.MODEL + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"categorical_crossentropy\"}, \"fit\": {\"epochs\": 3, \"batch_size\": 2, \"verbose\": 1},"
        + " \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"}, \"output\": \"" + q(dir.resolve("out/v1")) + "\"}");
    CliRun r = run("train", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(!r.out.contains("\r"), "no redraws in a file");
    assertEquals(3, r.out.lines().filter(l -> l.startsWith("12/12 [==============================]")).count(), r.out);
    assertEquals(0, r.out.lines().filter(l -> l.matches("\\s*\\d+/12 .*") && !l.startsWith("12/12")).count(), r.out);
  }
}
