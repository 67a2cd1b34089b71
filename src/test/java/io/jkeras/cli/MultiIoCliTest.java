package io.jkeras.cli;

import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Weights.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.data.Npz;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Input;
import io.jkeras.layers.KerasTensor;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.saving.ModelFiles;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line with a Functional model of two inputs ("a", "b") and two outputs ("zout",
 * "aux"): {@code predict --input a=... --input b=...} with the outputs to a folder or a .npz,
 * {@code inspect} showing the graph, {@code export}, and a job whose data and compile sections
 * are maps by input and output name; bad inputs are usage errors (exit 2) that name the input.
 */
class MultiIoCliTest {
  @TempDir static Path dir;
  static Path keras;
  static Path a;
  static Path b;
  static List<FloatArray> expected;

  @BeforeAll
  static void saveModelAndData() throws Exception {
    Keras.setRandomSeed(31);
    KerasTensor xa = Input.named("a", 4);
    KerasTensor xb = Input.named("b", 3);
    KerasTensor hb = new Dense(3).activation("tanh").name("hb").apply(xb);
    KerasTensor zout = new Dense(2).name("zout").apply(new Concatenate().name("concatenate").apply(xa, hb));
    KerasTensor aux = new Dense(1).activation("sigmoid").name("aux").apply(hb);
    FloatArray va = gaussian(1, 10, 4);
    FloatArray vb = gaussian(2, 10, 3);
    a = dir.resolve("a.npy");
    b = dir.resolve("b.npy");
    Npy.write(a, va);
    Npy.write(b, vb);
    keras = dir.resolve("two.keras");
    try (Functional m = Model.of(List.of(xa, xb), List.of(zout, aux), "two")) {
      expected = m.predictMulti(Map.of("a", va, "b", vb));
      KerasModels.saveKeras(m, keras);
    }
  }

  private static CliRun run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void predictWritesEachOutputByName() throws Exception {
    Path out = dir.resolve("out");
    CliRun r = run("predict", keras.toString(), "--input", "b=" + b, "--input", "a=" + a, "--output", out.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(expected.get(0), Npy.read(out.resolve("zout.npy")), 1e-6, 0);
    assertClose(expected.get(1), Npy.read(out.resolve("aux.npy")), 1e-6, 0);
    assertTrue(r.out.contains("Wrote zout (10, 2) to " + out) && r.out.contains("Wrote aux (10, 1) to " + out), r.out);

    Path npz = dir.resolve("y.npz");
    r = run("predict", keras.toString(), "--input", "a=" + a, "--input", "b=" + b, "--output", npz.toString(), "--batch-size", "3");
    assertEquals(0, r.code, r.err + r.out);
    Map<String, FloatArray> y = Npz.read(npz);
    assertEquals(List.of("zout", "aux"), List.copyOf(y.keySet()));
    assertClose(expected.get(0), y.get("zout"), 1e-6, 0);
    assertClose(expected.get(1), y.get("aux"), 1e-6, 0);

    r = run("predict", keras.toString(), "--input", "a=" + a, "--input", "b=" + b);
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("zout (10, 2)") && r.out.contains("aux (10, 1)"), r.out);

    r = run("predict", keras.toString(), "--input", "a=" + a, "--input", "b=" + b, "--output", dir.resolve("y.npy").toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("2 outputs") && r.err.contains("a folder or a .npz"), r.err);
  }

  @Test
  void badInputsAreUsageErrorsThatNameTheInput() throws Exception {
    CliRun r = run("predict", keras.toString(), "--input", "a=" + a, "--input", "c=" + b);
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("no input 'c'") && r.err.contains("its inputs are a, b"), r.err);

    r = run("predict", keras.toString(), "--input", "a=" + a);
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("no file for input 'b'") && r.err.contains("--input b=FILE"), r.err);

    r = run("predict", keras.toString(), "--input", a.toString(), "--input", "b=" + b);
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("has 2 inputs (a, b)") && r.err.contains("NAME=FILE"), r.err);

    Path b7 = dir.resolve("b7.npy");
    Npy.write(b7, gaussian(3, 7, 3));
    r = run("predict", keras.toString(), "--input", "a=" + a, "--input", "b=" + b7);
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("input 'b' has 7 samples but input 'a'") && r.err.contains(b7.toString()), r.err);

    r = run("predict", keras.toString(), "--input", "a=" + b, "--input", "b=" + b);
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("input 'a' has shape (10, 3)") && r.err.contains("(None, 4)"), r.err);
  }

  @Test
  void inspectShowsTheGraph() {
    CliRun r = run("inspect", keras.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Connected to"), r.out);
    assertTrue(r.out.contains("concatenate (Concatenate)") && r.out.contains("a[0][0]") && r.out.contains("hb[0][0]"), r.out);
    assertTrue(r.out.contains("Inputs:\n  a (None, 4) float32\n  b (None, 3) float32\n"), r.out);
    assertTrue(r.out.contains("Outputs:\n  zout (None, 2) (from zout[0][0])\n  aux (None, 1) (from aux[0][0])\n"), r.out);
  }

  @Test
  void exportThenPredictTheSavedModelByName() throws Exception {
    Path sm = dir.resolve("two-sm");
    CliRun r = run("export", keras.toString(), sm.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("inputs 'a' float32, 'b' float32; outputs 'zout', 'aux'"), r.out);
    Path npz = dir.resolve("sm.npz");
    r = run("predict", sm.toString(), "--input", "a=" + a, "--input", "b=" + b, "--output", npz.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(expected.get(0), Npz.read(npz).get("zout"), 1e-6, 0);
    assertClose(expected.get(1), Npz.read(npz).get("aux"), 1e-6, 0);

    r = run("inspect", sm.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("signature 'serving_default'") && r.out.contains("Connected to"), r.out);

    r = run("export", keras.toString(), dir.resolve("two-sm3").toString(), "--keras3-names");
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("outputs 'output_0', 'output_1'"), r.out);
  }

  /** A job: x and y map each input and output to its file; loss, loss_weights and metrics per output. */
  private static Path job(String name, String x, String y, String compile) throws Exception {
    Path p = dir.resolve(name + ".json");
    Files.writeString(p, "{\"name\": \"" + name + "\", \"seed\": 3, \"model\": \"" + keras + "\","
        + " \"compile\": " + compile + ","
        + " \"fit\": {\"epochs\": 2, \"batch_size\": 4, \"verbose\": 0},"
        + " \"data\": {\"source\": \"arrays\", \"x\": " + x + ", \"y\": " + y + "},"
        + " \"output\": \"" + dir.resolve(name + "-out") + "\"}");
    return p;
  }

  /** The job's "x": each input's file by name. */
  private static String inputs() {
    return "{\"a\": \"" + a + "\", \"b\": \"" + b + "\"}";
  }

  /** Writes the targets and returns the job's "y": each output's file by name. */
  private static String targets(String tag, FloatArray zout, FloatArray aux) throws Exception {
    Path yz = dir.resolve("zout-" + tag + ".npy");
    Path ya = dir.resolve("aux-" + tag + ".npy");
    Npy.write(yz, zout);
    Npy.write(ya, aux);
    return "{\"aux\": \"" + ya + "\", \"zout\": \"" + yz + "\"}";
  }

  static final String COMPILE = "{\"optimizer\": \"adam\", \"loss\": {\"zout\": \"mse\", \"aux\": \"binary_crossentropy\"},"
      + " \"loss_weights\": {\"aux\": 0.5}, \"metrics\": {\"aux\": [\"accuracy\"]}}";

  @Test
  void trainsAJobWithDataAndLossesByName() throws Exception {
    float[] labels = new float[10];
    for (int i = 0; i < 10; i++) labels[i] = i % 2;
    Path job = job("multi", inputs(), targets("multi", gaussian(4, 10, 2), new FloatArray(labels, 10, 1)), COMPILE);
    CliRun r = run("train", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Connected to") && r.out.contains("Training on 10 samples: x a (10, 4), b (10, 3); y zout (10, 2),"
        + " aux (10, 1)"), r.out);
    Path out = dir.resolve("multi-out");
    assertTrue(ModelFiles.isModelDir(out), r.out);
    String history = Files.readString(out.resolve("history.csv"));
    assertTrue(history.startsWith("epoch,aux_accuracy,aux_loss,loss,zout_loss"), history);
  }

  @Test
  void theTrainedModelDirectoryPredictsAndEvaluatesByName() throws Exception {
    // One loss for every output (Keras's compile(loss="mse")).
    String y = targets("one-loss", gaussian(6, 10, 2), gaussian(7, 10, 1));
    Path job = job("multi-one-loss", inputs(), y, "{\"optimizer\": \"adam\", \"loss\": \"mse\"}");
    CliRun r = run("train", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    Path out = dir.resolve("multi-one-loss-out");

    // The trained model directory: predict by input name, evaluate on the job's data.
    Path npz = dir.resolve("trained.npz");
    r = run("predict", out.toString(), "--input", "a=" + a, "--input", "b=" + b, "--output", npz.toString());
    assertEquals(0, r.code, r.err + r.out);
    try (Model m = ModelFiles.loadModel(out)) {
      List<FloatArray> want = m.predictMulti(Map.of("a", Npy.read(a), "b", Npy.read(b)));
      assertClose(want.get(0), Npz.read(npz).get("zout"), 1e-6, 0);
      assertClose(want.get(1), Npz.read(npz).get("aux"), 1e-6, 0);
    }
    r = run("evaluate", out.toString(), "--job", job.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.startsWith("10 samples") && r.out.contains("zout_loss") && r.out.contains("aux_loss"), r.out);
    r = run("evaluate", out.toString(), "--x", a.toString(), "--y", b.toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("--job"), r.err);
    r = run("inspect", out.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Connected to") && r.out.contains("loss {zout: mean_squared_error, aux: mean_squared_error}"), r.out);
  }

  @Test
  void badJobDataNamesTheInput() throws Exception {
    String y = targets("bad", gaussian(4, 10, 2), gaussian(5, 10, 1));

    CliRun r = run("train", job("bad1", "{\"a\": \"" + a + "\", \"c\": \"" + b + "\"}", y, COMPILE).toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("field 'data.x.c'") && r.err.contains("no input 'c'") && r.err.contains("its inputs are a, b"), r.err);

    r = run("train", job("bad2", "{\"a\": \"" + a + "\"}", y, COMPILE).toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("no file for input 'b'"), r.err);

    Path b7 = dir.resolve("b7j.npy");
    Npy.write(b7, gaussian(3, 7, 3));
    r = run("train", job("bad3", "{\"a\": \"" + a + "\", \"b\": \"" + b7 + "\"}", y, COMPILE).toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("input 'b' (" + b7 + ") has 7 samples but input 'a'"), r.err);

    r = run("train", job("bad4", "\"" + a + "\"", y, COMPILE).toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("field 'data.x' is one file") && r.err.contains("2 inputs (a, b)"), r.err);

    Path yz = dir.resolve("zout-bad.npy");
    r = run("train", job("bad5", inputs(), "{\"zout\": \"" + yz + "\"}", COMPILE).toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("no file for output 'aux'"), r.err);

    String badLoss = "{\"optimizer\": \"adam\", \"loss\": {\"zout\": \"mse\", \"aux2\": \"mse\"}}";
    r = run("train", job("bad6", inputs(), y, badLoss).toString());
    assertEquals(Main.USAGE_ERROR, r.code, r.out);
    assertTrue(r.err.contains("'aux2' is no output"), r.err);
    assertFalse(Files.exists(dir.resolve("bad6-out")));
  }
}
