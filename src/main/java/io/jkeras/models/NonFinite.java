package io.jkeras.models;

import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What {@code predict} does about NaN and infinite values in its inputs and in the model's
 * weights: TensorFlow computes on and returns them (NaN outputs) without a word. Training stops
 * on a NaN loss with {@code TerminateOnNaN}; this is the prediction side.
 *
 * <p>{@link Policy#WARN} (the default) prints one line per {@code predict} call to standard
 * error ({@code jkeras: warning: ...}) naming the inputs and weights that hold such values;
 * {@link Policy#FAIL} throws {@link NonFiniteException} before anything runs; {@link Policy#IGNORE}
 * checks nothing. Inputs are scanned on every call (one pass over the array); weights once after
 * each change (load, set, training). The default comes from the system property
 * {@code jkeras.nonFinite} ({@code warn}, {@code fail} or {@code ignore}); a model or SavedModel
 * takes its own with {@code nonFinitePolicy(...)}; the CLI's {@code predict --strict-finite} fails.
 */
public final class NonFinite {
  private NonFinite() {}

  /** What to do on non-finite values. */
  public enum Policy {
    /** Check nothing (TensorFlow's behaviour). */
    IGNORE,
    /** Print one warning per call to standard error and go on. */
    WARN,
    /** Throw {@link NonFiniteException} before running. */
    FAIL;

    /** {@code jkeras.nonFinite}, or WARN. */
    public static Policy fromSystemProperty() {
      String v = System.getProperty("jkeras.nonFinite");
      if (v == null) return WARN;
      try {
        return valueOf(v.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("system property jkeras.nonFinite must be warn, fail or ignore, got '" + v + "'");
      }
    }
  }

  /** Thrown under {@link Policy#FAIL}: names each input or weight holding NaN or infinite values. */
  public static final class NonFiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NonFiniteException(String message) {
      super(message);
    }
  }

  /**
   * "input 'x': 2 of 6 values are NaN or infinite (first at sample 0)", or null when every value
   * of {@code a} is finite.
   */
  private static final ThreadLocal<String> SOURCE = new ThreadLocal<>();

  /**
   * Runs {@code work} with {@code source} (the files the values came from: "input x.npy; model
   * m.keras") named in every report it makes on this thread, as the command line does.
   */
  public static <T> T withSource(String source, Supplier<T> work) {
    String previous = SOURCE.get();
    SOURCE.set(source);
    try {
      return work.get();
    } finally {
      if (previous == null) SOURCE.remove();
      else SOURCE.set(previous);
    }
  }

  public static String describe(String what, FloatArray a) {
    float[] d = a.data();
    long bad = 0;
    int first = -1;
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        if (first < 0) first = i;
        bad++;
      }
    }
    if (bad == 0) return null;
    int row = Math.max(1, a.rowSize());
    return what + ": " + bad + " of " + d.length + " values are NaN or infinite (first at sample " + first / row + ")";
  }

  /**
   * Applies {@code policy} to the problems found ({@code problems} from {@link #describe}, nulls
   * skipped): nothing, one warning line, or an exception. {@code where} names the call
   * ("predict on model m").
   */
  public static void report(Policy policy, String where, List<String> problems) {
    List<String> found = new ArrayList<>();
    for (String p : problems) if (p != null) found.add(p);
    if (found.isEmpty() || policy == Policy.IGNORE) return;
    String source = SOURCE.get();
    String msg = where + (source != null ? " (" + source + ")" : "") + ": " + String.join("; ", found);
    if (policy == Policy.FAIL) throw new NonFiniteException(msg + " (refused: non-finite values are not allowed here)");
    System.err.println("jkeras: warning: " + msg + "; outputs computed from them are NaN or infinite");
    System.err.flush();
  }
}
