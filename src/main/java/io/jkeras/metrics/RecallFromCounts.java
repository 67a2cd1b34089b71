package io.jkeras.metrics;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.framework.metrics.FalseNegatives;
import org.tensorflow.framework.metrics.TruePositives;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Keras's {@code Recall} (threshold 0.5): TP / (TP + FN), kept by the framework's own
 * TruePositives and FalseNegatives. The framework's {@code Recall.result()} (1.0.0) slices its
 * value with size 0 and returns an empty tensor, so the counts are combined here instead.
 */
final class RecallFromCounts implements org.tensorflow.framework.metrics.Metric {
  private final TruePositives<TFloat32> tp;
  private final FalseNegatives<TFloat32> fn;

  RecallFromCounts(long seed) {
    tp = new TruePositives<>(seed, TFloat32.class);
    fn = new FalseNegatives<>(seed, TFloat32.class);
  }

  @Override
  public List<Op> updateStateList(Ops tf, Operand<? extends TNumber> values, Operand<? extends TNumber> sampleWeights) {
    throw new UnsupportedOperationException("recall needs labels and predictions");
  }

  @Override
  public List<Op> updateStateList(Ops tf, Operand<? extends TNumber> labels, Operand<? extends TNumber> predictions,
      Operand<? extends TNumber> sampleWeights) {
    List<Op> r = new ArrayList<>(tp.updateStateList(tf, labels, predictions, sampleWeights));
    r.addAll(fn.updateStateList(tf, labels, predictions, sampleWeights));
    return r;
  }

  @Override
  public <T extends TNumber> Operand<T> result(Ops tf, Class<T> type) {
    Operand<T> t = tp.result(tf, type);
    return tf.math.divNoNan(t, tf.math.add(t, fn.result(tf, type)));
  }

  @Override
  public Op resetStates(Ops tf) {
    return tf.withControlDependencies(List.of(tp.resetStates(tf), fn.resetStates(tf))).noOp();
  }

  @Override
  public Op updateState(Ops tf, Operand<? extends TNumber> values, Operand<? extends TNumber> sampleWeights) {
    throw new UnsupportedOperationException("recall needs labels and predictions");
  }

  @Override
  public Op updateState(Ops tf, Operand<? extends TNumber> labels, Operand<? extends TNumber> predictions,
      Operand<? extends TNumber> sampleWeights) {
    return tf.withControlDependencies(updateStateList(tf, labels, predictions, sampleWeights)).noOp();
  }

  @Override
  public <T extends TNumber> Operand<T> callOnce(Ops tf, Operand<? extends TNumber> values,
      Operand<? extends TNumber> sampleWeights, Class<T> type) {
    throw new UnsupportedOperationException("recall needs labels and predictions");
  }
}
