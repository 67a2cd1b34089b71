package io.jkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.testing.Weights;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The learning rate set with {@code setLearningRate} after compile reaches every optimizer's
 * update through fit (jkeras feeds it at each step in place of the framework's constant).
 */
class OptimizerLearningRateTest {
  private static final float[][] X = {{0.5f, -1f, 2f}, {1f, 0.3f, -0.7f}, {-1.2f, 0.8f, 0.1f}, {0.4f, 0.4f, 0.9f}, {2f, -0.5f, 0.3f}};
  private static final float[][] Y = {{1f, 0f}, {0f, 1f}, {0.5f, 0.5f}, {1f, 1f}, {0f, 0f}};

  static Sequential model(Optimizer opt) {
    Keras.setRandomSeed(42);
    Keras.clearSession();
    Sequential m = new Sequential(new InputLayer(3), new Dense(2).activation("tanh"));
    m.compile(opt, "mse");
    return m;
  }

  static float[] fitOneEpoch(Sequential m) {
    m.fit(X, Y, new FitOptions().epochs(1).batchSize(2).shuffle(false).verbose(0));
    return Weights.flat(m.getWeights());
  }

  @ParameterizedTest(name = "{0}: rate 0 set after compile leaves the weights unchanged, a positive rate changes them")
  @ValueSource(strings = {"adam", "sgd", "sgd_momentum", "sgd_nesterov", "rmsprop", "adagrad", "adadelta", "adamax", "nadam"})
  void zeroRateLeavesWeightsUnchanged(String name) {
    try (Sequential m = model(OptimizerUpdateRuleTest.optimizer(name, 0.1f))) {
      m.build(-1, 3);
      float[] before = Weights.flat(m.getWeights());
      m.optimizer().setLearningRate(0f);
      assertArrayEquals(before, fitOneEpoch(m), name + ": weights moved at learning rate 0");
      m.optimizer().setLearningRate(0.1f);
      float[] after = fitOneEpoch(m);
      assertFalse(java.util.Arrays.equals(before, after), name + ": weights did not move at learning rate 0.1");
      // Back to 0 once the optimizer is bound to the graph: no further change, except that SGD
      // with momentum keeps moving on its velocity, as in Keras 3 (m = 0.9*m - lr*g; w += m).
      m.optimizer().setLearningRate(0f);
      float[] again = fitOneEpoch(m);
      if (name.startsWith("sgd_")) {
        assertFalse(java.util.Arrays.equals(after, again), name + ": momentum did not carry the weights at rate 0");
      } else {
        assertArrayEquals(after, again, name + ": weights moved after the rate went back to 0");
      }
    }
  }

  /** A rate set after compile trains exactly as the same rate given to the constructor. */
  @ParameterizedTest(name = "{0}: setLearningRate(0.05) after compile == constructed with 0.05")
  @ValueSource(strings = {"adam", "sgd", "sgd_momentum", "sgd_nesterov", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "ftrl"})
  void rateSetAfterCompileEqualsConstructorRate(String name) {
    float[] direct;
    float[] other;
    float[] changed;
    try (Sequential m = model(OptimizerUpdateRuleTest.optimizer(name, 0.05f))) {
      direct = fitOneEpoch(m);
    }
    try (Sequential m = model(OptimizerUpdateRuleTest.optimizer(name, 0.01f))) {
      other = fitOneEpoch(m);
    }
    try (Sequential m = model(OptimizerUpdateRuleTest.optimizer(name, 0.01f))) {
      m.optimizer().setLearningRate(0.05f);
      changed = fitOneEpoch(m);
    }
    assertArrayEquals(direct, changed, name);
    assertFalse(java.util.Arrays.equals(direct, other), name + ": rates 0.05 and 0.01 gave the same weights");
  }

  @Test
  void ftrlRefusesARateOfZeroBecauseItsUpdateDividesByIt() {
    // Keras's Ftrl would divide by zero and fill the weights with NaN; jkeras refuses early.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ftrl(0.1f).setLearningRate(0f));
    assertTrue(e.getMessage().contains("Ftrl"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Ftrl(0f));
  }

  @Test
  void negativeOrNanRatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Adam().setLearningRate(-1f));
    assertThrows(IllegalArgumentException.class, () -> new SGD().setLearningRate(Float.NaN));
  }

  @Test
  void learningRateReadsBackAsSet() {
    Optimizer o = new Adam();
    assertEquals(0.001f, o.learningRate());
    o.setLearningRate(0.25f);
    assertEquals(0.25f, o.learningRate());
    assertEquals(0.25, (double) o.getConfig().get("learning_rate"), 0.0);
  }
}
