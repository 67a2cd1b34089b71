package io.jkeras.initializers;

import static io.jkeras.testing.Distributions.draw;
import static io.jkeras.testing.Distributions.ks;
import static io.jkeras.testing.Distributions.ksCritical;
import static io.jkeras.testing.Distributions.max;
import static io.jkeras.testing.Distributions.mean;
import static io.jkeras.testing.Distributions.min;
import static io.jkeras.testing.Distributions.variance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.testing.Distributions;
import io.jkeras.testing.Distributions.Cdf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Keras initializer's samples against Keras 3's own formulas
 * ({@code keras/src/initializers/random_initializers.py}, {@code constant_initializers.py}):
 * support, mean, variance and the Kolmogorov-Smirnov distance to the exact distribution on
 * 120,000 draws; orthogonality and gain for Orthogonal. A uniform drawn from [0, limit) (the
 * tensorflow-framework bug this replaced) is 0.5 away in KS distance; the bound is ~0.0056.
 */
class InitializerDistributionTest {
  private static final long[] KERNEL = {300, 400};
  private static final long[] CONV = {5, 40, 60}; // receptive field 5: fan_in 200, fan_out 300
  private static final long[] BIAS = {120000};

  private enum Kind { UNIFORM, NORMAL, TRUNCATED }

  /** One case: an initializer, a shape, and the distribution Keras defines for it. */
  private static final class Case {
    final String name;
    final Initializer init;
    final long[] shape;
    final Kind kind;
    final double a; // uniform: limit (or lo); normals: stddev before truncation
    final double b; // uniform: hi (NaN: symmetric limit); normals: mean

    Case(String name, Initializer init, long[] shape, Kind kind, double a, double b) {
      this.name = name;
      this.init = init;
      this.shape = shape;
      this.kind = kind;
      this.a = a;
      this.b = b;
    }
  }

  private static Case vs(String name, Initializer init, long[] shape, String distribution, double variance) {
    switch (distribution) {
      case "uniform": return new Case(name, init, shape, Kind.UNIFORM, -Math.sqrt(3 * variance), Math.sqrt(3 * variance));
      case "untruncated_normal": return new Case(name, init, shape, Kind.NORMAL, Math.sqrt(variance), 0);
      default: return new Case(name, init, shape, Kind.TRUNCATED, Math.sqrt(variance) / 0.87962566103423978, 0);
    }
  }

  private static Initializer vsInit(double scale, String mode, String distribution) {
    return Initializers.fromConfig("VarianceScaling", Map.of("scale", scale, "mode", mode, "distribution", distribution));
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    double fanIn = 300, fanOut = 400, fanAvg = 350;
    c.add(vs("glorot_uniform", Initializers.get("glorot_uniform"), KERNEL, "uniform", 1 / fanAvg));
    c.add(vs("glorot_normal", Initializers.get("glorot_normal"), KERNEL, "truncated_normal", 1 / fanAvg));
    c.add(vs("he_uniform", Initializers.get("he_uniform"), KERNEL, "uniform", 2 / fanIn));
    c.add(vs("he_normal", Initializers.get("he_normal"), KERNEL, "truncated_normal", 2 / fanIn));
    c.add(vs("lecun_uniform", Initializers.get("lecun_uniform"), KERNEL, "uniform", 1 / fanIn));
    c.add(vs("lecun_normal", Initializers.get("lecun_normal"), KERNEL, "truncated_normal", 1 / fanIn));
    c.add(vs("variance_scaling default", Initializers.get("variance_scaling"), KERNEL, "truncated_normal", 1 / fanIn));
    c.add(vs("VarianceScaling(2, fan_out, uniform)", vsInit(2, "fan_out", "uniform"), KERNEL, "uniform", 2 / fanOut));
    c.add(vs("VarianceScaling(0.5, fan_avg, untruncated_normal)", vsInit(0.5, "fan_avg", "untruncated_normal"), KERNEL,
        "untruncated_normal", 0.5 / fanAvg));
    c.add(vs("VarianceScaling(3, fan_in, normal) (legacy name of truncated_normal)", vsInit(3, "fan_in", "normal"), KERNEL,
        "truncated_normal", 3 / fanIn));
    // Rank 3 (a Conv1D kernel): fans multiplied by the receptive field.
    c.add(vs("glorot_uniform rank 3", Initializers.get("glorot_uniform"), CONV, "uniform", 1 / 250.0));
    c.add(vs("he_normal rank 3", Initializers.get("he_normal"), CONV, "truncated_normal", 2 / 200.0));
    c.add(vs("VarianceScaling(1, fan_out, uniform) rank 3", vsInit(1, "fan_out", "uniform"), CONV, "uniform", 1 / 300.0));
    // Rank 1: fan_in = fan_out = n.
    c.add(vs("lecun_uniform rank 1", Initializers.get("lecun_uniform"), BIAS, "uniform", 1 / 120000.0));
    c.add(new Case("random_uniform", Initializers.get("random_uniform"), KERNEL, Kind.UNIFORM, -0.05, 0.05));
    c.add(new Case("RandomUniform(0, 2)", Initializers.fromConfig("RandomUniform", Map.of("minval", 0.0, "maxval", 2.0)),
        KERNEL, Kind.UNIFORM, 0, 2));
    c.add(new Case("random_normal", Initializers.get("random_normal"), KERNEL, Kind.NORMAL, 0.05, 0));
    c.add(new Case("RandomNormal(1, 0.3)", Initializers.fromConfig("RandomNormal", Map.of("mean", 1.0, "stddev", 0.3)),
        KERNEL, Kind.NORMAL, 0.3, 1));
    c.add(new Case("truncated_normal", Initializers.get("truncated_normal"), KERNEL, Kind.TRUNCATED, 0.05, 0));
    c.add(new Case("TruncatedNormal(-1, 2)", Initializers.fromConfig("TruncatedNormal", Map.of("mean", -1.0, "stddev", 2.0)),
        KERNEL, Kind.TRUNCATED, 2, -1));
    return c;
  }

  @TestFactory
  Stream<DynamicTest> samplesFollowKerasDistributions() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
  }

  private static void check(Case c) {
    float[] x = draw(c.init, c.shape, 1234);
    int n = x.length;
    double lo, hi, mu, var;
    Cdf cdf;
    switch (c.kind) {
      case UNIFORM:
        lo = c.a;
        hi = c.b;
        mu = (lo + hi) / 2;
        var = (hi - lo) * (hi - lo) / 12;
        cdf = Distributions.uniform(lo, hi);
        break;
      case NORMAL:
        lo = Double.NEGATIVE_INFINITY;
        hi = Double.POSITIVE_INFINITY;
        mu = c.b;
        var = c.a * c.a;
        cdf = Distributions.normal(mu, c.a);
        break;
      default:
        lo = c.b - 2 * c.a;
        hi = c.b + 2 * c.a;
        mu = c.b;
        var = c.a * c.a * 0.87962566103423978 * 0.87962566103423978;
        cdf = Distributions.truncatedNormal(mu, c.a);
        break;
    }
    String at = c.name + ": ";
    double slack = 1e-6 * Math.max(1, Math.abs(mu) + Math.sqrt(var));
    assertTrue(min(x) >= lo - slack && max(x) <= hi + slack,
        at + "samples in [" + min(x) + ", " + max(x) + "], Keras's support is [" + lo + ", " + hi + "]");
    if (c.kind != Kind.NORMAL) {
      double width = hi - lo;
      assertTrue(min(x) < lo + 0.01 * width && max(x) > hi - 0.01 * width,
          at + "samples in [" + min(x) + ", " + max(x) + "] do not fill Keras's support [" + lo + ", " + hi + "]");
    }
    double meanTolerance = 5 * Math.sqrt(var / n);
    assertEquals(mu, mean(x), meanTolerance, at + "mean");
    assertEquals(var, variance(x), 0.03 * var, at + "variance");
    double d = ks(x, cdf);
    assertTrue(d < ksCritical(n), at + "Kolmogorov-Smirnov distance " + d + " to Keras's distribution exceeds " + ksCritical(n));
  }

  @Test
  void orthogonalIsOrthogonalWithGain() {
    // An LSTM recurrent kernel (units, 4 units) is wide: its rows are orthonormal; a tall one has orthonormal columns.
    checkOrthogonal(new long[] {64, 256}, 1.0);
    checkOrthogonal(new long[] {200, 50}, 1.0);
    checkOrthogonal(new long[] {3, 10, 40}, 2.5); // reshaped from (30, 40)
  }

  private static void checkOrthogonal(long[] shape, double gain) {
    Initializer init = Initializers.fromConfig("Orthogonal", Map.of("gain", gain));
    float[] w = draw(init, shape, 99);
    int cols = (int) shape[shape.length - 1];
    int rows = w.length / cols;
    boolean wide = rows < cols;
    int k = Math.min(rows, cols), len = Math.max(rows, cols);
    double worst = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double dot = 0;
        for (int t = 0; t < len; t++) {
          double a = wide ? w[i * cols + t] : w[t * cols + i];
          double b = wide ? w[j * cols + t] : w[t * cols + j];
          dot += a * b;
        }
        worst = Math.max(worst, Math.abs(dot - (i == j ? gain * gain : 0)));
      }
    }
    assertTrue(worst < 1e-4 * gain * gain, "Orthogonal " + java.util.Arrays.toString(shape) + " gain " + gain
        + ": |W W^T - gain^2 I| reaches " + worst);
    // Different seeds give different matrices (the sample is random, not a fixed basis).
    float[] other = draw(init, shape, 100);
    assertTrue(Math.abs(other[0] - w[0]) + Math.abs(other[1] - w[1]) > 0, "Orthogonal ignores its seed");
  }

  @Test
  void constantInitializersAreExact() {
    float[] eye = draw(Initializers.fromConfig("Identity", Map.of("gain", 0.5)), new long[] {4, 6}, 1);
    for (int i = 0; i < 4; i++) for (int j = 0; j < 6; j++) assertEquals(i == j ? 0.5f : 0f, eye[i * 6 + j], "identity[" + i + "," + j + "]");
    for (float v : draw(Initializers.get("ones"), new long[] {3, 5}, 1)) assertEquals(1f, v);
    for (float v : draw(Initializers.get("zeros"), new long[] {3, 5}, 1)) assertEquals(0f, v);
    for (float v : draw(Initializers.fromConfig("Constant", Map.of("value", 3.25)), new long[] {7}, 1)) assertEquals(3.25f, v);
  }

  @Test
  void sameSeedSameWeightsOtherSeedOthers() {
    Initializer g = Initializers.get("glorot_uniform");
    float[] a = draw(g, KERNEL, 5), b = draw(g, KERNEL, 5), c = draw(g, KERNEL, 6);
    assertEquals(0.0, ks(a, b));
    assertTrue(java.util.Arrays.equals(a, b), "same seed, same weights");
    assertTrue(!java.util.Arrays.equals(a, c), "another seed, other weights");
  }

  @Test
  void ksCatchesTheHalfRangeUniform() {
    // The regression this suite exists for: [0, limit) instead of [-limit, limit).
    float[] x = draw(Initializers.get("glorot_uniform"), KERNEL, 3);
    float[] half = new float[x.length];
    for (int i = 0; i < x.length; i++) half[i] = (x[i] + (float) Math.sqrt(3 / 350.0)) / 2;
    double limit = Math.sqrt(3 / 350.0);
    assertTrue(ks(half, Distributions.uniform(-limit, limit)) > 0.4);
    assertTrue(ks(x, half) > 0.4);
  }
}
