package io.jkeras.metrics;

import static io.jkeras.testing.KerasFormulas.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.Sequential;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every metric name through {@code model.evaluate} on a model whose output is exactly the
 * predictions chosen here (Dense with an identity kernel and zero bias), batch size 2 so that
 * values are aggregated over several batches (2 + 2 + 1 samples, or 2 + 2 + 2), against values
 * computed by hand or with Keras 3's formulas in float64.
 */
class MetricsTest {
  // Regression-style rows (5 samples, 3 values).
  static final float[][] R_TRUE = {{1.5f, -2f, 0.3f}, {0f, 3f, -1f}, {0.5f, 0.5f, 2f}, {-1f, 0.2f, 0.4f}, {2f, 2f, -2f}};
  static final float[][] R_PRED = {{0.5f, 0.5f, 0.3f}, {0.2f, 1.0f, -1.5f}, {0.4f, 0.9f, 1.5f}, {-0.5f, 0.1f, 0.6f}, {1.0f, 2.5f, -2.5f}};
  // Distributions (rows sum to 1).
  static final float[][] P_TRUE = {{0.2f, 0.5f, 0.3f}, {0.9f, 0.05f, 0.05f}, {0f, 0f, 1f}, {1f, 0f, 0f}, {0.3f, 0.3f, 0.4f}};
  static final float[][] P_PRED = {{0.1f, 0.6f, 0.3f}, {0.7f, 0.2f, 0.1f}, {0.25f, 0.45f, 0.3f}, {0.5f, 0.3f, 0.2f}, {0.2f, 0.2f, 0.6f}};
  // Binary labels / probabilities on 3 outputs.
  static final float[][] B_TRUE = {{0f, 1f, 1f}, {1f, 0f, 0f}, {1f, 1f, 0f}, {0f, 0f, 0f}, {1f, 0f, 1f}};
  static final float[][] B_PRED = {{0.2f, 0.7f, 0.4f}, {0.6f, 0.3f, 0.15f}, {0.55f, 0.45f, 0.8f}, {0.1f, 0.2f, 0.3f}, {0.9f, 0.6f, 0.35f}};
  // One binary output: 6 samples, threshold 0.5 gives TP 2, FP 1, TN 2, FN 1; 7 of 9 pos/neg pairs ordered.
  static final float[][] S_TRUE = {{1f}, {1f}, {0f}, {0f}, {1f}, {0f}};
  static final float[][] S_PRED = {{0.9f}, {0.35f}, {0.6f}, {0.1f}, {0.8f}, {0.4f}};

  static final Set<String> TESTED = new HashSet<>();

  /** Evaluates {@code metric} for predictions {@code pred} (the model's exact output) against {@code y}. */
  static double evaluate(String loss, String metric, Object y, float[][] pred) {
    TESTED.add(metric);
    int k = pred[0].length;
    Keras.setRandomSeed(5);
    try (Sequential m = new Sequential(new InputLayer(k), new Dense(k))) {
      m.build(-1, k);
      float[] eye = new float[k * k];
      for (int i = 0; i < k; i++) eye[i * k + i] = 1f;
      m.setWeights(List.of(new FloatArray(eye, k, k), new FloatArray(new float[k], k)));
      m.compile("sgd", loss, metric);
      Map<String, Double> logs = m.evaluate(pred, y, 2);
      // Evaluating again gives the same value: stateful metrics are reset between calls.
      assertEquals(logs.get(metric), m.evaluate(pred, y, 2).get(metric), 0.0, metric + " second evaluate");
      return logs.get(metric);
    }
  }

  static void assertClose(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.max(1, Math.abs(expected)), what + ": expected " + expected + ", got " + actual);
  }

  static float[] ids(float[][] oneHot) {
    float[] r = new float[oneHot.length];
    for (int i = 0; i < r.length; i++) {
      int best = 0;
      for (int j = 1; j < oneHot[i].length; j++) if (oneHot[i][j] > oneHot[i][best]) best = j;
      r[i] = best;
    }
    return r;
  }

  static int argmax(float[] a) {
    int best = 0;
    for (int j = 1; j < a.length; j++) if (a[j] > a[best]) best = j;
    return best;
  }

  static final PerSample BINARY_ACCURACY = (t, p) -> mean(zip(t, p, (a, b) -> (b > 0.5 ? 1.0 : 0.0) == a ? 1 : 0));

  static double categoricalAccuracy(float[][] yTrue, float[][] yPred) {
    double s = 0;
    for (int i = 0; i < yTrue.length; i++) s += argmax(yTrue[i]) == argmax(yPred[i]) ? 1 : 0;
    return s / yTrue.length;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mean_squared_error", "mse", "mean_absolute_error", "mae", "mean_absolute_percentage_error", "mape",
      "root_mean_squared_error", "rmse", "logcosh", "log_cosh_error", "cosine_similarity"})
  void regressionMetrics(String name) {
    double expected;
    switch (name) {
      case "mean_squared_error": case "mse": expected = keras(MSE, R_TRUE, R_PRED); break;
      case "mean_absolute_error": case "mae": expected = keras(MAE, R_TRUE, R_PRED); break;
      case "mean_absolute_percentage_error": case "mape": expected = keras(MAPE, R_TRUE, R_PRED); break;
      case "root_mean_squared_error": case "rmse": expected = Math.sqrt(keras(MSE, R_TRUE, R_PRED)); break;
      case "logcosh": case "log_cosh_error": expected = keras(LOG_COSH, R_TRUE, R_PRED); break;
      case "cosine_similarity": expected = -keras(COSINE, R_TRUE, R_PRED); break;
      default: throw new AssertionError(name);
    }
    assertClose(expected, evaluate("mse", name, R_TRUE, R_PRED), name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mean_squared_logarithmic_error", "msle", "kl_divergence", "kld", "poisson", "categorical_hinge",
      "categorical_crossentropy", "categorical_accuracy"})
  void distributionMetrics(String name) {
    double expected;
    switch (name) {
      case "mean_squared_logarithmic_error": case "msle": expected = keras(MSLE, P_TRUE, P_PRED); break;
      case "kl_divergence": case "kld": expected = keras(KLD, P_TRUE, P_PRED); break;
      case "poisson": expected = keras(POISSON, P_TRUE, P_PRED); break;
      case "categorical_hinge": expected = keras(CATEGORICAL_HINGE, P_TRUE, P_PRED); break;
      case "categorical_crossentropy": expected = keras(cce(0), P_TRUE, P_PRED); break;
      case "categorical_accuracy": expected = categoricalAccuracy(P_TRUE, P_PRED); break;
      default: throw new AssertionError(name);
    }
    assertClose(expected, evaluate("mse", name, P_TRUE, P_PRED), name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary_accuracy", "binary_crossentropy", "hinge", "squared_hinge"})
  void binaryMetricsOnSeveralOutputs(String name) {
    double expected;
    switch (name) {
      case "binary_accuracy": expected = keras(BINARY_ACCURACY, B_TRUE, B_PRED); break;
      case "binary_crossentropy": expected = keras(bce(0), B_TRUE, B_PRED); break;
      case "hinge": expected = keras(HINGE, B_TRUE, B_PRED); break;
      case "squared_hinge": expected = keras(SQUARED_HINGE, B_TRUE, B_PRED); break;
      default: throw new AssertionError(name);
    }
    assertClose(expected, evaluate("mse", name, B_TRUE, B_PRED), name);
  }

  @Test
  void sparseMetrics() {
    float[][] oneHot = {{0f, 0f, 1f}, {1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}};
    float[] labels = ids(oneHot);
    assertClose(categoricalAccuracy(oneHot, P_PRED),
        evaluate("sparse_categorical_crossentropy", "sparse_categorical_accuracy", labels, P_PRED), "sparse_categorical_accuracy");
    assertClose(keras(cce(0), oneHot, P_PRED),
        evaluate("sparse_categorical_crossentropy", "sparse_categorical_crossentropy", labels, P_PRED), "sparse_categorical_crossentropy");
  }

  @Test
  void topKAccuraciesWithKEqualTo5() {
    // 6 classes: the label is outside the top 5 only when it has the smallest prediction (rows 1 and 3).
    float[][] pred = {
        {0.3f, 0.25f, 0.2f, 0.1f, 0.1f, 0.05f},
        {0.3f, 0.25f, 0.2f, 0.12f, 0.08f, 0.05f},
        {0.05f, 0.1f, 0.15f, 0.2f, 0.22f, 0.28f},
        {0.05f, 0.1f, 0.15f, 0.2f, 0.22f, 0.28f}};
    float[] labels = {1f, 5f, 2f, 0f};
    float[][] oneHot = new float[4][6];
    for (int i = 0; i < 4; i++) oneHot[i][(int) labels[i]] = 1f;
    assertClose(0.5, evaluate("mse", "top_k_categorical_accuracy", oneHot, pred), "top_k_categorical_accuracy");
    assertClose(0.5, evaluate("sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy", labels, pred),
        "sparse_top_k_categorical_accuracy");
  }

  /** Keras 3's compile resolves "accuracy" / "acc" by the shapes of y and of the output. */
  @Test
  void accuracyResolvesByShapes() {
    // Output (n, 1): binary accuracy (categorical accuracy on one column would be 1).
    double binary = keras(BINARY_ACCURACY, S_TRUE, S_PRED);
    assertClose(4.0 / 6, binary, "hand value");
    assertClose(binary, evaluate("binary_crossentropy", "accuracy", S_TRUE, S_PRED), "accuracy, binary");
    assertClose(binary, evaluate("binary_crossentropy", "acc", S_TRUE, S_PRED), "acc, binary");
    // y (n, 3) one-hot, output (n, 3): categorical.
    float[][] oneHot = {{0f, 0f, 1f}, {1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}};
    double cat = categoricalAccuracy(oneHot, P_PRED);
    assertClose(0.6, cat, "hand value");
    assertClose(cat, evaluate("categorical_crossentropy", "accuracy", oneHot, P_PRED), "accuracy, categorical");
    // y (n,) or (n, 1) ids, output (n, 3): sparse categorical.
    float[] labels = ids(oneHot);
    assertClose(cat, evaluate("sparse_categorical_crossentropy", "accuracy", labels, P_PRED), "accuracy, sparse (n,)");
    float[][] labelsColumn = new float[labels.length][];
    for (int i = 0; i < labels.length; i++) labelsColumn[i] = new float[] {labels[i]};
    assertClose(cat, evaluate("sparse_categorical_crossentropy", "acc", labelsColumn, P_PRED), "acc, sparse (n, 1)");
  }

  /** "crossentropy" / "ce" resolve as "accuracy" does (jkeras names; Keras 3's metrics.get has no such alias). */
  @Test
  void crossentropyResolvesByShapes() {
    assertClose(keras(bce(0), S_TRUE, S_PRED), evaluate("binary_crossentropy", "crossentropy", S_TRUE, S_PRED), "crossentropy, binary");
    float[][] oneHot = {{0f, 0f, 1f}, {1f, 0f, 0f}, {0f, 1f, 0f}, {0f, 1f, 0f}, {0f, 0f, 1f}};
    double cce = keras(cce(0), oneHot, P_PRED);
    assertClose(cce, evaluate("categorical_crossentropy", "ce", oneHot, P_PRED), "ce, categorical");
    assertClose(cce, evaluate("sparse_categorical_crossentropy", "crossentropy", ids(oneHot), P_PRED), "crossentropy, sparse");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"true_positives", "false_positives", "true_negatives", "false_negatives", "precision", "recall", "auc"})
  void statefulMetricsAccumulateOverBatches(String name) {
    // Worked out by hand from S_TRUE / S_PRED: TP 2 (0.9, 0.8), FP 1 (0.6), TN 2 (0.1, 0.4), FN 1 (0.35);
    // ROC AUC: 7 of the 9 (positive, negative) pairs are ordered.
    double expected;
    switch (name) {
      case "true_positives": expected = 2; break;
      case "false_positives": expected = 1; break;
      case "true_negatives": expected = 2; break;
      case "false_negatives": expected = 1; break;
      case "precision": expected = 2.0 / 3; break;
      case "recall": expected = 2.0 / 3; break;
      case "auc": expected = 7.0 / 9; break;
      default: throw new AssertionError(name);
    }
    assertClose(expected, evaluate("binary_crossentropy", name, S_TRUE, S_PRED), name);
  }

  /**
   * On a sigmoid/softmax output Keras 3 computes crossentropy metrics from the logits, as the
   * loss: a saturated output (logit 20, label 0) gives softplus(20) = 20.000000002 for both.
   */
  @Test
  void crossentropyMetricsOnActivatedOutputsUseTheLogitsAsTheLoss() {
    Keras.setRandomSeed(3);
    try (Sequential m = new Sequential(new InputLayer(1), new Dense(1).activation("sigmoid"))) {
      m.build(-1, 1);
      m.setWeights(List.of(new FloatArray(new float[] {2f}, 1, 1), new FloatArray(new float[] {0f}, 1)));
      m.compile("sgd", "binary_crossentropy", "binary_crossentropy", "crossentropy");
      Map<String, Double> logs = m.evaluate(new float[][] {{10f}, {0.5f}, {-1f}}, new float[][] {{0f}, {1f}, {0f}}, 2);
      double expected = (softplus(20) + softplus(-1) + softplus(-2)) / 3;
      assertClose(expected, logs.get("loss"), "loss");
      assertClose(expected, logs.get("binary_crossentropy"), "binary_crossentropy metric");
      assertClose(expected, logs.get("crossentropy"), "crossentropy metric");
    }
    try (Sequential m = new Sequential(new InputLayer(2), new Dense(3).activation("softmax"))) {
      m.build(-1, 2);
      m.setWeights(List.of(new FloatArray(new float[] {10f, 0f, -10f, 0f, 1f, 2f}, 2, 3), new FloatArray(new float[3], 3)));
      m.compile("sgd", "sparse_categorical_crossentropy", "sparse_categorical_crossentropy");
      // logits (30, 0, -30), label 2: 60.
      Map<String, Double> logs = m.evaluate(new float[][] {{3f, 0f}}, new float[] {2f});
      assertClose(60.0, logs.get("sparse_categorical_crossentropy"), "sparse_categorical_crossentropy metric");
      assertClose(60.0, logs.get("loss"), "loss");
    }
  }

  @AfterAll
  static void everyNameWasTested() {
    List<String> missing = new ArrayList<>(Metrics.names());
    missing.removeAll(TESTED);
    assertTrue(missing.isEmpty(), "metric names without a test: " + missing);
  }
}
