package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.CliRun;
import io.jkeras.testing.KerasPython;
import io.jkeras.testing.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose "model" is a Python-trained Keras file (.keras, .h5) or a SavedModel with a Keras
 * config: training starts from the file's weights, and the compile section is optional when the
 * file carries Keras's training config.
 */
class JobFromKerasFileTest {
  @TempDir static Path dir;
  static Path keras;

  @BeforeAll
  static void makeModels() {
    KerasPython.python();
    keras = KerasPython.work("job-start");
    if (!Files.exists(keras.resolve("pred.npy"))) KerasPython.run("job_start_models.py", keras.toString());
  }

  private static Path job(String name, String model, String compile, int epochs) throws Exception {
    String body = "{\"name\": \"" + name + "\", \"seed\": 1, \"model\": \"" + model + "\","
        + (compile == null ? "" : " \"compile\": " + compile + ",")
        + " \"fit\": {\"epochs\": " + epochs + ", \"batch_size\": 16, \"shuffle\": false, \"verbose\": 0},"
        + " \"data\": {\"source\": \"arrays\", \"x\": \"" + keras.resolve("x.npy") + "\", \"y\": \"" + keras.resolve("y.npy") + "\"},"
        + " \"output\": \"" + dir.resolve(name) + "\"}";
    Path p = dir.resolve(name + ".json");
    Files.writeString(p, body);
    return p;
  }

  @Test
  void theJobsModelHasTheTrainedWeights() throws Exception {
    FloatArray x = Npy.read(keras.resolve("x.npy")), want = Npy.read(keras.resolve("pred.npy"));
    for (String file : new String[] {"model.keras", "model.h5"}) {
      String name = "start-" + file.replace('.', '-');
      Path job = job(name, keras.resolve(file).toString(), null, 1);
      try (Sequential m = JobConfig.read(job).model()) {
        double d = Weights.maxAbsDiff(m.predict(x), want);
        assertTrue(d < 1e-5, file + ": the job's model predicts " + d + " away from the Python-trained model");
      }
      // 0 epochs would only copy the model: refused, pointing at evaluate (and convert copies)
      CliRun r = CliTest.run("train", job(name + "-0", keras.resolve(file).toString(), null, 0).toString());
      assertEquals(2, r.code, r.out + r.err);
      assertTrue(r.err.contains("fit.epochs"), r.err);
    }
  }

  @Test
  void trainsOnFromTheFileWithItsOwnTrainingConfig() throws Exception {
    FloatArray x = Npy.read(keras.resolve("x.npy")), y = Npy.read(keras.resolve("y.npy"));
    double before;
    try (Sequential m = KerasModels.load(keras.resolve("model.keras"))) {
      assertEquals("Adam", m.optimizer().className());
      before = m.evaluate(x, y).get("loss");
    }
    CliRun r = CliTest.run("train", job("fine-tune", keras.resolve("model.keras").toString(), null, 5).toString());
    assertEquals(0, r.code, r.out + r.err);
    try (Sequential m = ModelLoader.open(dir.resolve("fine-tune"))) {
      double after = m.evaluate(x, y).get("loss");
      assertTrue(after < before, "fine-tuning from the file: loss " + before + " -> " + after);
    }
    // A SavedModel that carries its Keras config (jkeras's export in the output directory) starts a job too.
    CliRun again = CliTest.run("train", job("from-savedmodel", dir.resolve("fine-tune").toString(),
        "{\"optimizer\": \"sgd\", \"loss\": \"mse\"}", 1).toString());
    assertEquals(0, again.code, again.out + again.err);
  }

  @Test
  void aJsonModelStillNeedsCompileAndMissingFilesAreNamed() throws Exception {
    Path json = dir.resolve("fresh.json");
    try (Sequential m = KerasModels.load(keras.resolve("model.keras"))) {
      Files.writeString(json, io.jkeras.saving.keras.KerasJson.write(m));
    }
    CliRun r = CliTest.run("train", job("no-compile", json.toString(), null, 1).toString());
    assertEquals(2, r.code, r.out + r.err);
    assertTrue(r.err.contains("field 'compile' is required"), r.err);
    CliRun missing = CliTest.run("train", job("missing", dir.resolve("nope.keras").toString(), null, 1).toString());
    assertEquals(2, missing.code);
    assertTrue(missing.err.contains("field 'model'") && missing.err.contains("nope.keras"), missing.err);
  }
}
