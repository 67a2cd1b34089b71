package io.jkeras.testing;

import io.jkeras.initializers.Initializer;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Samples of jkeras initializers and the statistics the initializer tests compare with Keras's
 * formulas: moments, exact CDFs of the uniform, normal and two-sigma truncated normal, and
 * Kolmogorov-Smirnov distances (one sample against a CDF, or two samples).
 */
public final class Distributions {
  private Distributions() {}

  /** The initial value jkeras gives a weight of {@code shape}. */
  public static float[] draw(Initializer init, long[] shape, long seed) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> v = init.call(tf, shape, seed);
      try (TFloat32 t = (TFloat32) s.runner().fetch(v).run().get(0)) {
        float[] out = new float[(int) t.size()];
        t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
        return out;
      }
    }
  }

  public static double mean(float[] x) {
    double s = 0;
    for (float v : x) s += v;
    return s / x.length;
  }

  public static double variance(float[] x) {
    double m = mean(x), s = 0;
    for (float v : x) s += (v - m) * (v - m);
    return s / x.length;
  }

  public static double min(float[] x) {
    double m = Double.POSITIVE_INFINITY;
    for (float v : x) m = Math.min(m, v);
    return m;
  }

  public static double max(float[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (float v : x) m = Math.max(m, v);
    return m;
  }

  /** A cumulative distribution function. */
  public interface Cdf {
    double at(double x);
  }

  public static Cdf uniform(double lo, double hi) {
    return x -> x <= lo ? 0 : x >= hi ? 1 : (x - lo) / (hi - lo);
  }

  public static Cdf normal(double mean, double stddev) {
    return x -> phi((x - mean) / stddev);
  }

  /** A normal of {@code stddev} before truncation, cut to mean +- 2 stddev (Keras and TensorFlow). */
  public static Cdf truncatedNormal(double mean, double stddev) {
    double lo = phi(-2), mass = phi(2) - lo;
    return x -> {
      double z = (x - mean) / stddev;
      if (z <= -2) return 0;
      if (z >= 2) return 1;
      return (phi(z) - lo) / mass;
    };
  }

  /** Standard normal CDF through erfc (W. J. Cody's rational approximations would do too; this is accurate to 1e-14). */
  public static double phi(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /** erfc by a continued fraction for large |x| and the Taylor series of erf for small |x|. */
  static double erfc(double x) {
    if (x < 0) return 2 - erfc(-x);
    if (x < 2.5) {
      // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
      double sum = 0, term = x;
      for (int n = 0; n < 200; n++) {
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17) break;
        term *= -x * x / (n + 1);
      }
      return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    // Lentz's continued fraction: erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
    double f = x;
    for (int k = 60; k >= 1; k--) f = x + (k / 2.0) / f;
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }

  /** sup |F_n(x) - F(x)| of the sample against the CDF. */
  public static double ks(float[] sample, Cdf cdf) {
    double[] x = sorted(sample);
    int n = x.length;
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.at(x[i]);
      d = Math.max(d, Math.max(Math.abs((i + 1.0) / n - f), Math.abs(f - (double) i / n)));
    }
    return d;
  }

  /** sup |F_a(x) - F_b(x)| of two samples. */
  public static double ks(float[] a, float[] b) {
    double[] x = sorted(a), y = sorted(b);
    int i = 0, j = 0;
    double d = 0;
    while (i < x.length && j < y.length) {
      double v = Math.min(x[i], y[j]);
      while (i < x.length && x[i] <= v) i++;
      while (j < y.length && y[j] <= v) j++;
      d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
    }
    return d;
  }

  /** The KS distance a sample of n (or two of n and m) exceeds with probability 1e-3 under the null. */
  public static double ksCritical(int n) {
    return 1.95 / Math.sqrt(n);
  }

  public static double ksCritical(int n, int m) {
    return 1.95 * Math.sqrt((n + (double) m) / ((double) n * m));
  }

  private static double[] sorted(float[] s) {
    double[] x = new double[s.length];
    for (int i = 0; i < s.length; i++) x[i] = s[i];
    Arrays.sort(x);
    return x;
  }
}
