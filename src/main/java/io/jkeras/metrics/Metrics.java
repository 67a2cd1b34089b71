package io.jkeras.metrics;

import io.jkeras.losses.Loss;
import java.util.List;
import java.util.Locale;
import org.tensorflow.framework.metrics.AUC;
import org.tensorflow.framework.metrics.BinaryAccuracy;
import org.tensorflow.framework.metrics.BinaryCrossentropy;
import org.tensorflow.framework.metrics.CategoricalAccuracy;
import org.tensorflow.framework.metrics.CategoricalCrossentropy;
import org.tensorflow.framework.metrics.CategoricalHinge;
import org.tensorflow.framework.metrics.CosineSimilarity;
import org.tensorflow.framework.metrics.FalseNegatives;
import org.tensorflow.framework.metrics.FalsePositives;
import org.tensorflow.framework.metrics.Hinge;
import org.tensorflow.framework.metrics.KLDivergence;
import org.tensorflow.framework.metrics.LogCoshError;
import org.tensorflow.framework.metrics.MeanAbsoluteError;
import org.tensorflow.framework.metrics.MeanAbsolutePercentageError;
import org.tensorflow.framework.metrics.MeanSquaredError;
import org.tensorflow.framework.metrics.MeanSquaredLogarithmicError;
import org.tensorflow.framework.metrics.Poisson;
import org.tensorflow.framework.metrics.Precision;
import org.tensorflow.framework.metrics.SparseCategoricalAccuracy;
import org.tensorflow.framework.metrics.SparseCategoricalCrossentropy;
import org.tensorflow.framework.metrics.SparseTopKCategoricalAccuracy;
import org.tensorflow.framework.metrics.SquaredHinge;
import org.tensorflow.framework.metrics.TopKCategoricalAccuracy;
import org.tensorflow.framework.metrics.TrueNegatives;
import org.tensorflow.framework.metrics.TruePositives;
import org.tensorflow.Operand;
import org.tensorflow.framework.metrics.impl.LossMetric;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code metrics.get}, including the resolution of "accuracy" / "crossentropy" by the
 * label and output shapes, as Keras's compile does.
 */
public final class Metrics {
  private static final List<String> NAMES = List.of("accuracy", "acc", "binary_accuracy", "categorical_accuracy",
      "sparse_categorical_accuracy", "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
      "crossentropy", "ce", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
      "mean_squared_error", "mse", "mean_absolute_error", "mae", "mean_absolute_percentage_error", "mape",
      "mean_squared_logarithmic_error", "msle", "root_mean_squared_error", "rmse", "kl_divergence", "kld", "poisson",
      "hinge", "squared_hinge", "categorical_hinge", "logcosh", "log_cosh_error", "cosine_similarity",
      "precision", "recall", "auc", "true_positives", "false_positives", "true_negatives", "false_negatives");

  private Metrics() {}

  /** Throws if {@code name} is not a metric jkeras knows (checked at compile time). */
  public static void check(String name) {
    if (!NAMES.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("unknown metric '" + name + "'; known: " + String.join(", ", NAMES));
    }
  }

  public static List<String> names() {
    return NAMES;
  }

  private static Metric binaryCrossentropy(String name) {
    Class<TFloat32> f = TFloat32.class;
    return Metric.mean(name, s -> new LogitsWhenActivated("binary_crossentropy",
        new BinaryCrossentropy<>(false, 0f, s, f), new BinaryCrossentropy<>(true, 0f, s, f)));
  }

  private static Metric categoricalCrossentropy(String name) {
    Class<TFloat32> f = TFloat32.class;
    return Metric.mean(name, s -> new LogitsWhenActivated("categorical_crossentropy",
        new CategoricalCrossentropy<>(false, 0f, s, f), new CategoricalCrossentropy<>(true, 0f, s, f)));
  }

  private static Metric sparseCategoricalCrossentropy(String name) {
    Class<TFloat32> f = TFloat32.class;
    return Metric.mean(name, s -> new LogitsWhenActivated("sparse_categorical_crossentropy",
        new SparseCategoricalCrossentropy<>(false, -1, s, f), new SparseCategoricalCrossentropy<>(true, -1, s, f)));
  }

  /**
   * Keras 3's crossentropy metrics go through the same backend functions as the losses, which
   * read the logits of a sigmoid/softmax output ({@link Loss#kerasLogits}): so do these, so that
   * metric and loss agree on saturated outputs as in Keras.
   */
  private static final class LogitsWhenActivated implements LossMetric {
    private final String lossName;
    private final LossMetric probabilities;
    private final LossMetric logits;

    LogitsWhenActivated(String lossName, LossMetric probabilities, LossMetric logits) {
      this.lossName = lossName;
      this.probabilities = probabilities;
      this.logits = logits;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<? extends TNumber> labels,
        Operand<? extends TNumber> predictions, Class<T> resultType) {
      Operand<TFloat32> x = predictions.type() == TFloat32.class
          ? Loss.kerasLogits(tf, lossName, (Operand<TFloat32>) predictions) : null;
      return x != null ? logits.call(tf, labels, x, resultType) : probabilities.call(tf, labels, predictions, resultType);
    }
  }

  /**
   * Which way metric {@code name} improves, as Keras 3's metric {@code _direction}: "up"
   * (accuracies, precision, recall, AUC, cosine similarity), "down" (losses and errors used as
   * metrics), or null where Keras gives none (the confusion-matrix counts) or the name is unknown.
   * EarlyStopping's mode "auto" uses it.
   */
  public static String direction(String name) {
    if (name == null || !NAMES.contains(name.toLowerCase(Locale.ROOT))) return null;
    switch (name.toLowerCase(Locale.ROOT)) {
      case "accuracy":
      case "acc":
      case "binary_accuracy":
      case "categorical_accuracy":
      case "sparse_categorical_accuracy":
      case "top_k_categorical_accuracy":
      case "sparse_top_k_categorical_accuracy":
      case "precision":
      case "recall":
      case "auc":
      case "cosine_similarity":
        return "up";
      case "true_positives":
      case "false_positives":
      case "true_negatives":
      case "false_negatives":
        return null;
      default:
        return "down";
    }
  }

  /**
   * Resolves a metric name for labels of rank {@code yTrueRank} / last dim {@code yTrueLast}
   * and outputs of rank {@code yPredRank} / last dim {@code yPredLast}.
   */
  public static Metric get(String name, int yTrueRank, long yTrueLast, int yPredRank, long yPredLast) {
    check(name);
    String n = name.toLowerCase(Locale.ROOT);
    boolean binary = yPredLast == 1;
    boolean sparse = yTrueRank < yPredRank || (yTrueLast == 1 && yPredLast > 1);
    Class<TFloat32> f = TFloat32.class;
    switch (n) {
      case "accuracy":
      case "acc":
        if (binary) return Metric.mean(name, s -> new BinaryAccuracy<>(s, f));
        if (sparse) return Metric.mean(name, s -> new SparseCategoricalAccuracy<>(s, f));
        return Metric.mean(name, s -> new CategoricalAccuracy<>(s, f));
      case "crossentropy":
      case "ce":
        if (binary) return binaryCrossentropy(name);
        if (sparse) return sparseCategoricalCrossentropy(name);
        return categoricalCrossentropy(name);
      case "binary_accuracy": return Metric.mean(name, s -> new BinaryAccuracy<>(s, f));
      case "categorical_accuracy": return Metric.mean(name, s -> new CategoricalAccuracy<>(s, f));
      case "sparse_categorical_accuracy": return Metric.mean(name, s -> new SparseCategoricalAccuracy<>(s, f));
      case "top_k_categorical_accuracy": return Metric.mean(name, s -> new TopKCategoricalAccuracy<>(5, s, f));
      case "sparse_top_k_categorical_accuracy": return Metric.mean(name, s -> new SparseTopKCategoricalAccuracy<>(5, s, f));
      case "binary_crossentropy": return binaryCrossentropy(name);
      case "categorical_crossentropy": return categoricalCrossentropy(name);
      case "sparse_categorical_crossentropy": return sparseCategoricalCrossentropy(name);
      case "mean_squared_error":
      case "mse": return Metric.mean(name, s -> new MeanSquaredError<>(s, f));
      case "mean_absolute_error":
      case "mae": return Metric.mean(name, s -> new MeanAbsoluteError<>(s, f));
      case "mean_absolute_percentage_error":
      case "mape": return Metric.mean(name, s -> new MeanAbsolutePercentageError<>(s, f));
      case "mean_squared_logarithmic_error":
      case "msle": return Metric.mean(name, s -> new MeanSquaredLogarithmicError<>(s, f));
      case "root_mean_squared_error":
      case "rmse": return Metric.rootMean(name, s -> new MeanSquaredError<>(s, f));
      case "kl_divergence":
      case "kld": return Metric.mean(name, s -> new KLDivergence<>(s, f));
      case "poisson": return Metric.mean(name, s -> new Poisson<>(s, f));
      case "hinge": return Metric.mean(name, s -> new Hinge<>(s, f));
      case "squared_hinge": return Metric.mean(name, s -> new SquaredHinge<>(s, f));
      case "categorical_hinge": return Metric.mean(name, s -> new CategoricalHinge<>(s, f));
      case "logcosh":
      case "log_cosh_error": return Metric.mean(name, s -> new LogCoshError<>(s, f));
      case "cosine_similarity": return Metric.mean(name, s -> new CosineSimilarity<>(s, f));
      case "precision": return Metric.stateful(name, s -> new Precision<>(name, s, f));
      case "recall": return Metric.stateful(name, RecallFromCounts::new);
      case "auc": return Metric.stateful(name, s -> new AUC<>(name, s, f));
      case "true_positives": return Metric.stateful(name, s -> new TruePositives<>(s, f));
      case "false_positives": return Metric.stateful(name, s -> new FalsePositives<>(s, f));
      case "true_negatives": return Metric.stateful(name, s -> new TrueNegatives<>(s, f));
      case "false_negatives": return Metric.stateful(name, s -> new FalseNegatives<>(s, f));
      default: throw new IllegalStateException(n);
    }
  }
}
