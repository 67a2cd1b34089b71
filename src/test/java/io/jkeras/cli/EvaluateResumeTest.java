package io.jkeras.cli;

import static io.jkeras.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.data.Alphabet;
import io.jkeras.data.Dataset;
import io.jkeras.data.Npy;
import io.jkeras.testing.CliRun;
import io.jkeras.testing.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jkeras evaluate (array files or a job's data), fit.initial_epoch, and "resume" from the output directory. */
class EvaluateResumeTest {
  @TempDir Path dir;

  Path job(String name, String model, String fit, String extra) throws Exception {
    Path p = dir.resolve(name + ".json");
    Files.writeString(p, "{\"name\": \"" + name + "\", \"seed\": 5, \"model\": " + model + ", \"compile\": {\"optimizer\":"
        + " {\"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.01}}, \"loss\": \"categorical_crossentropy\", \"metrics\": [\"accuracy\"]},"
        + " \"fit\": " + fit + ", \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"},"
        + " \"output\": \"" + dir.resolve("out").toString().replace("\\", "/") + "\"" + extra + "}");
    return p;
  }

  @Test
  void evaluateTrainAgainAndResume() throws Exception {
    Path out = dir.resolve("out");
    CliRun r = run("train", job("a", CliTest.MODEL, "{\"epochs\": 2, \"verbose\": 0}", "").toString());
    assertEquals(0, r.code, r.err + r.out);
    double loss = new ObjectMapper().readTree(out.resolve("scores.json").toFile()).get("loss").asDouble();

    // evaluate on the job's data and on the same data as .npy files: the scores train printed
    r = run("evaluate", out.toString(), "--job", dir.resolve("a.json").toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains(String.format(java.util.Locale.ROOT, "loss: %.4f", loss)) && r.out.contains("accuracy: "), r.out);
    Dataset d = Alphabet.framing("window_timesteps", 3, 1000, 5);
    Npy.write(dir.resolve("x.npy"), d.x());
    Npy.write(dir.resolve("y.npy"), d.y());
    r = run("evaluate", out.toString(), "--x", dir.resolve("x.npy").toString(), "--y", dir.resolve("y.npy").toString(),
        "--output", dir.resolve("s.json").toString());
    assertEquals(0, r.code, r.err);
    assertEquals(loss, new ObjectMapper().readTree(dir.resolve("s.json").toFile()).get("loss").asDouble(), 1e-5);
    r = run("evaluate", out.toString(), "--x", dir.resolve("x.npy").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("--x FILE --y FILE"), r.err);
    r = run("evaluate", out.toString(), "--x", dir.resolve("y.npy").toString(), "--y", dir.resolve("y.npy").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("y.npy") && r.err.contains("(23, 26)"), r.err);

    // resume: a job whose own model differs (8 units) continues from the directory's model (16 units)
    String small = CliTest.MODEL.replace("\"units\": 16", "\"units\": 8");
    r = run("train", job("b", small, "{\"epochs\": 4, \"verbose\": 2}", ", \"resume\": true").toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Resuming from") && r.out.contains("after epoch 2"), r.out);
    assertTrue(r.out.contains("Epoch 3/4") && !r.out.contains("Epoch 1/4"), r.out);
    assertTrue(r.out.contains("Total params: 1,594"), "the 16-unit model from the directory: " + r.out);
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(5, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(3).startsWith("2,") && csv.get(4).startsWith("3,"), String.join("\n", csv));
    r = run("train", job("c", CliTest.MODEL, "{\"epochs\": 4, \"verbose\": 0}", ", \"resume\": true").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("already trained 4 epochs") && r.err.contains("raise fit.epochs"), r.err);

    // initial_epoch on a fresh model: Keras's epoch numbering
    Files.walk(out).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    r = run("train", job("d", CliTest.MODEL, "{\"epochs\": 3, \"initial_epoch\": 1, \"verbose\": 2}", "").toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Epoch 2/3") && !r.out.contains("Epoch 1/3"), r.out);
    csv = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(3, csv.size());
    assertTrue(csv.get(1).startsWith("1,"), csv.get(1));
  }

  /**
   * Resuming is continuing: 2 epochs, then "resume" to 4, ends with the weights of 4 epochs in one
   * run, because the model directory holds Adam's moments and step count (optimizer.json/.npz).
   * Data in order (shuffle off) and no dropout, so both runs see the same batches.
   */
  @Test
  void resumedTrainingEqualsContinuousTraining() throws Exception {
    Path out = dir.resolve("out");
    String fit2 = "{\"epochs\": 2, \"verbose\": 0, \"shuffle\": false, \"batch_size\": 4}";
    String fit4 = "{\"epochs\": 4, \"verbose\": 0, \"shuffle\": false, \"batch_size\": 4}";
    CliRun r = run("train", job("r2", CliTest.MODEL, fit2, "").toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(Files.isRegularFile(out.resolve("optimizer.npz")), "the model directory holds the optimizer state");
    Path two = dir.resolve("two");
    try (java.util.stream.Stream<Path> files = Files.walk(out)) {
      for (Path p : (Iterable<Path>) files::iterator) Files.copy(p, two.resolve(out.relativize(p).toString()));
    }
    r = run("train", job("r4", CliTest.MODEL, fit4, ", \"resume\": true").toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("optimizer state"), r.out);
    List<io.jkeras.data.FloatArray> resumed;
    try (io.jkeras.models.Sequential m = io.jkeras.saving.ModelFiles.load(out)) {
      resumed = m.getWeights();
      assertEquals(4 * 6, m.optimizerState().iterations(), "steps: 4 epochs of 6 batches (23 samples, batch 4)");
    }
    Files.move(out, dir.resolve("first"));
    r = run("train", job("c4", CliTest.MODEL, fit4, "").toString());
    assertEquals(0, r.code, r.err + r.out);
    try (io.jkeras.models.Sequential m = io.jkeras.saving.ModelFiles.load(out)) {
      List<io.jkeras.data.FloatArray> continuous = m.getWeights();
      double worst = Weights.maxAbsDiff(continuous, resumed);
      assertTrue(worst <= 1e-6, "2 + 2 resumed epochs vs 4 in one run: weights differ by " + worst);
      // Without the optimizer state (a directory from before it was saved) the resumed run ends elsewhere.
      Path old = two;
      Files.delete(old.resolve("optimizer.npz"));
      Files.delete(old.resolve("optimizer.json"));
      Files.move(out, dir.resolve("continuous"));
      Files.move(old, out);
      r = run("train", job("r4b", CliTest.MODEL, fit4, ", \"resume\": true").toString());
      assertEquals(0, r.code, r.err + r.out);
      try (io.jkeras.models.Sequential fresh = io.jkeras.saving.ModelFiles.load(out)) {
        double off = Weights.maxAbsDiff(continuous, fresh.getWeights());
        assertTrue(off > 1e-4, "restarting Adam's moments should change the result, got " + off);
      }
    }
  }
}
