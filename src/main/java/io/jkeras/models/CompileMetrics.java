package io.jkeras.models;

import io.jkeras.Keras;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.metrics.Metric;
import io.jkeras.metrics.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The metrics a model is compiled with (Keras 3's {@code compile_utils.CompileMetrics}, with the
 * trainer's loss trackers): per output, resolved once for that output's targets ("accuracy"
 * becomes the accuracy that fits them), added to each train and test function, and averaged over
 * the batches of an epoch into Keras's logs. With several outputs a metric is logged as
 * "{output}_{metric}" and each output's loss as "{output}_loss", as Keras names them. Stateful
 * metrics (AUC, precision...) keep their variables, by logged name, for the model's life, across
 * recompiles; they are reset whenever tracking starts.
 */
final class CompileMetrics {
  /** Metric names per output (one list, used for every output, when compiled with a plain list). */
  private List<List<String>> perOutput = List.of();
  private boolean shared = true;
  private final Map<Integer, List<Metric>> resolved = new HashMap<>();
  private final Map<String, org.tensorflow.framework.metrics.Metric> stateful = new HashMap<>();
  private final Map<String, Op> resets = new HashMap<>();

  /** The same metric names for every output (Keras's {@code metrics=["accuracy"]}). */
  void compile(List<String> metricNames) {
    this.perOutput = List.of(List.copyOf(metricNames));
    this.shared = true;
    this.resolved.clear();
  }

  /** Metric names per output, in output order (Keras's {@code metrics={"out": [...]}} or a list of lists). */
  void compilePerOutput(List<List<String>> metricNames) {
    List<List<String>> copy = new ArrayList<>();
    for (List<String> l : metricNames) copy.add(l == null ? List.of() : List.copyOf(l));
    this.perOutput = copy;
    this.shared = false;
    this.resolved.clear();
  }

  /** The compiled metric names: the plain names, or with several outputs "{output}_{metric}". */
  List<String> names(List<String> outputNames) {
    List<String> r = new ArrayList<>();
    for (int o = 0; o < outputNames.size(); o++) {
      for (String n : namesFor(o)) r.add(outputNames.size() > 1 ? outputNames.get(o) + "_" + n : n);
    }
    return r;
  }

  List<String> namesFor(int output) {
    if (shared) return perOutput.isEmpty() ? List.of() : perOutput.get(0);
    return output < perOutput.size() ? perOutput.get(output) : List.of();
  }

  /**
   * Adds each metric of output {@code o} for one step to {@code f}, computed from its targets
   * {@code y} (of shape {@code yShape}) and the output's raw value; {@code prefix} is "" or "{output}_".
   */
  void addTo(GraphFunction f, ModelRuntime rt, Ops tf, int o, String prefix, Placeholder<TFloat32> y, long[] yShape,
      Operand<TFloat32> raw) {
    for (Metric m : resolve(o, yShape, raw.shape().asArray())) {
      Ops mt = tf.withSubScope("metrics");
      long seed = Keras.nextSeed();
      String name = prefix + m.name();
      f.metrics.add(m);
      f.metricNames.add(name);
      if (m.isStateful()) {
        org.tensorflow.framework.metrics.Metric sm = stateful.computeIfAbsent(name, k -> m.newStateful(seed));
        Ops root = rt.tf();
        List<Op> updates = sm.updateStateList(root, y, raw, null);
        // The result must read the variables after this batch's update: built under the control
        // dependency (an identity of a result built outside it could read the previous state).
        Ops afterUpdates = root.withControlDependencies(updates);
        f.metricValues.add(afterUpdates.identity(sm.result(afterUpdates, TFloat32.class)));
        f.metricCounts.add(0L);
        resets.computeIfAbsent(name, k -> sm.resetStates(root));
      } else {
        f.metricValues.add(m.valueSum(mt, seed, y, raw));
        f.metricCounts.add(m.valuesPerSample(mt, seed, y, raw));
      }
    }
  }

  private List<Metric> resolve(int o, long[] yShape, long[] outShape) {
    List<Metric> r = resolved.get(o);
    if (r == null) {
      r = new ArrayList<>();
      for (String n : namesFor(o)) {
        r.add(Metrics.get(n, yShape.length, yShape[yShape.length - 1], outShape.length, outShape[outShape.length - 1]));
      }
      resolved.put(o, r);
    }
    return r;
  }

  /** Resets the stateful metrics and starts averaging the steps of {@code f} (an epoch, an evaluation). */
  Tracker track(GraphFunction f, ModelRuntime rt) {
    rt.runTargets(new ArrayList<>(resets.values()));
    return new Tracker(f);
  }

  /**
   * Running means of the loss, the per-output losses and the mean metrics over an epoch, Keras's
   * way (weighted by samples). A step's values come as [loss, output losses..., metrics...].
   */
  static final class Tracker {
    private final GraphFunction f;
    private final int losses;
    private final double[] lossSums;
    private long samples;
    private final double[] sums;
    private final double[] counts;
    private final double[] latest;

    private Tracker(GraphFunction f) {
      this.f = f;
      losses = 1 + f.outputLosses.size();
      lossSums = new double[losses];
      sums = new double[f.metricValues.size()];
      counts = new double[sums.length];
      latest = new double[sums.length];
    }

    /** Adds one step of {@code batch} samples: {@code values} as a step gives them. */
    void add(int batch, float[] values) {
      for (int i = 0; i < losses; i++) lossSums[i] += (double) values[i] * batch;
      samples += batch;
      for (int i = 0; i < sums.length; i++) {
        long per = f.metricCounts.get(i);
        if (per == 0) {
          latest[i] = values[losses + i];
        } else {
          sums[i] += values[losses + i];
          counts[i] += (double) per * batch;
        }
      }
    }

    /** The logs so far: "loss", each output's loss, then each metric, prefixed ("val_" for validation). */
    Map<String, Double> logs(String prefix) {
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put(prefix + "loss", samples == 0 ? Double.NaN : lossSums[0] / samples);
      for (int i = 1; i < losses; i++) {
        logs.put(prefix + f.outputLossNames.get(i - 1), samples == 0 ? Double.NaN : lossSums[i] / samples);
      }
      for (int i = 0; i < sums.length; i++) {
        Metric m = f.metrics.get(i);
        double v = f.metricCounts.get(i) == 0 ? latest[i] : sums[i] / counts[i];
        if (m.sqrtOfMean()) v = Math.sqrt(v);
        logs.put(prefix + f.metricNames.get(i), v);
      }
      return logs;
    }
  }
}
