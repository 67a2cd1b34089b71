package io.jkeras.models;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * One compiled function of a model for one input shape: the placeholders it is fed, the
 * tensors it fetches and the ops it runs. Built once, then run at every step.
 */
final class GraphFunction {
  enum Kind { TRAIN, TEST, PREDICT }

  final Kind kind;
  Placeholder<TFloat32> x;
  Placeholder<TFloat32> y;
  Operand<TFloat32> output;
  Operand<TFloat32> loss;
  /** Mean metrics: sum over the batch; stateful metrics: result after this step's update. */
  final List<Operand<TFloat32>> metricValues = new ArrayList<>();
  /** Mean metrics: values per sample (1, or timesteps for sequence outputs); 0 for stateful. */
  final List<Long> metricCounts = new ArrayList<>();
  final List<Op> targets = new ArrayList<>();

  GraphFunction(Kind kind) {
    this.kind = kind;
  }
}
