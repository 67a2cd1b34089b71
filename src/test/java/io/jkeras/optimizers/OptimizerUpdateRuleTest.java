package io.jkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each optimizer's updates against Keras 3's rule computed by hand in float64 ({@link KerasRules}).
 * The model is one weight: Dense(1, use_bias=False) from w = 0 on the sample x = 2, y = 3 with
 * mse, so the gradient is known analytically: dL/dw = 2*(2w - 3)*2 = 8w - 12 (-12 at the start).
 */
class OptimizerUpdateRuleTest {
  private static final float[][] X = {{2f}};
  private static final float[][] Y = {{3f}};

  static double gradient(double w) {
    return 2 * (2 * w - 3) * 2;
  }

  static Optimizer optimizer(String name, float lr) {
    switch (name) {
      case "sgd": return new SGD(lr);
      case "sgd_momentum": return new SGD(lr).momentum(0.9f);
      case "sgd_nesterov": return new SGD(lr).momentum(0.9f).nesterov(true);
      case "rmsprop": return new RMSprop(lr);
      case "rmsprop_momentum": return new RMSprop(lr).momentum(0.9f);
      case "rmsprop_centered": return new RMSprop(lr).centered(true);
      case "adam": return new Adam(lr);
      case "adagrad": return new Adagrad(lr);
      case "adadelta": return new Adadelta(lr);
      case "adamax": return new Adamax(lr);
      case "nadam": return new Nadam(lr);
      case "ftrl": return new Ftrl(lr);
      default: throw new IllegalArgumentException(name);
    }
  }

  /** The one-weight model, compiled, its weight set to {@code w0}. */
  static Sequential oneWeight(Optimizer opt, float w0) {
    Keras.setRandomSeed(7);
    Sequential m = new Sequential(new InputLayer(1), new Dense(1).useBias(false));
    m.build(-1, 1);
    m.setWeights(List.of(new FloatArray(new float[] {w0}, 1, 1)));
    m.compile(opt, "mse");
    return m;
  }

  static double weight(Sequential m) {
    return m.getWeights().get(0).data()[0];
  }

  /** Runs {@code lrs.length} train steps, the learning rate set before each; returns the weights after each. */
  static double[] run(String name, float[] lrs) {
    try (Sequential m = oneWeight(optimizer(name, lrs[0]), 0f)) {
      double[] w = new double[lrs.length];
      for (int i = 0; i < lrs.length; i++) {
        m.optimizer().setLearningRate(lrs[i]);
        m.trainOnBatch(X, Y);
        w[i] = weight(m);
      }
      return w;
    }
  }

  static double[] rule(KerasRules.Rule rule, float[] lrs) {
    double w = 0;
    double[] out = new double[lrs.length];
    for (int i = 0; i < lrs.length; i++) {
      w = rule.step(w, gradient(w), lrs[i]);
      out[i] = w;
    }
    return out;
  }

  static void assertRelative(double expected, double actual, double tol, String what) {
    double scale = Math.max(Math.abs(expected), 1e-12);
    assertTrue(Math.abs(expected - actual) / scale <= tol,
        what + ": expected " + expected + " got " + actual + " (relative error " + Math.abs(expected - actual) / scale + ")");
  }

  @Test
  void gradientOfTheOneWeightModelIsWhatTheTestsAssume() {
    // Plain SGD with lr 1 moves w by exactly -gradient: checks the analytic gradient itself.
    double[] w = run("sgd", new float[] {1f});
    assertEquals(12.0, w[0], 1e-6);
  }

  /** First step: framework optimizer == Keras 3 rule, within 1e-5 relative. */
  @ParameterizedTest(name = "{0}: first step equals the Keras 3 update rule")
  @ValueSource(strings = {"sgd", "sgd_momentum", "sgd_nesterov", "rmsprop", "rmsprop_momentum", "rmsprop_centered", "adam", "adagrad", "adadelta", "adamax", "nadam", "ftrl"})
  void firstStepEqualsKeras3Rule(String name) {
    float[] lrs = {0.05f};
    assertRelative(rule(KerasRules.forName(name), lrs)[0], run(name, lrs)[0], 1e-5, name);
  }

  /**
   * Three steps with the learning rate changed between them (0.05, then 0 or 0.01, then 0.02):
   * checks both the stateful rule and that every changed rate reaches the update. Ftrl divides by
   * the learning rate (Keras too), so it gets 0.01 instead of 0.
   */
  @ParameterizedTest(name = "{0}: steps with a changing learning rate equal the Keras 3 rule")
  @ValueSource(strings = {"sgd", "sgd_momentum", "sgd_nesterov", "rmsprop", "rmsprop_momentum", "rmsprop_centered", "adam", "adagrad",
      "adadelta", "adamax", "nadam", "ftrl"})
  void stepsWithChangingLearningRateEqualKeras3Rule(String name) {
    float[] lrs = name.equals("ftrl") ? new float[] {0.05f, 0.01f, 0.02f} : new float[] {0.05f, 0f, 0.02f};
    double[] expected = rule(KerasRules.forName(name), lrs);
    double[] actual = run(name, lrs);
    for (int i = 0; i < lrs.length; i++) assertRelative(expected[i], actual[i], 1e-5, name + " step " + (i + 1));
  }

  /**
   * Keras 3 keeps SGD's velocity in learning-rate units (m = 0.9*m - lr*g; w += m), TF's
   * ApplyMomentum in gradient units: at rate 0 Keras still moves on its momentum, as jkeras does.
   */
  @ParameterizedTest(name = "{0}: at learning rate 0 still moves on its momentum, as Keras 3")
  @ValueSource(strings = {"sgd_momentum", "sgd_nesterov"})
  void momentumKeepsMovingAtLearningRateZero(String name) {
    double[] actual = run(name, new float[] {0.05f, 0f});
    assertTrue(Math.abs(actual[1] - actual[0]) > 0.1, name + ": moved " + (actual[1] - actual[0]) + " at rate 0");
  }

  /**
   * Keras 3's Adagrad adds epsilon under the square root; TF's ApplyAdagrad does not, so a weight
   * whose gradient and accumulator are both 0 became 0/0 = NaN.
   */
  @Test
  void adagradWithZeroAccumulatorLeavesAnUnusedWeightAlone() {
    Keras.setRandomSeed(7);
    try (Sequential m = new Sequential(new InputLayer(2), new Dense(1).useBias(false))) {
      m.build(-1, 2);
      m.setWeights(List.of(new FloatArray(new float[] {0f, 0.5f}, 2, 1)));
      m.compile(new Adagrad(0.1f).initialAccumulatorValue(0f), "mse");
      m.trainOnBatch(new float[][] {{2f, 0f}}, Y); // the second weight gets gradient 0
      float[] w = m.getWeights().get(0).data();
      assertEquals(0.5f, w[1], 0f, "unused weight");
      assertRelative(rule(KerasRules.adagrad(0), new float[] {0.1f})[0], w[0], 1e-5, "used weight");
    }
  }
}
