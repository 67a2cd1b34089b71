package io.jkeras.testing;

/**
 * Keras 3's loss and metric formulas ({@code keras/src/losses/losses.py}, the TF backend's
 * crossentropies), per sample, in float64, independent of TensorFlow: what the loss and metric
 * tests compare jkeras against.
 */
public final class KerasFormulas {
  private KerasFormulas() {}

  public static final double EPS = 1e-7;

  public interface PerSample {
    double of(double[] yTrue, double[] yPred);
  }

  /** sum_over_batch_size of a per-sample formula. */
  public static double keras(PerSample f, float[][] yTrue, float[][] yPred) {
    double sum = 0;
    for (int i = 0; i < yTrue.length; i++) sum += f.of(d(yTrue[i]), d(yPred[i]));
    return sum / yTrue.length;
  }

  public static double[] d(float[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[i];
    return r;
  }

  public static double mean(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s / a.length;
  }

  public static double clip(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  public static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  public static double[] map(double[] a, java.util.function.DoubleUnaryOperator f) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = f.applyAsDouble(a[i]);
    return r;
  }

  public static double[] zip(double[] a, double[] b, java.util.function.DoubleBinaryOperator f) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) r[i] = f.applyAsDouble(a[i], b[i]);
    return r;
  }

  public static double[] hingeLabels(double[] t) {
    boolean binary = true;
    for (double v : t) binary &= v == 0 || v == 1;
    return binary ? map(t, v -> 2 * v - 1) : t;
  }

  public static double[] l2normalize(double[] x) {
    double s = 0;
    for (double v : x) s += v * v;
    double n = Math.sqrt(Math.max(s, 1e-12));
    return map(x, v -> v / n);
  }

  // ----- Keras 3 per-sample formulas -----

  public static final PerSample MSE = (t, p) -> mean(zip(t, p, (a, b) -> (a - b) * (a - b)));
  public static final PerSample MAE = (t, p) -> mean(zip(t, p, (a, b) -> Math.abs(a - b)));
  public static final PerSample MAPE = (t, p) -> 100 * mean(zip(t, p, (a, b) -> Math.abs((a - b) / Math.max(Math.abs(a), EPS))));
  public static final PerSample MSLE = (t, p) -> mean(zip(t, p, (a, b) -> {
    double e = Math.log(Math.max(b, EPS) + 1) - Math.log(Math.max(a, EPS) + 1);
    return e * e;
  }));
  public static final PerSample HUBER = (t, p) -> mean(zip(t, p, (a, b) -> {
    double e = Math.abs(b - a);
    return e <= 1 ? 0.5 * e * e : e - 0.5;
  }));
  public static final PerSample KLD = (t, p) -> {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      double a = clip(t[i], EPS, 1);
      double b = clip(p[i], EPS, 1);
      s += a * Math.log(a / b);
    }
    return s;
  };
  public static final PerSample POISSON = (t, p) -> mean(zip(t, p, (a, b) -> b - a * Math.log(b + EPS)));
  public static final PerSample HINGE = (t, p) -> mean(zip(hingeLabels(t), p, (a, b) -> Math.max(1 - a * b, 0)));
  public static final PerSample SQUARED_HINGE = (t, p) -> mean(zip(hingeLabels(t), p, (a, b) -> Math.pow(Math.max(1 - a * b, 0), 2)));
  public static final PerSample CATEGORICAL_HINGE = (t, p) -> {
    double pos = 0;
    double neg = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < t.length; i++) {
      pos += t[i] * p[i];
      neg = Math.max(neg, (1 - t[i]) * p[i]);
    }
    return Math.max(neg - pos + 1, 0);
  };
  public static final PerSample LOG_COSH = (t, p) -> mean(zip(t, p, (a, b) -> {
    double x = b - a;
    return x + softplus(-2 * x) - Math.log(2);
  }));
  /** The cosine_similarity loss: minus the cosine similarity of the l2-normalized rows. */
  public static final PerSample COSINE = (t, p) -> {
    double[] a = l2normalize(t);
    double[] b = l2normalize(p);
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return -s;
  };

  /** Keras 3 binary crossentropy on probabilities (TF backend: clip to [eps, 1-eps], then log). */
  public static PerSample bce(double smoothing) {
    return (t, p) -> mean(zip(t, p, (a, b) -> {
      double y = a * (1 - smoothing) + 0.5 * smoothing;
      double q = clip(b, EPS, 1 - EPS);
      return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    }));
  }

  /** Keras 3 binary crossentropy on logits (sigmoid_cross_entropy_with_logits). */
  public static PerSample bceLogits(double smoothing) {
    return (t, x) -> mean(zip(t, x, (a, z) -> {
      double y = a * (1 - smoothing) + 0.5 * smoothing;
      return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    }));
  }

  /** Keras 3 categorical crossentropy on probabilities: normalize, clip, -sum(y*log(p)). */
  public static PerSample cce(double smoothing) {
    return (t, p) -> {
      double sum = 0;
      for (double v : p) sum += v;
      double s = 0;
      for (int i = 0; i < t.length; i++) {
        double y = t[i] * (1 - smoothing) + smoothing / t.length;
        s -= y * Math.log(clip(p[i] / sum, EPS, 1 - EPS));
      }
      return s;
    };
  }

  /** Keras 3 categorical crossentropy on logits: -sum(y*log_softmax(x)). */
  public static PerSample cceLogits(double smoothing) {
    return (t, x) -> {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : x) max = Math.max(max, v);
      double lse = 0;
      for (double v : x) lse += Math.exp(v - max);
      lse = max + Math.log(lse);
      double s = 0;
      for (int i = 0; i < t.length; i++) s -= (t[i] * (1 - smoothing) + smoothing / t.length) * (x[i] - lse);
      return s;
    };
  }
}
