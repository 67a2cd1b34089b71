package io.jkeras.models;

import io.jkeras.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * One compiled function of a model for one set of input shapes: the placeholders it is fed (one
 * per model input, one per target), the tensors it fetches and the ops it runs. Built once, then
 * run at every step.
 */
final class GraphFunction {
  enum Kind { TRAIN, TEST, PREDICT }

  final Kind kind;
  final List<Placeholder<TFloat32>> xs = new ArrayList<>();
  final List<Placeholder<TFloat32>> ys = new ArrayList<>();
  final List<Operand<TFloat32>> outputs = new ArrayList<>();
  /** The total loss: the weighted sum over outputs, plus regularization. */
  Operand<TFloat32> loss;
  /** With several outputs, each output's own loss, logged as "{output}_loss". */
  final List<Operand<TFloat32>> outputLosses = new ArrayList<>();
  final List<String> outputLossNames = new ArrayList<>();
  /** The metrics, each with its name in the logs. */
  final List<Metric> metrics = new ArrayList<>();
  final List<String> metricNames = new ArrayList<>();
  /** Mean metrics: sum over the batch; stateful metrics: result after this step's update. */
  final List<Operand<TFloat32>> metricValues = new ArrayList<>();
  /** Mean metrics: values per sample (1, or timesteps for sequence outputs); 0 for stateful. */
  final List<Long> metricCounts = new ArrayList<>();
  final List<Op> targets = new ArrayList<>();

  GraphFunction(Kind kind) {
    this.kind = kind;
  }
}
