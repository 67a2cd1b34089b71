package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.backend.Weight;
import io.jkeras.callbacks.History;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Model;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.KerasPython;
import io.jkeras.testing.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BatchNormalization training parity against real Keras 3.15 ({@code src/test/python/bn_train.py}):
 * from the same initial weights (gamma, beta and moving statistics off 0 / 1), data and order
 * (SGD 0.1, batch 8, no shuffle, 3 epochs), jkeras's History and evaluate are Keras's and every
 * final weight is, moving_mean and moving_variance included: the batch statistics (biased
 * variance; masked timesteps left out), the gradient through them, the moving-average update and
 * the inference path all agree. The masked variant also carries ActivityRegularization's loss.
 */
class BatchNormalizationTrainingParityTest {
  static final double WEIGHT_ATOL = 2e-5;
  static final double LOG_RTOL = 1e-5;

  static Path generate() throws Exception {
    Path dir = KerasPython.work("bn_train");
    KerasPython.python(); // skips here when there is no Python with Keras
    KerasPython.run("bn_train.py", dir.toString());
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), "no manifest after running bn_train.py");
    return dir;
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn_stack", "bn_masked"})
  void trainsAsKerasDoes(String name) throws Exception {
    Path dir = generate();
    JsonNode keras = new ObjectMapper().readTree(dir.resolve(name + "_history.json").toFile());
    Map<String, FloatArray> data = Npz.read(dir.resolve(name + "_data.npz"));
    try (Model m = KerasModels.loadModel(dir.resolve(name + ".keras"))) {
      assertTrue(m.isCompiled(), "the .keras file's compile_config compiles the model");
      KerasModels.loadWeights(m, dir.resolve(name + "_init.weights.h5"));
      History h = m.fit(data.get("x"), data.get("y"), new FitOptions().epochs(3).batchSize(8).shuffle(false).verbose(0));
      TreeSet<String> want = new TreeSet<>();
      keras.get("history").fieldNames().forEachRemaining(want::add);
      assertEquals(want, new TreeSet<>(h.history().keySet()), "History keys");
      double worstLog = 0;
      for (String k : want) {
        for (int e = 0; e < 3; e++) {
          double kv = keras.get("history").get(k).get(e).asDouble();
          double mine = h.history().get(k).get(e);
          double d = Math.abs(mine - kv) / Math.max(Math.abs(kv), 1e-6);
          worstLog = Math.max(worstLog, d);
          int epoch = e;
          assertTrue(d <= LOG_RTOL, () -> name + ": " + k + " at epoch " + epoch + ": " + mine + " vs Keras's " + kv);
        }
      }
      Map<String, FloatArray> finals = Npz.read(dir.resolve(name + "_final.npz"));
      List<Weight> ws = m.weights();
      List<FloatArray> w = m.getWeights();
      assertEquals(finals.size(), w.size(), "weight count");
      double worstWeight = 0;
      double worstMoving = 0;
      for (int i = 0; i < w.size(); i++) {
        String kerasPath = keras.get("weights").get(i).get("path").asText();
        // Layer and variable name as Keras's (Keras puts an RNN's weights under its cell: lstm/lstm_cell/kernel).
        String[] kp = kerasPath.split("/");
        String[] jp = ws.get(i).path().split("/");
        assertEquals(kp[0] + "/" + kp[kp.length - 1], jp[0] + "/" + jp[jp.length - 1], "weight " + i + " in Keras's order");
        double err = Weights.maxAbsDiff(finals.get("w" + i), w.get(i));
        worstWeight = Math.max(worstWeight, err);
        if (kerasPath.contains("moving_")) worstMoving = Math.max(worstMoving, err);
        int wi = i;
        assertTrue(err <= WEIGHT_ATOL, () -> name + ": weight " + wi + " (" + kerasPath + ") differs from Keras's by " + err);
      }
      Map<String, Double> ev = m.evaluate(data.get("x"), data.get("y"), 8);
      for (String k : want) {
        double kv = keras.get("evaluate").get(k).asDouble();
        assertTrue(Math.abs(ev.get(k) - kv) / Math.max(Math.abs(kv), 1e-6) <= LOG_RTOL,
            () -> name + ": evaluate " + k + " " + ev.get(k) + " vs Keras's " + kv);
      }
      System.out.printf("%s: max rel. History error %.2e, max weight error %.2e (moving statistics %.2e)%n", name,
          worstLog, worstWeight, worstMoving);
    }
  }
}
