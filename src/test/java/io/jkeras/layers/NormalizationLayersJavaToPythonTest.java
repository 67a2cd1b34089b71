package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.optimizers.Adam;
import io.jkeras.testing.KerasCheck;
import io.jkeras.testing.KerasPython;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Java -> Python for the normalization, reshaping, noise and regularization layers: models built
 * and trained a few epochs in jkeras (BatchNormalization's moving statistics moved by jkeras's own
 * updates, checked), saved as {@code .keras}, {@code to_json()} + {@code .weights.h5} and an
 * exported SavedModel, are opened by real Keras 3.15 ({@link KerasCheck}), which predicts the same
 * inputs within {@link KerasCheck#TOLERANCE} of jkeras with the same parameter count.
 */
class NormalizationLayersJavaToPythonTest {
  private static float[][][] seq(int n, int t, int d, int seed) {
    Random r = new Random(seed);
    float[][][] x = new float[n][t][d];
    for (float[][] a : x) for (float[] b : a) for (int k = 0; k < d; k++) b[k] = (float) (1 + 2 * r.nextGaussian());
    return x;
  }

  private static float[][] rows(int n, int d, int seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (float[] a : x) for (int k = 0; k < d; k++) a[k] = (float) r.nextGaussian();
    return x;
  }

  private static float[] labels(int n, int classes, int seed) {
    Random r = new Random(seed);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
    return y;
  }

  private static float[][] tokens(int n, int t, int vocab, int seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][t];
    for (float[] row : x) {
      int len = 1 + r.nextInt(t);
      for (int k = 0; k < len; k++) row[k] = 1 + r.nextInt(vocab - 1);
    }
    return x;
  }

  /** A model, its one named input, targets, and the loss to train it on. */
  record Case(String name, Supplier<Functional> model, String input, Object x, Object y, String loss) {}

  static List<Case> cases() {
    List<Case> r = new ArrayList<>();
    r.add(new Case("bn_dense_head", () -> {
      KerasTensor x = Input.named("x", 5, 3);
      KerasTensor h = new Dense(8).activation("relu").apply(new LSTM(6).apply(x));
      h = new BatchNormalization().momentum(0.7).name("bn").apply(h);
      return Model.of(x, new Dense(3).activation("softmax").name("out").apply(h));
    }, "x", seq(32, 5, 3, 1), labels(32, 3, 2), "sparse_categorical_crossentropy"));
    r.add(new Case("masked_sequence_stack", () -> {
      // Every layer here passes Embedding's mask on to the LSTMs; the noise layers train, then are off.
      KerasTensor t = new InputLayer(6).name("tokens").dtype("int32").output();
      KerasTensor h = new Embedding(10, 5).maskZero(true).apply(t);
      h = new BatchNormalization().momentum(0.5).name("bn").apply(h);
      h = new SpatialDropout1D(0.2).apply(h);
      h = new GaussianNoise(0.1).apply(h);
      h = new GaussianDropout(0.2).apply(h);
      h = new ActivityRegularization(0.01, 0.02).apply(h);
      h = new Identity().apply(h);
      h = new LSTM(4).returnSequences(true).apply(h);
      h = new LayerNormalization().apply(h);
      h = new UnitNormalization().apply(h);
      h = new LSTM(3).apply(h);
      return Model.of(t, new Dense(1).name("out").apply(h));
    }, "tokens", tokens(32, 6, 10, 3), rows(32, 1, 4), "mse"));
    r.add(new Case("reshape_permute_axes", () -> {
      KerasTensor x = Input.named("x", 6, 4);
      KerasTensor h = new Reshape(3, 8).apply(x);
      h = new BatchNormalization().axis(1).center(false).momentum(0.6).name("bn").apply(h);
      h = new LSTM(5).returnSequences(true).apply(h);
      h = new Permute(2, 1).apply(h);
      h = new LayerNormalization().axis(1, 2).epsilon(1e-5).apply(h);
      h = new LayerNormalization().rmsScaling(true).apply(h);
      h = new UnitNormalization().axis(1).apply(h);
      h = new LSTM(4).returnSequences(true).apply(h);
      h = new Reshape(-1).apply(h);
      return Model.of(x, new Dense(2).name("out").apply(h));
    }, "x", seq(32, 6, 4, 5), rows(32, 2, 6), "mse"));
    return r;
  }

  @TestFactory
  List<DynamicTest> jkerasNormalizationModelsPredictInKeras() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) tests.add(DynamicTest.dynamicTest(c.name, () -> check(c)));
    return tests;
  }

  private static void check(Case c) throws Exception {
    KerasPython.python(); // skips here when there is no Python with Keras
    Keras.clearSession();
    Keras.setRandomSeed(42);
    try (Functional m = c.model.get()) {
      m.compile(new Adam(0.01f), List.of(c.loss), null, null);
      m.fit(Map.of(c.input, c.x), List.of(c.y), new FitOptions().epochs(3).batchSize(8).verbose(0));
      // The moving statistics were moved by training (Keras's update rule), off their initial 0 / 1.
      List<FloatArray> bn = m.getLayer("bn").getWeights();
      float[] mean = bn.get(bn.size() - 2).data();
      float[] variance = bn.get(bn.size() - 1).data();
      double meanMoved = 0;
      for (float v : mean) meanMoved = Math.max(meanMoved, Math.abs(v));
      double varianceMoved = 0;
      for (float v : variance) varianceMoved = Math.max(varianceMoved, Math.abs(v - 1));
      double mm = meanMoved;
      double vm = varianceMoved;
      assertTrue(mm > 1e-2 && vm > 1e-2, () -> c.name + ": moving statistics not moved by training: " + mm + ", " + vm);
      Map<String, FloatArray> inputs = new LinkedHashMap<>();
      inputs.put(c.input, FloatArray.of(c.x));
      KerasCheck.predictsInKeras(m, inputs, "layers-norm-j2p", c.name);
    }
  }
}
