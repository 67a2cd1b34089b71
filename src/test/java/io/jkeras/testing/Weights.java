package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

  /** Largest |a - b| over two arrays of one shape; NaN where any difference is NaN, so that no bound holds. */
  public static double maxAbsDiff(FloatArray a, FloatArray b) {
    assertArrayEquals(a.shape(), b.shape(), "shapes");
    return maxAbsDiff(a.data(), b.data());
  }

  /** The same over two weight lists, array by array (same count, same shapes). */
  public static double maxAbsDiff(List<FloatArray> a, List<FloatArray> b) {
    assertEquals(a.size(), b.size(), "number of arrays");
    double worst = 0;
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).shape(), b.get(i).shape(), "shape of array " + i);
      double d = maxAbsDiff(a.get(i).data(), b.get(i).data());
      if (Double.isNaN(d)) return d;
      worst = Math.max(worst, d);
    }
    return worst;
  }

  public static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "number of values");
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs((double) a[i] - b[i]);
      if (Double.isNaN(d)) return d;
      worst = Math.max(worst, d);
    }
    return worst;
  }
}
