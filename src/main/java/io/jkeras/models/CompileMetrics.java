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
import org.tensorflow.types.TFloat32;

/**
 * The metrics a model is compiled with (Keras 3's {@code compile_utils.CompileMetrics}, with the
 * trainer's loss tracker): resolved once for the model's targets and output ("accuracy" becomes
 * the accuracy that fits them), added to each train and test function, and averaged over the
 * batches of an epoch into Keras's logs. Stateful metrics (AUC, precision...) keep their
 * variables, by name, for the model's life, across recompiles; they are reset whenever tracking
 * starts.
 */
final class CompileMetrics {
  private List<String> names = List.of();
  private List<Metric> resolved;
  private final Map<String, org.tensorflow.framework.metrics.Metric> stateful = new HashMap<>();
  private final Map<String, Op> resets = new HashMap<>();

  /** Takes the names given to compile; they are resolved when the next function is built. */
  void compile(List<String> metricNames) {
    this.names = metricNames;
    this.resolved = null;
  }

  List<String> names() {
    return names;
  }

  /**
   * Adds each metric's value for one step to {@code f}, computed from its targets {@code f.y}
   * (of shape {@code yShape}) and the model's raw output.
   */
  void addTo(GraphFunction f, ModelRuntime rt, Ops tf, long[] yShape, Operand<TFloat32> raw) {
    for (Metric m : resolve(yShape, raw.shape().asArray())) {
      Ops mt = tf.withSubScope("metrics");
      long seed = Keras.nextSeed();
      if (m.isStateful()) {
        org.tensorflow.framework.metrics.Metric sm = stateful.computeIfAbsent(m.name(), k -> m.newStateful(seed));
        Ops root = rt.tf();
        List<Op> updates = sm.updateStateList(root, f.y, raw, null);
        // The result must read the variables after this batch's update: built under the control
        // dependency (an identity of a result built outside it could read the previous state).
        Ops afterUpdates = root.withControlDependencies(updates);
        f.metricValues.add(afterUpdates.identity(sm.result(afterUpdates, TFloat32.class)));
        f.metricCounts.add(0L);
        resets.computeIfAbsent(m.name(), k -> sm.resetStates(root));
      } else {
        f.metricValues.add(m.valueSum(mt, seed, f.y, raw));
        f.metricCounts.add(m.valuesPerSample(mt, seed, f.y, raw));
      }
    }
  }

  private List<Metric> resolve(long[] yShape, long[] outShape) {
    if (resolved == null) {
      List<Metric> r = new ArrayList<>();
      for (String n : names) {
        r.add(Metrics.get(n, yShape.length, yShape[yShape.length - 1], outShape.length, outShape[outShape.length - 1]));
      }
      resolved = r;
    }
    return resolved;
  }

  /** Resets the stateful metrics and starts averaging the steps of {@code f} (an epoch, an evaluation). */
  Tracker track(GraphFunction f, ModelRuntime rt) {
    rt.runTargets(new ArrayList<>(resets.values()));
    return new Tracker(f);
  }

  /** Running means of the loss and mean metrics over an epoch, Keras's way (weighted by samples). */
  final class Tracker {
    private final GraphFunction f;
    private double lossSum;
    private long samples;
    private final double[] sums;
    private final double[] counts;
    private final double[] latest;

    private Tracker(GraphFunction f) {
      this.f = f;
      sums = new double[f.metricValues.size()];
      counts = new double[sums.length];
      latest = new double[sums.length];
    }

    /** Adds one step of {@code batch} samples: {@code values} as a step gives them, [loss, metric values...]. */
    void add(int batch, float[] values) {
      lossSum += (double) values[0] * batch;
      samples += batch;
      for (int i = 0; i < sums.length; i++) {
        long per = f.metricCounts.get(i);
        if (per == 0) {
          latest[i] = values[1 + i];
        } else {
          sums[i] += values[1 + i];
          counts[i] += (double) per * batch;
        }
      }
    }

    /** The logs so far: "loss" then each metric, their names prefixed (with "val_" for validation). */
    Map<String, Double> logs(String prefix) {
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put(prefix + "loss", samples == 0 ? Double.NaN : lossSum / samples);
      for (int i = 0; i < sums.length; i++) {
        Metric m = resolved.get(i);
        double v = f.metricCounts.get(i) == 0 ? latest[i] : sums[i] / counts[i];
        if (m.sqrtOfMean()) v = Math.sqrt(v);
        logs.put(prefix + m.name(), v);
      }
      return logs;
    }
  }
}
