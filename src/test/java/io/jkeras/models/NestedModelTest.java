package io.jkeras.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Add;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Input;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.optimizers.SGD;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model used as a layer of another model: weights shared with the inner model, training, files both ways in Java. */
class NestedModelTest {
  private static float[][] rows(int n, int d, int seed) {
    float[][] r = new float[n][d];
    Random rnd = new Random(seed);
    for (float[] row : r) for (int j = 0; j < d; j++) row[j] = (float) rnd.nextGaussian();
    return r;
  }

  private static float[][][] seq(int n, int t, int d, int seed) {
    float[][][] r = new float[n][t][d];
    Random rnd = new Random(seed);
    for (float[][] a : r) for (float[] row : a) for (int j = 0; j < d; j++) row[j] = (float) rnd.nextGaussian();
    return r;
  }

  @Test
  void aBuiltFunctionalModelAsALayerComputesWithItsOwnWeights() {
    Keras.clearSession();
    KerasTensor i = Input.named("inner_in", 3);
    try (Functional inner = Model.of(i, new Dense(2).activation("tanh").apply(i)).name("inner")) {
      KerasTensor x = Input.named("x", 3);
      KerasTensor y = new Dense(1).name("head").apply(NestedModel.of(inner).apply(x));
      try (Functional outer = Model.of(x, y)) {
        assertEquals(List.of("x", "inner", "head"), outer.layers().stream().map(l -> l.name()).toList());
        assertEquals(8 + 3, outer.countParams());
        float[][] xs = rows(4, 3, 1);
        FloatArray h = inner.predict(xs);
        FloatArray out = outer.predict(xs);
        List<FloatArray> w = outer.getLayer("head").getWeights();
        for (int r = 0; r < 4; r++) {
          double e = w.get(1).data()[0] + h.data()[r * 2] * w.get(0).data()[0] + h.data()[r * 2 + 1] * w.get(0).data()[1];
          assertEquals(e, out.data()[r], 1e-5);
        }
        // Training the outer model trains the inner model's layers, which the inner model sees.
        outer.compile(new SGD(0.1f), "mse");
        outer.fit(xs, rows(4, 1, 2), new FitOptions().epochs(2).batchSize(4).verbose(0));
        assertNotEquals(h.data()[0], inner.predict(xs).data()[0]);
        assertTrue(outer.summaryString().contains("inner (Functional)"), outer.summaryString());
      }
    }
  }

  @Test
  void anUnbuiltSequentialCalledTwiceSharesItsWeightsAndTrains() {
    Keras.clearSession();
    Sequential inner = new Sequential(new Dense(4).activation("relu"), new Dense(3)).name("inner_seq");
    NestedModel layer = NestedModel.of(inner);
    KerasTensor a = Input.named("a", 3);
    KerasTensor b = Input.named("b", 3);
    KerasTensor c = new Concatenate().apply(layer.apply(a), layer.apply(b));
    try (Functional m = Model.of(List.of(a, b), List.of(new Dense(2).name("out").apply(c)))) {
      assertEquals(2, layer.inboundNodes().size());
      assertEquals(3 * 4 + 4 + 4 * 3 + 3 + 6 * 2 + 2, m.countParams());
      assertEquals(inner.weights(), layer.weights());
      float[][] xa = rows(8, 3, 3);
      float[][] xb = rows(8, 3, 4);
      // The inner model runs alone in the outer model's runtime, with the same weights.
      List<FloatArray> both = m.predictMulti(List.of(xa, xa));
      assertTrue(both.get(0).length() == 8);
      FloatArray ia = inner.predict(xa);
      assertEquals(3, ia.shape()[1]);
      m.compile(new SGD(0.05f), "mse");
      List<FloatArray> before = inner.getWeights();
      m.fit(List.of(xa, xb), rows(8, 2, 5), new FitOptions().epochs(2).batchSize(4).verbose(0));
      assertNotEquals(before.get(0).data()[0], inner.getWeights().get(0).data()[0]);
    }
  }

  @Test
  void savesAndLoadsInEveryKerasFormat(@TempDir Path dir) throws Exception {
    Keras.clearSession();
    Keras.setRandomSeed(7);
    KerasTensor ii = Input.named("inner_in", 5, 3);
    Functional innerFunc = Model.of(ii, new Dense(3).apply(new LSTM(4).apply(ii))).name("inner_func");
    Sequential innerSeq = new Sequential(new Dense(4).activation("relu").inputShape(3), new Dense(3)).name("inner_seq");
    KerasTensor a = Input.named("in_a", 3);
    KerasTensor b = Input.named("in_b", 5, 3);
    KerasTensor x = new Add().apply(NestedModel.of(innerSeq).apply(a), NestedModel.of(innerFunc).apply(b));
    float[][] xa = rows(6, 3, 8);
    float[][][] xb = seq(6, 5, 3, 9);
    try (Functional m = Model.of(List.of(a, b), List.of(new Dense(2).name("out").apply(x)))) {
      FloatArray want = m.predictMulti(List.of(xa, xb)).get(0);
      Path keras = dir.resolve("m.keras");
      KerasModels.saveKeras(m, keras);
      Path weights = dir.resolve("m.weights.h5");
      KerasModels.saveWeights(m, weights);
      Path json = dir.resolve("m.json");
      Files.writeString(json, KerasJson.write((Model) m));
      assertTrue(Files.readString(json).replaceAll("\\s", "").contains("\"class_name\":\"Sequential\""), "the nested Sequential's own config");
      m.export(dir.resolve("savedmodel"));
      assertTrue(Files.isRegularFile(dir.resolve("savedmodel/saved_model.pb")));
      for (Model back : List.of(KerasModels.loadModel(keras, false), KerasModels.loadModel(json, weights, false))) {
        try (back) {
          assertEquals(List.of("in_a", "in_b", "inner_seq", "inner_func", "add", "out").size(), back.layers().size());
          assertTrue(back.getLayer("inner_seq") instanceof NestedModel);
          assertTrue(Weights.maxAbsDiff(want, back.predictMulti(List.of(xa, xb)).get(0)) <= 1e-6);
        }
      }
    } finally {
      innerFunc.close();
    }
  }

  @Test
  void aSequentialModelWithAModelAsALayerRoundTrips(@TempDir Path dir) {
    Keras.clearSession();
    Sequential inner = new Sequential(new Dense(3).activation("tanh").inputShape(2)).name("block");
    float[][] xs = rows(5, 2, 10);
    try (Sequential m = new Sequential(NestedModel.of(inner), new Dense(1).name("head"))) {
      FloatArray want = m.predict(xs);
      Path keras = dir.resolve("s.keras");
      KerasModels.saveKeras(m, keras);
      try (Model back = KerasModels.loadModel(keras, false)) {
        assertTrue(back instanceof Sequential);
        assertTrue(Weights.maxAbsDiff(want, back.predict(xs)) <= 1e-6);
      }
    }
  }

  @Test
  void refusesAWrongNumberOfInputs() {
    Keras.clearSession();
    KerasTensor i1 = Input.named("i1", 2);
    KerasTensor i2 = Input.named("i2", 2);
    try (Functional inner = Model.of(List.of(i1, i2), List.of(new Add().apply(i1, i2)))) {
      NestedModel layer = NestedModel.of(inner);
      KerasTensor x = Input.of(2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.apply(x));
      assertTrue(e.getMessage().contains("takes 2 input(s), got 1"), e.getMessage());
    }
  }
}
