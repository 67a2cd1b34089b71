package io.jkeras.interop;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.AveragePooling1D;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Conv1D;
import io.jkeras.layers.Conv1DTranspose;
import io.jkeras.layers.Cropping1D;
import io.jkeras.layers.Dense;
import io.jkeras.layers.DepthwiseConv1D;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.GlobalAveragePooling1D;
import io.jkeras.layers.GlobalMaxPooling1D;
import io.jkeras.layers.Input;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.MaxPooling1D;
import io.jkeras.layers.SeparableConv1D;
import io.jkeras.layers.UpSampling1D;
import io.jkeras.layers.ZeroPadding1D;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.optimizers.Adam;
import io.jkeras.regularizers.Regularizers;
import io.jkeras.testing.KerasCheck;
import io.jkeras.testing.KerasPython;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Java -> Python for the 1D convolution, pooling and shape layers: models built and trained a few
 * steps in jkeras are saved as {@code .keras}, JSON + weights and SavedModel and predicted by real
 * Keras 3.15 ({@link KerasCheck}) within {@link KerasCheck#TOLERANCE}, with the same parameter count.
 */
class ConvJavaToPythonTest {
  private static float[][][] seq(int n, int t, int d, int seed) {
    Random r = new Random(seed);
    float[][][] x = new float[n][t][d];
    for (float[][] a : x) for (float[] b : a) for (int k = 0; k < d; k++) b[k] = (float) r.nextGaussian();
    return x;
  }

  private static float[][] rows(int n, int d, int seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (float[] a : x) for (int k = 0; k < d; k++) a[k] = (float) r.nextGaussian();
    return x;
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

  private record Case(String name, Supplier<Functional> model, String input, Object x, Object y) {}

  private static List<Case> cases() {
    List<Case> r = new ArrayList<>();
    r.add(new Case("conv_lstm_front", () -> {
      KerasTensor x = Input.named("x", 12, 3);
      KerasTensor h = new Conv1D(6, 3).padding("causal").dilationRate(2).activation("relu")
          .kernelRegularizer(Regularizers.get("l2")).apply(x);
      h = new Conv1D(6, 3).strides(2).groups(3).apply(h);
      h = new MaxPooling1D(2).padding("same").apply(h);
      h = new LSTM(4).apply(h);
      return Model.of(x, new Dense(2).name("out").apply(h));
    }, "x", seq(16, 12, 3, 1), rows(16, 2, 2)));
    r.add(new Case("separable_depthwise_transpose", () -> {
      KerasTensor x = Input.named("x", 10, 4);
      KerasTensor h = new SeparableConv1D(5, 3).depthMultiplier(2).padding("same").activation("tanh").apply(x);
      h = new DepthwiseConv1D(2).strides(2).dilationRate(2).padding("same").apply(h);
      h = new Conv1DTranspose(3, 3).strides(2).outputPadding(1).apply(h);
      h = new AveragePooling1D(2).apply(h);
      return Model.of(x, new Dense(2).name("out").apply(new GlobalMaxPooling1D().apply(h)));
    }, "x", seq(16, 10, 4, 3), rows(16, 2, 4)));
    r.add(new Case("crop_pad_upsample", () -> {
      KerasTensor x = Input.named("x", 8, 3);
      KerasTensor h = new ZeroPadding1D(2, 1).apply(x);
      h = new Conv1D(4, 3).apply(h);
      h = new UpSampling1D(3).apply(h);
      h = new Cropping1D(1, 3).apply(h);
      return Model.of(x, new Dense(2).name("out").apply(new GlobalAveragePooling1D().keepdims(false).apply(h)));
    }, "x", seq(16, 8, 3, 5), rows(16, 2, 6)));
    r.add(new Case("masked_global_pools", () -> {
      KerasTensor tokens = new InputLayer(8).name("tokens").dtype("int32").output();
      KerasTensor e = new Embedding(12, 4).maskZero(true).apply(tokens);
      KerasTensor h = new LSTM(5).returnSequences(true).apply(e);
      KerasTensor p = new Concatenate().apply(new GlobalAveragePooling1D().apply(h), new GlobalMaxPooling1D().apply(h));
      return Model.of(tokens, new Dense(2).name("out").apply(p));
    }, "tokens", tokens(16, 8, 12, 7), rows(16, 2, 8)));
    return r;
  }

  @TestFactory
  List<DynamicTest> jkerasConvModelsPredictInKeras() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) tests.add(DynamicTest.dynamicTest(c.name, () -> check(c)));
    return tests;
  }

  private static void check(Case c) throws Exception {
    KerasPython.python(); // skips here when there is no Python with Keras
    Keras.clearSession();
    Keras.setRandomSeed(42);
    try (Functional m = c.model.get()) {
      m.compile(new Adam(0.01f), "mse");
      m.fit(c.x, c.y, new FitOptions().epochs(3).batchSize(8).verbose(0));
      KerasCheck.predictsInKeras(m, Map.of(c.input, FloatArray.of(c.x)), "conv-j2p", c.name);
    }
  }
}
