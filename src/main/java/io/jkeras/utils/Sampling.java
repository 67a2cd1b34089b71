package io.jkeras.utils;

import java.util.Random;

/** Picking the next token from a softmax output, as text-generation loops do. */
public final class Sampling {
  private Sampling() {}

  /** The index of the largest probability (the tutorials' argmax). */
  public static int argmax(float[] probs) {
    int best = 0;
    for (int i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
    return best;
  }

  /**
   * Samples an index from {@code softmax(log(p) / temperature)}: temperature 1 samples from
   * {@code p} itself, lower values sharpen it towards the argmax, higher values flatten it;
   * temperature 0 is the argmax.
   */
  public static int sample(float[] probs, double temperature, Random random) {
    if (temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    if (temperature == 0) return argmax(probs);
    double[] w = new double[probs.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.log(Math.max(probs[i], 1e-12)) / temperature;
      max = Math.max(max, w[i]);
    }
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(w[i] - max);
      sum += w[i];
    }
    double r = random.nextDouble() * sum;
    for (int i = 0; i < w.length; i++) {
      r -= w[i];
      if (r <= 0) return i;
    }
    return w.length - 1;
  }
}
