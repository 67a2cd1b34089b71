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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training parity for the 1D convolution layers against real Keras 3.15
 * ({@code src/test/python/conv_train.py}): a model with Conv1D (causal dilated; strided grouped),
 * SeparableConv1D, DepthwiseConv1D, Conv1DTranspose and the pooling layers, loaded from Keras's
 * .keras file with Keras's initial weights, trained on the same data in the same order (batch 8,
 * no shuffle, 3 epochs) with SGD and with Adam, ends with Keras's losses and weights.
 */
class ConvTrainingParityTest {
  static final double WEIGHT_ATOL = 2e-5;
  static final double LOSS_RTOL = 1e-5;

  static Path generate() throws Exception {
    Path dir = KerasPython.work("conv_train");
    KerasPython.python(); // skips here when there is no Python with Keras
    KerasPython.run("conv_train.py", dir.toString());
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), "no manifest after running conv_train.py");
    return dir;
  }

  @ParameterizedTest
  @ValueSource(strings = {"conv_sgd", "conv_adam"})
  void trainsAsKerasDoes(String name) throws Exception {
    Path dir = generate();
    JsonNode keras = new ObjectMapper().readTree(dir.resolve(name + "_history.json").toFile());
    Map<String, FloatArray> data = Npz.read(dir.resolve(name + "_data.npz"));
    try (Model m = KerasModels.loadModel(dir.resolve(name + ".keras"))) {
      assertTrue(m.isCompiled(), "the .keras file's compile_config compiles the model");
      KerasModels.loadWeights(m, dir.resolve(name + "_init.weights.h5"));
      History h = m.fit(data.get("x"), data.get("y"), new FitOptions().epochs(3).batchSize(8).shuffle(false).verbose(0));
      List<Double> mine = h.history().get("loss");
      for (int e = 0; e < 3; e++) {
        double kv = keras.get("history").get("loss").get(e).asDouble();
        double d = Math.abs(mine.get(e) - kv) / Math.max(Math.abs(kv), 1e-6);
        int epoch = e;
        assertTrue(d <= LOSS_RTOL, () -> name + ": loss at epoch " + epoch + ": " + mine.get(epoch) + " vs Keras's " + kv);
      }
      Map<String, FloatArray> finals = Npz.read(dir.resolve(name + "_final.npz"));
      List<FloatArray> w = m.getWeights();
      assertEquals(finals.size(), w.size(), "weight count");
      double worst = 0;
      for (int i = 0; i < w.size(); i++) {
        double err = Weights.maxAbsDiff(finals.get("w" + i), w.get(i));
        worst = Math.max(worst, err);
        int wi = i;
        assertTrue(err <= WEIGHT_ATOL, () -> name + ": weight " + wi + " (" + keras.get("weights").get(wi).get("path").asText()
            + ") differs from Keras's by " + err);
      }
      double ev = m.evaluate(data.get("x"), data.get("y")).get("loss");
      double kv = keras.get("evaluate").get("loss").asDouble();
      assertTrue(Math.abs(ev - kv) / Math.max(Math.abs(kv), 1e-6) <= LOSS_RTOL, () -> name + ": evaluate loss " + ev + " vs Keras's " + kv);
      System.out.println(name + ": largest weight difference from Keras after training " + worst);
    }
  }
}
