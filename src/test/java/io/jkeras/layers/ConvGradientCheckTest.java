package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.initializers.Initializers;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import io.jkeras.testing.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Numerical gradient checks ({@link GradientCheck}) of the 1D convolution, pooling and shape
 * layers: each layer with weights is checked on its own weights (and those after it); the layers
 * without weights through a Dense before them, whose gradient flows back through them.
 */
class ConvGradientCheckTest {
  private static final int STEPS = 7;
  private static final int FEATURES = 4;

  private record Case(String name, Supplier<List<Layer<?>>> layers) {}

  private static List<Case> cases() {
    List<Case> r = new ArrayList<>();
    r.add(new Case("conv1d_same", () -> List.of(new Conv1D(3, 3).padding("same").activation("tanh"))));
    r.add(new Case("conv1d_causal_dilated", () -> List.of(new Conv1D(3, 2).padding("causal").dilationRate(3).activation("tanh"))));
    r.add(new Case("conv1d_valid_strided", () -> List.of(new Conv1D(3, 3).strides(2).activation("tanh"))));
    r.add(new Case("conv1d_groups", () -> List.of(new Conv1D(4, 3).groups(2).padding("same").activation("tanh"))));
    r.add(new Case("separable_dilated", () -> List.of(new SeparableConv1D(3, 2).depthMultiplier(2).dilationRate(2).padding("same")
        .activation("tanh"))));
    r.add(new Case("separable_strided_dilated", () -> List.of(new SeparableConv1D(3, 2).strides(2).dilationRate(2).activation("tanh"))));
    r.add(new Case("depthwise_strided_dilated", () -> List.of(new DepthwiseConv1D(2).depthMultiplier(2).strides(2).dilationRate(2)
        .padding("same").activation("tanh"))));
    r.add(new Case("transpose_outpad", () -> List.of(new Conv1DTranspose(3, 3).strides(2).outputPadding(1).activation("tanh"))));
    r.add(new Case("transpose_dilated_same", () -> List.of(new Conv1DTranspose(3, 2).dilationRate(2).padding("same").activation("tanh"))));
    // Layers without weights: a Dense (per step) before them takes the gradient through them.
    // Maxima: a linear Dense with large weights keeps the steps' values far apart relative to the
    // finite-difference step, so that no perturbation switches which step is the maximum (a kink).
    r.add(new Case("max_pooling", () -> List.of(wide(), new MaxPooling1D(2).strides(1).padding("same"))));
    r.add(new Case("average_pooling", () -> List.of(new Dense(3).activation("tanh"), new AveragePooling1D(3).strides(2).padding("same"))));
    r.add(new Case("global_max_pooling", () -> List.of(wide(), new GlobalMaxPooling1D().keepdims(true))));
    r.add(new Case("global_average_pooling_masked", () -> List.of(new Masking(0.0), new Dense(3).activation("tanh"),
        new GlobalAveragePooling1D())));
    r.add(new Case("crop_pad_upsample", () -> List.of(new Dense(3).activation("tanh"), new ZeroPadding1D(1, 2), new Cropping1D(2, 1),
        new UpSampling1D(2))));
    return r;
  }

  private static Dense wide() {
    return new Dense(3).kernelInitializer(Initializers.fromConfig("RandomNormal", Map.of("stddev", 3.0)));
  }

  @TestFactory
  List<DynamicTest> gradientsMatchFiniteDifferences() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) tests.add(DynamicTest.dynamicTest(c.name, () -> check(c)));
    return tests;
  }

  private static void check(Case c) {
    Keras.clearSession();
    Keras.setRandomSeed(5);
    Random r = new Random(9);
    float[][][] x = new float[3][STEPS][FEATURES];
    for (float[][] s : x) for (float[] t : s) for (int k = 0; k < FEATURES; k++) t[k] = (float) r.nextGaussian();
    x[1][STEPS - 1] = new float[FEATURES]; // a masked (all-zero) last step in sample 1 where Masking is used
    x[1][STEPS - 2] = new float[FEATURES];
    float[][] y = new float[3][2];
    for (float[] t : y) for (int k = 0; k < 2; k++) t[k] = (float) r.nextGaussian() * 0.5f;
    Sequential m = new Sequential();
    List<Layer<?>> layers = c.layers.get();
    layers.get(0).inputShape(STEPS, FEATURES);
    for (Layer<?> l : layers) m.add(l);
    m.add(new Flatten());
    m.add(new Dense(2).activation("tanh"));
    m.compile(new SGD(1.0f), "mse");
    m.build(-1, STEPS, FEATURES);
    try (m) {
      int checked = GradientCheck.checkAgainstFiniteDifferences(m, x, y, 1);
      assertTrue(checked > 20, c.name + ": only " + checked + " weights checked");
    }
  }
}
