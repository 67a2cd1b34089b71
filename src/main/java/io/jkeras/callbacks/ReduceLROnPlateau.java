package io.jkeras.callbacks;

import io.jkeras.optimizers.Optimizer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keras's {@code ReduceLROnPlateau}: multiplies the learning rate by {@code factor} when the
 * monitored quantity has not improved by more than {@code min_delta} for {@code patience} epochs,
 * then waits {@code cooldown} epochs, never going below {@code min_lr}. Defaults as Keras 3:
 * monitor "val_loss", factor 0.1, patience 10, verbose 0, mode "auto" (max if the monitor's name
 * contains "acc", else min), min_delta 1e-4, cooldown 0, min_lr 0. Logs "learning_rate" into the
 * epoch logs, as Keras 3 does.
 */
public final class ReduceLROnPlateau extends Callback {
  private String monitor = "val_loss";
  private double factor = 0.1;
  private int patience = 10;
  private int verbose = 0;
  private String mode = "auto";
  private double minDelta = 1e-4;
  private int cooldown = 0;
  private double minLr = 0;

  private boolean lowerIsBetter;
  private double best;
  private int wait;
  private int cooldownCounter;
  private final Set<String> warned = new HashSet<>();

  public ReduceLROnPlateau() {
    reset();
  }

  public ReduceLROnPlateau monitor(String monitor) {
    if (monitor == null) throw new IllegalArgumentException("ReduceLROnPlateau: monitor is null");
    this.monitor = monitor;
    reset();
    return this;
  }

  /** The factor the rate is multiplied by; must be below 1. */
  public ReduceLROnPlateau factor(double factor) {
    if (factor >= 1.0) {
      throw new IllegalArgumentException("ReduceLROnPlateau does not support a factor >= 1.0. Received factor=" + PyCompat.repr(factor));
    }
    this.factor = factor;
    return this;
  }

  public ReduceLROnPlateau patience(int patience) {
    this.patience = patience;
    return this;
  }

  public ReduceLROnPlateau verbose(int verbose) {
    this.verbose = verbose;
    return this;
  }

  /** "auto", "min" or "max"; anything else warns and falls back to "auto", as Keras. */
  public ReduceLROnPlateau mode(String mode) {
    this.mode = mode;
    reset();
    return this;
  }

  public ReduceLROnPlateau minDelta(double minDelta) {
    this.minDelta = minDelta;
    return this;
  }

  public ReduceLROnPlateau cooldown(int cooldown) {
    this.cooldown = cooldown;
    return this;
  }

  public ReduceLROnPlateau minLr(double minLr) {
    this.minLr = minLr;
    return this;
  }

  /** The best monitored value so far. */
  public double best() {
    return best;
  }

  /** Epochs since the last improvement (outside cooldown). */
  public int waitCount() {
    return wait;
  }

  private void reset() {
    if (!"auto".equals(mode) && !"min".equals(mode) && !"max".equals(mode)) {
      PyCompat.warn(warned, "Learning rate reduction mode " + mode + " is unknown, fallback to auto mode.");
      mode = "auto";
    }
    lowerIsBetter = mode.equals("min") || (mode.equals("auto") && !monitor.contains("acc"));
    best = lowerIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    cooldownCounter = 0;
    wait = 0;
  }

  private boolean improves(double current, double reference) {
    return lowerIsBetter ? current < reference - minDelta : current > reference + minDelta;
  }

  private boolean inCooldown() {
    return cooldownCounter > 0;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    reset();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Optimizer optimizer = model().optimizer();
    logs.put("learning_rate", (double) optimizer.learningRate());
    Double current = logs.get(monitor);
    if (current == null) {
      PyCompat.warn(warned, "Learning rate reduction is conditioned on metric `" + monitor
          + "` which is not available. Available metrics are: " + PyCompat.keys(logs) + ".");
      return;
    }
    if (inCooldown()) {
      cooldownCounter -= 1;
      wait = 0;
    }
    if (improves(current, best)) {
      best = current;
      wait = 0;
    } else if (!inCooldown()) {
      wait += 1;
      if (wait >= patience) {
        double oldLr = optimizer.learningRate();
        if (oldLr > (double) (float) minLr) {
          double newLr = Math.max(oldLr * factor, minLr);
          optimizer.setLearningRate((float) newLr);
          if (verbose > 0) {
            PyCompat.print("\nEpoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to " + PyCompat.repr(newLr) + ".");
          }
          cooldownCounter = cooldown;
          wait = 0;
        }
      }
    }
  }
}
