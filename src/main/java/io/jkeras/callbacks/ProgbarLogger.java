package io.jkeras.callbacks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's progress output. verbose=1: a live bar per epoch ({@code 12/25 [=====>....] - ETA: 1s
 * - loss: 0.6931 - accuracy: 0.5000}), redrawn at most every 50 ms; verbose=2: one line per epoch.
 * When the output is not a terminal, verbose=1 prints only each epoch's final line.
 */
public final class ProgbarLogger extends Callback {
  private static final int WIDTH = 30;
  private final int verbose;
  private final PrintStream out;
  private final boolean dynamic;
  private int epochs;
  private int steps;
  private long epochStart;
  private long lastDraw;
  private int lastLength;

  public ProgbarLogger(int verbose, int epochs, int steps) {
    this(verbose, epochs, steps, System.out,
        System.console() != null || Boolean.getBoolean("jkeras.progress.dynamic"));
  }

  public ProgbarLogger(int verbose, int epochs, int steps, PrintStream out, boolean dynamic) {
    this.verbose = verbose;
    this.epochs = epochs;
    this.steps = steps;
    this.out = out;
    this.dynamic = dynamic;
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    out.println("Epoch " + (epoch + 1) + "/" + epochs);
    epochStart = System.nanoTime();
    lastDraw = 0;
    lastLength = 0;
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    if (verbose != 1 || !dynamic) return;
    long now = System.nanoTime();
    if (batch + 1 < steps && now - lastDraw < 50_000_000L) return;
    lastDraw = now;
    int done = batch + 1;
    double elapsed = (now - epochStart) / 1e9;
    double eta = done < steps ? elapsed / done * (steps - done) : 0;
    StringBuilder b = new StringBuilder();
    b.append(pad(done)).append('/').append(steps).append(' ').append(bar(done));
    b.append(done < steps ? " - ETA: " + formatTime(eta) : " - " + formatTime(elapsed));
    appendLogs(b, logs);
    String line = b.toString();
    int extra = Math.max(0, lastLength - line.length());
    out.print("\r" + line + " ".repeat(extra));
    out.flush();
    lastLength = line.length();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double elapsed = (System.nanoTime() - epochStart) / 1e9;
    StringBuilder b = new StringBuilder();
    b.append(steps).append('/').append(steps);
    if (verbose == 1) b.append(' ').append(bar(steps));
    b.append(" - ").append(formatTime(elapsed)).append(" - ")
        .append(formatStep(elapsed / Math.max(1, steps))).append("/step");
    appendLogs(b, logs);
    String line = b.toString();
    if (verbose == 1 && dynamic) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())) + "\n");
    } else {
      out.println(line);
    }
    out.flush();
  }

  private String pad(int done) {
    String s = Integer.toString(done);
    return " ".repeat(Math.max(0, Integer.toString(steps).length() - s.length())) + s;
  }

  private String bar(int done) {
    int filled = (int) ((long) WIDTH * done / Math.max(1, steps));
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < WIDTH; i++) {
      if (i < filled - 1 || (i == filled - 1 && done == steps)) b.append('=');
      else if (i == filled - 1 || (i == filled && filled == 0 && false)) b.append('>');
      else b.append('.');
    }
    return b.append(']').toString();
  }

  private static void appendLogs(StringBuilder b, Map<String, Double> logs) {
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      b.append(" - ").append(e.getKey()).append(": ").append(formatValue(e.getValue()));
    }
  }

  static String formatValue(double v) {
    if (Math.abs(v) >= 1e-3 || v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return String.format(Locale.ROOT, "%.4f", v);
    }
    return String.format(Locale.ROOT, "%.4e", v);
  }

  private static String formatTime(double seconds) {
    if (seconds >= 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", (int) seconds / 3600, (int) seconds % 3600 / 60, (int) seconds % 60);
    if (seconds >= 60) return String.format(Locale.ROOT, "%d:%02d", (int) seconds / 60, (int) seconds % 60);
    return String.format(Locale.ROOT, "%ds", (int) Math.round(seconds));
  }

  private static String formatStep(double seconds) {
    if (seconds >= 1) return String.format(Locale.ROOT, "%.0fs", seconds);
    if (seconds >= 1e-3) return String.format(Locale.ROOT, "%.0fms", seconds * 1e3);
    return String.format(Locale.ROOT, "%.0fus", seconds * 1e6);
  }
}
