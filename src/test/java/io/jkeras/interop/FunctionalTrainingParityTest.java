package io.jkeras.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Training parity for a two-output Functional model with two losses and loss weights, against
 * real Keras 3.15 ({@code src/test/python/functional_train.py}): from the same initial weights,
 * data and order (SGD 0.1, batch 8, no shuffle, 3 epochs), jkeras's History has Keras's keys
 * (loss, cls_loss, reg_loss, cls_accuracy) and values, and its final weights are Keras's. Keras
 * compiles with dicts by output name in one variant and with lists in the other; jkeras reads
 * each from the .keras file's compile_config.
 */
class FunctionalTrainingParityTest {
  static final double WEIGHT_ATOL = 2e-5;
  static final double LOG_RTOL = 1e-5;

  /** Runs the generator; it returns at once (without TensorFlow) when its files are up to date. */
  static Path generate() throws Exception {
    Path dir = KerasPython.work("functional_train");
    KerasPython.python(); // skips here when there is no Python with Keras
    KerasPython.run("functional_train.py", dir.toString());
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), "no manifest after running the generator");
    return dir;
  }


  @ParameterizedTest
  @ValueSource(strings = {"multi_output_dict", "multi_output_list"})
  void trainsAsKerasDoes(String name) throws Exception {
    Path dir = generate();
    JsonNode keras = new ObjectMapper().readTree(dir.resolve(name + "_history.json").toFile());
    Map<String, FloatArray> data = Npz.read(dir.resolve(name + "_data.npz"));
    try (Model m = KerasModels.loadModel(dir.resolve(name + ".keras"))) {
      assertTrue(m.isCompiled(), "the .keras file's compile_config compiles the model");
      KerasModels.loadWeights(m, dir.resolve(name + "_init.weights.h5"));
      History h = m.fit(data.get("x"), Map.of("cls", data.get("y_cls"), "reg", data.get("y_reg")),
          new FitOptions().epochs(3).batchSize(8).shuffle(false).verbose(0));
      TreeSet<String> want = new TreeSet<>();
      keras.get("history").fieldNames().forEachRemaining(want::add);
      assertEquals(want, new TreeSet<>(h.history().keySet()), "History keys");
      for (String k : want) {
        List<Double> mine = h.history().get(k);
        for (int e = 0; e < 3; e++) {
          double kv = keras.get("history").get(k).get(e).asDouble();
          double d = Math.abs(mine.get(e) - kv) / Math.max(Math.abs(kv), 1e-6);
          int epoch = e;
          assertTrue(d <= LOG_RTOL, () -> name + ": " + k + " at epoch " + epoch + ": " + mine.get(epoch) + " vs Keras's " + kv);
        }
      }
      Map<String, FloatArray> finals = Npz.read(dir.resolve(name + "_final.npz"));
      List<FloatArray> w = m.getWeights();
      assertEquals(finals.size(), w.size(), "weight count");
      for (int i = 0; i < w.size(); i++) {
        double err = Weights.maxAbsDiff(finals.get("w" + i), w.get(i));
        int wi = i;
        assertTrue(err <= WEIGHT_ATOL, () -> name + ": weight " + wi + " differs from Keras's by " + err);
      }
      Map<String, Double> ev = m.evaluate(data.get("x"), List.of(data.get("y_cls"), data.get("y_reg")), 32);
      for (String k : want) {
        double kv = keras.get("evaluate").get(k).asDouble();
        assertTrue(Math.abs(ev.get(k) - kv) / Math.max(Math.abs(kv), 1e-6) <= LOG_RTOL, () -> name + ": evaluate " + k + " "
            + ev.get(k) + " vs Keras's " + kv);
      }
    }
  }
}
