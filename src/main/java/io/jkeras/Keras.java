package io.jkeras;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Process-wide Keras state: the random seed and the per-class counters that name layers
 * ({@code lstm}, {@code lstm_1}, ...), as {@code keras.utils.set_random_seed} and
 * {@code keras.backend.clear_session} manage them in Python.
 */
public final class Keras {
  /** The Keras version whose semantics jkeras follows when it writes configs. */
  public static final String KERAS_VERSION = "3.10.0";

  private static final Map<String, Integer> UIDS = new HashMap<>();
  private static Random seedSource = new Random();
  private static Long globalSeed;

  private Keras() {}

  /** Makes weight initialization, dropout and shuffling repeatable from run to run. */
  public static synchronized void setRandomSeed(long seed) {
    globalSeed = seed;
    seedSource = new Random(seed);
  }

  /** The seed set with {@link #setRandomSeed}, or null when runs are not seeded. */
  public static synchronized Long randomSeed() {
    return globalSeed;
  }

  /** Draws the next seed for an initializer, a dropout op or a shuffle. */
  public static synchronized long nextSeed() {
    return seedSource.nextLong() & 0x7fffffffffffL;
  }

  /** Keras's {@code backend.get_uid}: "lstm" the first time, then "lstm_1", "lstm_2"... */
  public static synchronized String uniqueName(String prefix) {
    int n = UIDS.merge(prefix, 1, Integer::sum) - 1;
    return n == 0 ? prefix : prefix + "_" + n;
  }

  /** Resets layer-name counters (Keras's {@code clear_session}); keeps the seed sequence. */
  public static synchronized void clearSession() {
    UIDS.clear();
    if (globalSeed != null) {
      seedSource = new Random(globalSeed);
    }
  }
}
