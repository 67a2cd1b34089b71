package io.jkeras.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Input;
import io.jkeras.layers.KerasTensor;
import io.jkeras.optimizers.SGD;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Functional model's own mechanics: graph order, shared layers, several inputs and outputs, bad input. */
class FunctionalModelTest {
  private static float[][] rows(int n, int d, int seed) {
    float[][] r = new float[n][d];
    java.util.Random rnd = new java.util.Random(seed);
    for (float[] row : r) for (int j = 0; j < d; j++) row[j] = (float) rnd.nextGaussian();
    return r;
  }

  @Test
  void aSharedLayerCalledTwiceSharesItsWeights() {
    Keras.clearSession();
    KerasTensor a = Input.named("a", 3);
    KerasTensor b = Input.named("b", 3);
    Dense d = new Dense(2);
    KerasTensor ya = d.apply(a);
    KerasTensor yb = d.apply(b);
    try (Functional m = Model.of(List.of(a, b), List.of(ya, yb))) {
      assertEquals(List.of("a", "b"), m.inputNames());
      assertEquals(3, m.layers().size());
      assertEquals(8, m.countParams());
      float[][] xa = rows(5, 3, 1);
      float[][] xb = rows(5, 3, 2);
      List<FloatArray> out = m.predictMulti(List.of(xa, xb));
      List<FloatArray> w = m.getWeights();
      for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 2; j++) {
          double ea = w.get(1).data()[j];
          double eb = ea;
          for (int k = 0; k < 3; k++) {
            ea += xa[i][k] * w.get(0).data()[k * 2 + j];
            eb += xb[i][k] * w.get(0).data()[k * 2 + j];
          }
          assertEquals(ea, out.get(0).data()[i * 2 + j], 1e-5);
          assertEquals(eb, out.get(1).data()[i * 2 + j], 1e-5);
        }
      }
      // by name, in any order
      List<FloatArray> byName = m.predictMulti(Map.of("b", xb, "a", xa));
      assertEquals(out.get(1).data()[3], byName.get(1).data()[3], 0);
    }
  }

  @Test
  void trainsWithALossPerOutputAndLossWeights() {
    Keras.clearSession();
    KerasTensor x = Input.of(4);
    KerasTensor h = new Dense(8).activation("tanh").apply(x);
    KerasTensor cls = new Dense(3).activation("softmax").name("cls").apply(h);
    KerasTensor reg = new Dense(1).name("reg").apply(h);
    try (Functional m = Model.of(List.of(x), List.of(cls, reg))) {
      m.compile(new SGD(0.1f), Map.of("cls", "sparse_categorical_crossentropy", "reg", "mse"), Map.of("reg", 0.5),
          Map.of("cls", List.of("accuracy")));
      float[][] xs = rows(32, 4, 3);
      float[] yc = new float[32];
      float[][] yr = new float[32][1];
      for (int i = 0; i < 32; i++) {
        yc[i] = xs[i][0] > 0 ? 1 : 0;
        yr[i][0] = xs[i][1];
      }
      Map<String, Double> before = m.evaluate(xs, Map.of("cls", yc, "reg", yr));
      assertEquals(before.get("cls_loss") + 0.5 * before.get("reg_loss"), before.get("loss"), 1e-5);
      assertTrue(before.containsKey("cls_accuracy"), before.toString());
      m.fit(xs, List.of(yc, yr), new FitOptions().epochs(20).batchSize(8).verbose(0));
      Map<String, Double> after = m.evaluate(xs, List.of(yc, yr));
      assertTrue(after.get("loss") < before.get("loss"), before + " -> " + after);
    }
  }

  @Test
  void badDataIsRefusedNamingTheInput() {
    Keras.clearSession();
    KerasTensor a = Input.named("a", 3);
    KerasTensor b = Input.named("b", 2);
    KerasTensor ya = new Dense(1).apply(a);
    KerasTensor yb = new Dense(1).apply(b);
    try (Functional m = Model.of(List.of(a, b), List.of(ya, yb))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predictMulti(rows(4, 3, 1)));
      assertTrue(e.getMessage().contains("has 2 inputs (a, b)"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> m.predictMulti(Map.of("a", rows(4, 3, 1), "c", rows(4, 2, 1))));
      assertTrue(e.getMessage().contains("'c', which is no input"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> m.predictMulti(List.of(rows(4, 3, 1), rows(5, 2, 1))));
      assertTrue(e.getMessage().contains("input 'b' has 5 samples but input 'a' has 4"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> m.predictMulti(List.of(rows(4, 3, 1), rows(4, 3, 1))));
      assertTrue(e.getMessage().contains("input 'b'"), e.getMessage());
    }
  }

  @Test
  void anInputThatIsNotGivenDisconnectsTheGraph() {
    Keras.clearSession();
    KerasTensor a = Input.named("a", 3);
    KerasTensor b = Input.named("b", 3);
    KerasTensor y = new Dense(1).apply(b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.of(List.of(a), List.of(y)));
    assertTrue(e.getMessage().contains("graph disconnected"), e.getMessage());
  }

  @Test
  void aModelMadeFromTrainedLayersSharesTheirWeights() {
    Keras.clearSession();
    KerasTensor x = Input.of(4);
    Dense hidden = new Dense(3).activation("tanh");
    KerasTensor h = hidden.apply(x);
    KerasTensor y = new Dense(1).apply(h);
    float[][] xs = rows(16, 4, 9);
    try (Functional full = Model.of(x, y)) {
      full.compile("sgd", "mse");
      full.fit(xs, rows(16, 1, 10), new FitOptions().epochs(2).verbose(0));
      FloatArray fromFull;
      try (Functional encoder = Model.of(x, h)) {
        fromFull = encoder.predict(xs);
        assertEquals(3, encoder.countParams() / 5, "the encoder has the hidden layer's 15 weights");
        List<FloatArray> w = hidden.getWeights();
        for (int i = 0; i < 16; i++) {
          for (int j = 0; j < 3; j++) {
            double z = w.get(1).data()[j];
            for (int k = 0; k < 4; k++) z += xs[i][k] * w.get(0).data()[k * 3 + j];
            assertEquals(Math.tanh(z), fromFull.data()[i * 3 + j], 1e-5);
          }
        }
      }
      // closing the sub-model leaves the trained model working
      assertEquals(16, full.predict(xs).length());
    }
  }
}
