package io.jkeras.callbacks;

import io.jkeras.data.FloatArray;
import io.jkeras.metrics.Metrics;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras's {@code EarlyStopping}: stops training when the monitored quantity has stopped
 * improving. Defaults as Keras 3: monitor "val_loss", min_delta 0, patience 0, verbose 0, mode
 * "auto", baseline none, restore_best_weights false, start_from_epoch 0.
 *
 * <p>Mode "auto" takes the direction from the name ("loss" and "val_loss" decrease) or from the
 * compiled metric of that name (accuracy, precision, AUC... increase; errors decrease), and fails
 * as Keras does when it cannot tell. A monitored key missing from the logs is warned about on
 * stderr and the epoch is skipped, as Keras does.
 */
public final class EarlyStopping extends Callback {
  private String monitor = "val_loss";
  private double minDelta = 0;
  private int patience = 0;
  private int verbose = 0;
  private String mode = "auto";
  private Double baseline;
  private boolean restoreBestWeights;
  private int startFromEpoch;

  /** Keras's {@code monitor_op}: null until the first epoch end, then whether lower is better. */
  private Boolean lowerIsBetter;
  private double signedMinDelta;
  private double best;
  private int wait;
  private int stoppedEpoch;
  private int bestEpoch;
  private List<FloatArray> bestWeights;
  private final Set<String> warned = new HashSet<>();

  public EarlyStopping() {}

  public EarlyStopping monitor(String monitor) {
    if (monitor == null) throw new IllegalArgumentException("EarlyStopping: monitor is null");
    this.monitor = monitor;
    this.lowerIsBetter = null;
    return this;
  }

  /** The smallest change that counts as an improvement (its absolute value is used). */
  public EarlyStopping minDelta(double minDelta) {
    this.minDelta = Math.abs(minDelta);
    this.lowerIsBetter = null;
    return this;
  }

  public EarlyStopping patience(int patience) {
    this.patience = patience;
    return this;
  }

  /** 0 silent, 1 prints when it stops and when it restores weights. */
  public EarlyStopping verbose(int verbose) {
    this.verbose = verbose;
    return this;
  }

  /** "auto", "min" or "max"; anything else warns and falls back to "auto", as Keras. */
  public EarlyStopping mode(String mode) {
    if (!"auto".equals(mode) && !"min".equals(mode) && !"max".equals(mode)) {
      PyCompat.warn(warned, "EarlyStopping mode " + mode + " is unknown, fallback to auto mode.");
      mode = "auto";
    }
    this.mode = mode;
    this.lowerIsBetter = null;
    return this;
  }

  /** Training stops if the model does not improve on this value (null: no baseline). */
  public EarlyStopping baseline(Double baseline) {
    this.baseline = baseline;
    return this;
  }

  public EarlyStopping restoreBestWeights(boolean restore) {
    this.restoreBestWeights = restore;
    return this;
  }

  /** Epochs to wait before monitoring starts (warm-up). */
  public EarlyStopping startFromEpoch(int epoch) {
    this.startFromEpoch = epoch;
    return this;
  }

  /** The epoch (0-based) at which training was stopped, 0 if it was not. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The epoch (0-based) with the best monitored value. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The best monitored value so far (+-infinity before any). */
  public double best() {
    return best;
  }

  /** Epochs since the last improvement. */
  public int waitCount() {
    return wait;
  }

  private void setMonitorOp() {
    Boolean lower = null;
    if (mode.equals("min")) {
      lower = true;
    } else if (mode.equals("max")) {
      lower = false;
    } else {
      String metricName = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
      if (metricName.equals("loss")) lower = true;
      if (model() != null) {
        for (String m : model().metricNames()) {
          if (m.equals(metricName)) {
            String direction = Metrics.direction(m);
            if ("up".equals(direction)) lower = false;
            else if ("down".equals(direction)) lower = true;
          }
        }
      }
    }
    if (lower == null) {
      throw new IllegalArgumentException("EarlyStopping callback received monitor=" + monitor
          + " but Keras isn't able to automatically determine whether that metric should be maximized"
          + " or minimized. Pass `mode='max'` in order to do early stopping based on the highest metric"
          + " value, or pass `mode='min'` in order to use the lowest value.");
    }
    lowerIsBetter = lower;
    signedMinDelta = lower ? -minDelta : minDelta;
    best = lower ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    // Allows the instance to be reused; like Keras, the best value itself is kept.
    wait = 0;
    stoppedEpoch = 0;
    bestWeights = null;
    bestEpoch = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (lowerIsBetter == null) setMonitorOp();
    Double current = logs == null ? null : logs.get(monitor);
    if (current == null) {
      PyCompat.warn(warned, "Early stopping conditioned on metric `" + monitor + "` which is not available. "
          + "Available metrics are: " + (logs == null ? "" : PyCompat.keys(logs)));
    }
    if (current == null || epoch < startFromEpoch) return;
    if (restoreBestWeights && bestWeights == null) {
      // Until something improves, the current weights are the best.
      bestWeights = model().getWeights();
      bestEpoch = epoch;
    }
    wait += 1;
    if (isImprovement(current, best)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) bestWeights = model().getWeights();
      // The wait restarts only when both the baseline and the previous best are beaten.
      if (baseline == null || isImprovement(current, baseline)) wait = 0;
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      model().stopTraining(true);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (stoppedEpoch > 0 && verbose > 0) {
      PyCompat.print("Epoch " + (stoppedEpoch + 1) + ": early stopping");
    }
    if (restoreBestWeights && bestWeights != null) {
      if (verbose > 0) {
        PyCompat.print("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
      }
      model().setWeights(bestWeights);
    }
  }

  private boolean isImprovement(double value, double reference) {
    return lowerIsBetter ? value - signedMinDelta < reference : value - signedMinDelta > reference;
  }
}
