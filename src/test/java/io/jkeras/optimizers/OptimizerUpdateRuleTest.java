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
  @ValueSource(strings = {"sgd", "rmsprop", "rmsprop_momentum", "rmsprop_centered", "adam", "adagrad", "adadelta", "adamax", "nadam", "ftrl"})
  void stepsWithChangingLearningRateEqualKeras3Rule(String name) {
    float[] lrs = name.equals("ftrl") ? new float[] {0.05f, 0.01f, 0.02f} : new float[] {0.05f, 0f, 0.02f};
    double[] expected = rule(KerasRules.forName(name), lrs);
    double[] actual = run(name, lrs);
    for (int i = 0; i < lrs.length; i++) assertRelative(expected[i], actual[i], 1e-5, name + " step " + (i + 1));
  }

  /**
   * DISCREPANCY (reported): SGD with momentum. Keras 3 keeps the velocity in learning-rate units
   * (m = 0.9*m - lr*g; w += m); TF's ApplyMomentum keeps it in gradient units (a = 0.9*a + g;
   * w -= lr*a). Equal while the rate is constant (the first step above, and any constant-rate
   * training); after a change they differ: with the rate set to 0, Keras keeps moving on its
   * momentum, jkeras stops. Compared: jkeras == TF rule, and how far that is from Keras 3.
   */
  @ParameterizedTest(name = "{0}: after a learning-rate change follows TF's momentum rule, not Keras 3's")
  @ValueSource(strings = {"sgd_momentum", "sgd_nesterov"})
  void momentumAfterLearningRateChangeFollowsTfRuleNotKeras3(String name) {
    boolean nesterov = name.equals("sgd_nesterov");
    float[] lrs = {0.05f, 0f, 0.02f};
    double[] actual = run(name, lrs);
    double[] tf = rule(KerasRules.tfMomentum(0.9, nesterov), lrs);
    double[] keras = rule(KerasRules.sgdMomentum(0.9, nesterov), lrs);
    for (int i = 0; i < lrs.length; i++) assertRelative(tf[i], actual[i], 1e-5, name + " (TF rule) step " + (i + 1));
    assertRelative(keras[0], actual[0], 1e-5, name + " step 1 (constant rate: same as Keras)");
    // Step 2 (rate 0): Keras moves by 0.9*m; jkeras does not move.
    assertEquals(actual[0], actual[1], 0.0, name + ": rate 0 leaves the weight where it is");
    assertTrue(Math.abs(keras[1] - keras[0]) > 0.1, name + ": Keras 3 keeps moving on momentum at rate 0");
  }
}
