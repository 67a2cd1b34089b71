package io.jkeras.layers;

import io.jkeras.data.FloatArray;
import java.util.Random;

/**
 * Independent float64 re-implementations of the recurrent layers, written from Keras's
 * equations (not from jkeras's graph code), and small array helpers for the layer tests.
 * Arrays are [batch][time][features]; masks [batch][time] (true = step used).
 */
final class RnnReference {
  private RnnReference() {}

  /** One recurrent step: previous h (and c), input x_t; returns the new states, output first. */
  interface Cell {
    int stateCount();

    int units();

    double[][] step(double[] x, double[][] states);
  }

  /**
   * Keras's RNN loop: zero initial states; masked steps keep the states and repeat the previous
   * output (or output zeros with {@code zeroOutputForMask}); {@code goBackwards} processes the
   * steps last to first and returns the outputs in that order. Returns [batch][steps or 1][units].
   */
  static double[][][] run(Cell cell, double[][][] x, boolean[][] mask, boolean returnSequences, boolean goBackwards,
      boolean zeroOutputForMask) {
    int batch = x.length;
    int steps = x[0].length;
    int units = cell.units();
    double[][][] out = new double[batch][returnSequences ? steps : 1][];
    for (int b = 0; b < batch; b++) {
      double[][] states = new double[cell.stateCount()][units];
      double[] prevOut = new double[units];
      for (int i = 0; i < steps; i++) {
        int t = goBackwards ? steps - 1 - i : i;
        double[] o;
        if (mask == null || mask[b][t]) {
          states = cell.step(x[b][t], states);
          o = states[0].clone();
        } else {
          o = zeroOutputForMask ? new double[units] : prevOut.clone();
        }
        prevOut = o;
        if (returnSequences) out[b][i] = o;
      }
      if (!returnSequences) out[b][0] = prevOut;
    }
    return out;
  }

  static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  static double hardSigmoidKeras2(double v) {
    return Math.max(0, Math.min(1, 0.2 * v + 0.5));
  }

  /** x (1 x n) times m (n x k), over columns [from, from + count). */
  static double[] vecMat(double[] x, double[][] m, int from, int count) {
    double[] r = new double[count];
    for (int j = 0; j < count; j++) {
      double s = 0;
      for (int i = 0; i < x.length; i++) s += x[i] * m[i][from + j];
      r[j] = s;
    }
    return r;
  }

  /** Keras's GRU cell; bias is null (use_bias=false), (3u) (reset_after=false) or (2, 3u). */
  static Cell gru(double[][] kernel, double[][] recurrent, double[][] bias, boolean resetAfter) {
    int u = recurrent.length;
    return new Cell() {
      @Override
      public int stateCount() {
        return 1;
      }

      @Override
      public int units() {
        return u;
      }

      @Override
      public double[][] step(double[] x, double[][] states) {
        double[] h = states[0];
        double[] xp = vecMat(x, kernel, 0, 3 * u);
        if (bias != null) for (int j = 0; j < 3 * u; j++) xp[j] += bias[0][j];
        double[] hNew = new double[u];
        if (resetAfter) {
          double[] in = vecMat(h, recurrent, 0, 3 * u);
          if (bias != null) for (int j = 0; j < 3 * u; j++) in[j] += bias[1][j];
          for (int j = 0; j < u; j++) {
            double z = sigmoid(xp[j] + in[j]);
            double r = sigmoid(xp[u + j] + in[u + j]);
            double hh = Math.tanh(xp[2 * u + j] + r * in[2 * u + j]);
            hNew[j] = z * h[j] + (1 - z) * hh;
          }
        } else {
          double[] in = vecMat(h, recurrent, 0, 2 * u);
          double[] z = new double[u];
          double[] rh = new double[u];
          for (int j = 0; j < u; j++) {
            z[j] = sigmoid(xp[j] + in[j]);
            rh[j] = sigmoid(xp[u + j] + in[u + j]) * h[j];
          }
          double[] cand = vecMat(rh, recurrent, 2 * u, u);
          for (int j = 0; j < u; j++) {
            double hh = Math.tanh(xp[2 * u + j] + cand[j]);
            hNew[j] = z[j] * h[j] + (1 - z[j]) * hh;
          }
        }
        return new double[][] {hNew};
      }
    };
  }

  /** Keras's SimpleRNN cell with tanh. */
  static Cell simpleRnn(double[][] kernel, double[][] recurrent, double[] bias) {
    int u = recurrent.length;
    return new Cell() {
      @Override
      public int stateCount() {
        return 1;
      }

      @Override
      public int units() {
        return u;
      }

      @Override
      public double[][] step(double[] x, double[][] states) {
        double[] a = vecMat(x, kernel, 0, u);
        double[] r = vecMat(states[0], recurrent, 0, u);
        double[] h = new double[u];
        for (int j = 0; j < u; j++) h[j] = Math.tanh(a[j] + r[j] + (bias == null ? 0 : bias[j]));
        return new double[][] {h};
      }
    };
  }

  // ----- arrays -----

  static FloatArray random(Random rnd, double scale, long... shape) {
    int n = 1;
    for (long d : shape) n *= (int) d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    return new FloatArray(v, shape);
  }

  static double[][] matrix(FloatArray a) {
    long[] s = a.shape();
    int rows = s.length == 1 ? 1 : (int) s[0];
    int cols = s.length == 1 ? (int) s[0] : (int) s[1];
    double[][] m = new double[rows][cols];
    float[] d = a.data();
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = d[i * cols + j];
    return m;
  }

  static double[] vector(FloatArray a) {
    float[] d = a.data();
    double[] v = new double[d.length];
    for (int i = 0; i < d.length; i++) v[i] = d[i];
    return v;
  }

  static double[][][] array3(FloatArray a) {
    long[] s = a.shape();
    int b = (int) s[0];
    int t = (int) s[1];
    int f = (int) s[2];
    double[][][] r = new double[b][t][f];
    float[] d = a.data();
    for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) for (int k = 0; k < f; k++) r[i][j][k] = d[(i * t + j) * f + k];
    return r;
  }

  /** [batch][steps][units] to a FloatArray; with {@code squeeze} and one step, (batch, units). */
  static FloatArray toFloatArray(double[][][] v, boolean squeeze) {
    int b = v.length;
    int t = v[0].length;
    int u = v[0][0].length;
    float[] d = new float[b * t * u];
    for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) for (int k = 0; k < u; k++) d[(i * t + j) * u + k] = (float) v[i][j][k];
    return squeeze && t == 1 ? new FloatArray(d, b, u) : new FloatArray(d, b, t, u);
  }

  /** Zeroes the features of the steps where {@code mask} is false (what Masking(0) masks). */
  static FloatArray applyMask(FloatArray x, boolean[][] mask) {
    long[] s = x.shape();
    float[] d = x.data().clone();
    int f = (int) s[2];
    for (int b = 0; b < s[0]; b++) {
      for (int t = 0; t < s[1]; t++) {
        if (!mask[b][t]) for (int k = 0; k < f; k++) d[(int) ((b * s[1] + t) * f + k)] = 0f;
      }
    }
    return new FloatArray(d, s);
  }
}
