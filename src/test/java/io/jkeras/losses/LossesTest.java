package io.jkeras.losses;

import static io.jkeras.testing.KerasFormulas.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.Sequential;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Every loss name jkeras accepts, computed by jkeras (framework loss ops run on a Graph) against
 * Keras 3's formula ({@code keras/src/losses/losses.py} and the TF backend) written here in
 * float64, reduced as Keras's default sum_over_batch_size (mean over every per-sample value).
 */
class LossesTest {
  // Distributions (positive; rows sum to 1): for crossentropies, KL, Poisson, MSLE.
  static final float[][] P_TRUE = {{0.2f, 0.5f, 0.3f}, {0.9f, 0.05f, 0.05f}};
  static final float[][] P_PRED = {{0.1f, 0.6f, 0.3f}, {0.7f, 0.2f, 0.1f}};
  // Regression values, errors on both sides of Huber's delta 1.
  static final float[][] R_TRUE = {{1.5f, -2f, 0.3f}, {0f, 3f, -1f}};
  static final float[][] R_PRED = {{0.5f, 0.5f, 0.3f}, {0.2f, 1.0f, -1.5f}};
  // Binary labels and probabilities.
  static final float[][] B_TRUE = {{0f, 1f, 1f}, {1f, 0f, 0f}};
  static final float[][] B_PRED = {{0.2f, 0.7f, 0.9f}, {0.6f, 0.3f, 0.15f}};
  // Logits.
  static final float[][] LOGITS = {{-1.5f, 0.3f, 2.0f}, {0.8f, -0.2f, -3.0f}};

  /** Runs jkeras's loss on constant tensors. */
  static double jkeras(Loss loss, float[][] yTrue, float[][] yPred) {
    return run(loss, FloatArray.of(yTrue), FloatArray.of(yPred));
  }

  static double run(Loss loss, FloatArray yTrue, FloatArray yPred) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> yt = tf.reshape(tf.constant(yTrue.data()), tf.constant(yTrue.shape()));
      Operand<TFloat32> yp = tf.reshape(tf.constant(yPred.data()), tf.constant(yPred.shape()));
      try (Result r = s.runner().fetch(loss.call(tf, yt, yp)).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }

  static Stream<String> names() {
    return Losses.names().stream();
  }

  /** Every accepted name (canonical, alias or class name) against Keras 3's formula, 1e-5 relative. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void everyLossNameMatchesKeras3Formula(String name) {
    Loss loss = Losses.get(name);
    double expected;
    double actual;
    switch (loss.name()) {
      case "mean_squared_error": expected = keras(MSE, R_TRUE, R_PRED); actual = jkeras(loss, R_TRUE, R_PRED); break;
      case "mean_absolute_error": expected = keras(MAE, R_TRUE, R_PRED); actual = jkeras(loss, R_TRUE, R_PRED); break;
      case "mean_absolute_percentage_error":
        // y_true 0 in the second row: Keras divides by max(|y|, eps).
        expected = keras(MAPE, R_TRUE, R_PRED); actual = jkeras(loss, R_TRUE, R_PRED); break;
      case "mean_squared_logarithmic_error": expected = keras(MSLE, P_TRUE, P_PRED); actual = jkeras(loss, P_TRUE, P_PRED); break;
      case "huber": expected = keras(HUBER, R_TRUE, R_PRED); actual = jkeras(loss, R_TRUE, R_PRED); break;
      case "kl_divergence": expected = keras(KLD, P_TRUE, P_PRED); actual = jkeras(loss, P_TRUE, P_PRED); break;
      case "poisson": expected = keras(POISSON, P_TRUE, P_PRED); actual = jkeras(loss, P_TRUE, P_PRED); break;
      case "hinge": expected = keras(HINGE, B_TRUE, R_PRED); actual = jkeras(loss, B_TRUE, R_PRED); break;
      case "squared_hinge": expected = keras(SQUARED_HINGE, B_TRUE, R_PRED); actual = jkeras(loss, B_TRUE, R_PRED); break;
      case "categorical_hinge": expected = keras(CATEGORICAL_HINGE, P_TRUE, R_PRED); actual = jkeras(loss, P_TRUE, R_PRED); break;
      case "log_cosh": expected = keras(LOG_COSH, R_TRUE, R_PRED); actual = jkeras(loss, R_TRUE, R_PRED); break;
      case "cosine_similarity": expected = keras(COSINE, R_TRUE, R_PRED); actual = jkeras(loss, R_TRUE, R_PRED); break;
      case "binary_crossentropy": expected = keras(bce(0), B_TRUE, B_PRED); actual = jkeras(loss, B_TRUE, B_PRED); break;
      case "categorical_crossentropy": expected = keras(cce(0), P_TRUE, P_PRED); actual = jkeras(loss, P_TRUE, P_PRED); break;
      case "sparse_categorical_crossentropy": {
        float[][] oneHot = {{0f, 1f, 0f}, {1f, 0f, 0f}};
        expected = keras(cce(0), oneHot, P_PRED);
        actual = run(loss, new FloatArray(new float[] {1f, 0f}, 2), FloatArray.of(P_PRED));
        break;
      }
      default: throw new AssertionError("no Keras formula in this test for " + loss.name());
    }
    assertRelative(expected, actual, name);
  }

  static void assertRelative(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.max(1e-3, Math.abs(expected)),
        what + ": Keras 3 " + expected + ", jkeras " + actual);
  }

  @Test
  void hingeAcceptsMinusOneOneLabels() {
    float[][] t = {{-1f, 1f, 1f}, {1f, -1f, -1f}};
    assertRelative(keras(HINGE, t, R_PRED), jkeras(Losses.get("hinge"), t, R_PRED), "hinge");
    assertRelative(keras(SQUARED_HINGE, t, R_PRED), jkeras(Losses.get("squared_hinge"), t, R_PRED), "squared_hinge");
  }

  @Test
  void fromLogitsAndLabelSmoothing() {
    assertRelative(keras(bceLogits(0), B_TRUE, LOGITS),
        jkeras(Losses.get("binary_crossentropy", Map.of("from_logits", true)), B_TRUE, LOGITS), "bce logits");
    assertRelative(keras(bce(0.2), B_TRUE, B_PRED),
        jkeras(Losses.get("binary_crossentropy", Map.of("label_smoothing", 0.2)), B_TRUE, B_PRED), "bce smoothing");
    assertRelative(keras(bceLogits(0.2), B_TRUE, LOGITS),
        jkeras(Losses.get("binary_crossentropy", Map.of("from_logits", true, "label_smoothing", 0.2)), B_TRUE, LOGITS), "bce logits smoothing");
    assertRelative(keras(cceLogits(0), P_TRUE, LOGITS),
        jkeras(Losses.get("categorical_crossentropy", Map.of("from_logits", true)), P_TRUE, LOGITS), "cce logits");
    assertRelative(keras(cce(0.1), P_TRUE, P_PRED),
        jkeras(Losses.get("categorical_crossentropy", Map.of("label_smoothing", 0.1)), P_TRUE, P_PRED), "cce smoothing");
    assertRelative(keras(cceLogits(0.1), P_TRUE, LOGITS),
        jkeras(Losses.get("categorical_crossentropy", Map.of("from_logits", true, "label_smoothing", 0.1)), P_TRUE, LOGITS), "cce logits smoothing");
    // Sparse from logits == categorical from logits on one-hot labels; labels as (batch,) and (batch, 1).
    float[][] oneHot = {{0f, 0f, 1f}, {0f, 1f, 0f}};
    double cat = jkeras(Losses.get("categorical_crossentropy", Map.of("from_logits", true)), oneHot, LOGITS);
    assertRelative(keras(cceLogits(0), oneHot, LOGITS), cat, "cce logits one-hot");
    Loss sparse = Losses.get("sparse_categorical_crossentropy", Map.of("from_logits", true));
    assertRelative(cat, run(sparse, new FloatArray(new float[] {2f, 1f}, 2), FloatArray.of(LOGITS)), "sparse (batch,)");
    assertRelative(cat, run(sparse, new FloatArray(new float[] {2f, 1f}, 2, 1), FloatArray.of(LOGITS)), "sparse (batch, 1)");
  }

  @Test
  void sparseEqualsCategoricalOnOneHotLabelsForSequences() {
    // (batch 2, time 2, classes 3): sum_over_batch_size divides by batch * time.
    float[] probs = {0.1f, 0.6f, 0.3f, 0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f, 0.05f, 0.05f, 0.9f};
    float[] ids = {1f, 0f, 2f, 2f};
    float[] oneHot = {0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1};
    double sparse = run(Losses.get("sparse_categorical_crossentropy"), new FloatArray(ids, 2, 2), new FloatArray(probs, 2, 2, 3));
    double cat = run(Losses.get("categorical_crossentropy"), new FloatArray(oneHot, 2, 2, 3), new FloatArray(probs, 2, 2, 3));
    double expected = -(Math.log(0.6) + Math.log(0.7) + Math.log(0.4) + Math.log(0.9)) / 4;
    assertRelative(expected, sparse, "sparse sequence");
    assertRelative(expected, cat, "categorical sequence");
  }

  /**
   * DISCREPANCY (reported, small): on raw probabilities the framework's binary crossentropy is
   * TF 2's {@code -log(clip(p) + 1e-7)}, Keras 3's {@code -log(clip(p))}: relative difference
   * about 1e-7/p, below 1e-5 for p above 0.01 (the test above), 1e-3 at p = 1e-4.
   */
  @Test
  void binaryCrossentropyOnRawSmallProbabilitiesAddsEpsilonInsideTheLog() {
    float[][] t = {{1f}};
    float[][] p = {{1e-4f}};
    double actual = jkeras(Losses.get("binary_crossentropy"), t, p);
    double keras3 = -Math.log(1e-4f);
    double tf2 = -Math.log(1e-4f + 1e-7);
    assertEquals(tf2, actual, 1e-5 * tf2);
    assertTrue(Math.abs(keras3 - actual) / keras3 > 5e-5, "now equals Keras 3: " + actual);
  }

  /**
   * Through a model: Dense(1, sigmoid) with set weights, evaluated. Keras 3 computes the
   * crossentropy from the sigmoid's logits, so a saturated output (logit 20, label 0) costs
   * softplus(20) = 20.000000002, not the -log(1e-7) = 16.1 a clipped probability would give.
   */
  @Test
  void evaluateOnASigmoidModelUsesTheLogitsAsKeras3() {
    Keras.setRandomSeed(3);
    try (Sequential m = new Sequential(new InputLayer(1), new Dense(1).activation("sigmoid"))) {
      m.build(-1, 1);
      m.setWeights(List.of(new FloatArray(new float[] {2f}, 1, 1), new FloatArray(new float[] {0f}, 1)));
      m.compile("sgd", "binary_crossentropy");
      float[][] x = {{10f}, {0.5f}, {-1f}};
      float[][] y = {{0f}, {1f}, {0f}};
      double expected = (softplus(20) + softplus(-1) + softplus(-2)) / 3;
      assertRelative(expected, m.evaluate(x, y).get("loss"), "sigmoid model bce");
    }
    try (Sequential m = new Sequential(new InputLayer(2), new Dense(3).activation("softmax"))) {
      m.build(-1, 2);
      m.setWeights(List.of(new FloatArray(new float[] {10f, 0f, -10f, 0f, 1f, 2f}, 2, 3), new FloatArray(new float[] {0f, 0f, 0f}, 3)));
      m.compile("sgd", "sparse_categorical_crossentropy");
      // logits of x=(3, 0): (30, 0, -30); label 2: -log_softmax = 60 (clipped probabilities: 16.1).
      double expected = keras(cceLogits(0), new float[][] {{0f, 0f, 1f}}, new float[][] {{30f, 0f, -30f}});
      assertRelative(expected, m.evaluate(new float[][] {{3f, 0f}}, new float[] {2f}).get("loss"), "softmax model sparse cce");
      assertEquals(60.0, expected, 1e-6);
    }
  }

  /** The logits path has gradients: sigmoid and softmax classifiers train with each crossentropy. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"})
  void classifiersTrainThroughTheLogitsPath(String loss) {
    Keras.setRandomSeed(11);
    boolean binary = loss.equals("binary_crossentropy");
    float[][] x = {{1f, 0f}, {0f, 1f}, {1f, 1f}, {0f, 0f}};
    Object y = binary ? new float[][] {{1f}, {0f}, {1f}, {0f}}
        : loss.equals("sparse_categorical_crossentropy") ? new float[] {0f, 1f, 2f, 1f}
        : new float[][] {{1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}, {0f, 1f, 0f}};
    try (Sequential m = new Sequential(new InputLayer(2), new Dense(binary ? 1 : 3).activation(binary ? "sigmoid" : "softmax"))) {
      m.compile("adam", loss);
      io.jkeras.callbacks.History h = m.fit(x, y, new io.jkeras.models.FitOptions().epochs(20).batchSize(4).verbose(0));
      assertTrue(h.last("loss") < h.get("loss").get(0), loss + ": " + h.get("loss"));
    }
  }
}
