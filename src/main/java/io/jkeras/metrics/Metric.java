package io.jkeras.metrics;

import java.util.function.LongFunction;
import org.tensorflow.Operand;
import org.tensorflow.framework.metrics.impl.LossMetric;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras metric, computed by a TensorFlow Java framework metric. Two kinds:
 * <ul>
 *   <li>mean metrics (accuracy, mae, crossentropy...): the framework gives per-sample values;
 *       jkeras sums them in the graph and keeps the running mean over the epoch in Java, as
 *       Keras's {@code Mean} does (the framework's own running mean miscounts dynamic batches);</li>
 *   <li>stateful metrics (precision, recall, AUC, true positives...): the framework's variables
 *       accumulate, and their result is read after each step.</li>
 * </ul>
 */
public final class Metric {
  private final String name;
  private final LongFunction<LossMetric> mean;
  private final LongFunction<org.tensorflow.framework.metrics.Metric> stateful;
  private final boolean sqrtOfMean;

  private Metric(String name, LongFunction<LossMetric> mean,
      LongFunction<org.tensorflow.framework.metrics.Metric> stateful, boolean sqrtOfMean) {
    this.name = name;
    this.mean = mean;
    this.stateful = stateful;
    this.sqrtOfMean = sqrtOfMean;
  }

  static Metric mean(String name, LongFunction<LossMetric> f) {
    return new Metric(name, f, null, false);
  }

  static Metric rootMean(String name, LongFunction<LossMetric> f) {
    return new Metric(name, f, null, true);
  }

  static Metric stateful(String name, LongFunction<org.tensorflow.framework.metrics.Metric> f) {
    return new Metric(name, null, f, false);
  }

  /** The key in logs and History ("accuracy", "mae", "val_accuracy" for validation). */
  public String name() {
    return name;
  }

  public boolean isStateful() {
    return stateful != null;
  }

  /** For mean metrics: whether the reported value is the square root of the mean (RMSE). */
  public boolean sqrtOfMean() {
    return sqrtOfMean;
  }

  /** Mean metrics: the sum over the batch of the per-sample values. */
  public Operand<TFloat32> valueSum(Ops tf, long seed, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    Operand<TFloat32> values = mean.apply(seed).call(tf, yTrue, yPred, TFloat32.class);
    return tf.reduceSum(values, tf.range(tf.constant(0), tf.rank(values), tf.constant(1)));
  }

  /** Mean metrics: how many values one sample contributes (time steps for sequence outputs). */
  public long valuesPerSample(Ops tf, long seed, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    Operand<TFloat32> values = mean.apply(seed).call(tf, yTrue, yPred, TFloat32.class);
    long n = 1;
    long[] s = values.shape().asArray();
    for (int i = 1; i < s.length; i++) {
      if (s[i] < 0) throw new IllegalStateException("metric " + name + ": unknown value shape " + values.shape());
      n *= s[i];
    }
    return n;
  }

  /** Stateful metrics: a new framework metric (one per model). */
  public org.tensorflow.framework.metrics.Metric newStateful(long seed) {
    return stateful.apply(seed);
  }

  @Override
  public String toString() {
    return name;
  }
}
