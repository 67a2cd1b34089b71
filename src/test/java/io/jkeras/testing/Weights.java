package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jkeras.data.FloatArray;
import java.util.List;
import java.util.Random;

/** Test helpers for a model's weight lists, and random test data. */
public final class Weights {
  private Weights() {}

  /** {@code n} samples of {@code d} standard normal values, the same for the same {@code seed}. */
  public static FloatArray gaussian(long seed, int n, int d) {
    Random r = new Random(seed);
    float[] v = new float[n * d];
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    return new FloatArray(v, n, d);
  }

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
