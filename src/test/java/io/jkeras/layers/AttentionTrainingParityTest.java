package io.jkeras.layers;

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
import org.junit.jupiter.api.Test;

/**
 * Training parity for MultiHeadAttention against real Keras 3.15
 * ({@code src/test/python/attention_train.py}): a masked, causal self-attention block with a
 * residual and an LSTM, trained from the same initial weights, data and order (SGD 0.1, batch 8,
 * no shuffle, 3 epochs), ends with Keras's weights and losses.
 */
class AttentionTrainingParityTest {
  static final double WEIGHT_ATOL = 1e-5;
  static final double LOSS_RTOL = 1e-5;

  @Test
  void trainsAsKerasDoes() throws Exception {
    Path dir = KerasPython.work("attention_train");
    KerasPython.python(); // skips here when there is no Python with Keras
    KerasPython.run("attention_train.py", dir.toString());
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), "no manifest after running the generator");
    JsonNode keras = new ObjectMapper().readTree(dir.resolve("attention_history.json").toFile());
    Map<String, FloatArray> data = Npz.read(dir.resolve("attention_data.npz"));
    try (Model m = KerasModels.loadModel(dir.resolve("attention.keras"))) {
      assertTrue(m.isCompiled(), "the .keras file's compile_config compiles the model");
      KerasModels.loadWeights(m, dir.resolve("attention_init.weights.h5"));
      History h = m.fit(data.get("x"), data.get("y"), new FitOptions().epochs(3).batchSize(8).shuffle(false).verbose(0));
      for (int e = 0; e < 3; e++) {
        double kv = keras.get("history").get("loss").get(e).asDouble();
        double mine = h.history().get("loss").get(e);
        int epoch = e;
        assertTrue(Math.abs(mine - kv) / Math.abs(kv) <= LOSS_RTOL, () -> "loss at epoch " + epoch + ": " + mine + " vs Keras's " + kv);
      }
      Map<String, FloatArray> finals = Npz.read(dir.resolve("attention_final.npz"));
      List<FloatArray> w = m.getWeights();
      assertEquals(finals.size(), w.size(), "weight count");
      double worst = 0;
      for (int i = 0; i < w.size(); i++) {
        double err = Weights.maxAbsDiff(finals.get("w" + i), w.get(i));
        worst = Math.max(worst, err);
        String path = keras.get("weights").get(i).get("path").asText();
        // The same weight in the same place (jkeras names the LSTM's weights without Keras's cell).
        assertEquals(path.replace("lstm_cell/", ""), m.weights().get(i).path(), "weight " + i);
        assertTrue(err <= WEIGHT_ATOL, () -> "weight " + path + " differs from Keras's by " + err);
      }
      System.out.println("attention training parity: max weight difference " + worst);
    }
  }
}
