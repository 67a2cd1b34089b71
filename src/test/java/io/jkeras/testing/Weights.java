package io.jkeras.testing;

import io.jkeras.data.FloatArray;
import java.util.List;

/** Test helpers for a model's weight lists. */
public final class Weights {
  private Weights() {}

  /** All weights' values, one after the other, in list order. */
  public static float[] flat(List<FloatArray> ws) {
    int n = 0;
    for (FloatArray w : ws) n += w.data().length;
    float[] r = new float[n];
    int i = 0;
    for (FloatArray w : ws) for (float v : w.data()) r[i++] = v;
    return r;
  }
}
