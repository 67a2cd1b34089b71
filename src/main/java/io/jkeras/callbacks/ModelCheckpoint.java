package io.jkeras.callbacks;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code ModelCheckpoint}: saves the model after every epoch (or only when the monitored
 * value improves, with {@code save_best_only}) as a jkeras model directory that is also a
 * TensorFlow SavedModel, written to a temporary directory and renamed into place. The path may use {@code {epoch}} and log keys: "ckpt/epoch-{epoch:02d}".
 */
public final class ModelCheckpoint extends Callback {
  private final String filepath;
  private String monitor = "val_loss";
  private boolean saveBestOnly;
  private String mode = "auto";
  private int verbose;
  private double best = Double.NaN;
  private boolean savedModel = true;

  public ModelCheckpoint(String filepath) {
    this.filepath = filepath;
  }

  public ModelCheckpoint monitor(String monitor) {
    this.monitor = monitor;
    return this;
  }

  public ModelCheckpoint saveBestOnly(boolean b) {
    this.saveBestOnly = b;
    return this;
  }

  /** "auto" (max for accuracy-like keys, min otherwise), "min" or "max". */
  public ModelCheckpoint mode(String mode) {
    if (!mode.equals("auto") && !mode.equals("min") && !mode.equals("max")) {
      throw new IllegalArgumentException("ModelCheckpoint: mode must be auto, min or max, got " + mode);
    }
    this.mode = mode;
    return this;
  }

  /** Whether each checkpoint is also a TensorFlow SavedModel (default true). */
  public ModelCheckpoint savedModel(boolean b) {
    this.savedModel = b;
    return this;
  }

  public ModelCheckpoint verbose(int v) {
    this.verbose = v;
    return this;
  }

  private boolean maximize() {
    if (mode.equals("max")) return true;
    if (mode.equals("min")) return false;
    return monitor.contains("acc") || monitor.startsWith("fmeasure") || monitor.contains("auc");
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Path target = Paths.get(format(filepath, epoch + 1, logs));
    if (saveBestOnly) {
      Double v = logs.get(monitor);
      if (v == null) {
        System.err.println("WARNING: ModelCheckpoint: can save best model only with " + monitor + " available, skipping");
        return;
      }
      boolean better = Double.isNaN(best) || (maximize() ? v > best : v < best);
      if (!better) {
        if (verbose > 0) System.out.printf(Locale.ROOT, "%nEpoch %d: %s did not improve from %.5f%n", epoch + 1, monitor, best);
        return;
      }
      if (verbose > 0) {
        System.out.printf(Locale.ROOT, "%nEpoch %d: %s improved from %.5f to %.5f, saving model to %s%n", epoch + 1, monitor, best, v, target);
      }
      best = v;
    } else if (verbose > 0) {
      System.out.printf(Locale.ROOT, "%nEpoch %d: saving model to %s%n", epoch + 1, target);
    }
    model().saveCheckpoint(target, savedModel);
  }

  /** Python-style "{epoch:02d}" and "{val_loss:.2f}" placeholders. */
  static String format(String pattern, int epoch, Map<String, Double> logs) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      int open = pattern.indexOf('{', i);
      if (open < 0) {
        out.append(pattern.substring(i));
        break;
      }
      int close = pattern.indexOf('}', open);
      if (close < 0) throw new IllegalArgumentException("ModelCheckpoint: unbalanced '{' in " + pattern);
      out.append(pattern, i, open);
      String spec = pattern.substring(open + 1, close);
      String key = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
      String fmt = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
      Object value;
      if (key.equals("epoch")) value = epoch;
      else if (logs.containsKey(key)) value = logs.get(key);
      else throw new IllegalArgumentException("ModelCheckpoint: unknown key '" + key + "' in " + pattern + "; logs have " + logs.keySet());
      if (fmt == null) out.append(value);
      else out.append(String.format(Locale.ROOT, "%" + fmt.replace("d", value instanceof Integer ? "d" : ".0f"), value));
      i = close + 1;
    }
    return out.toString();
  }
}
