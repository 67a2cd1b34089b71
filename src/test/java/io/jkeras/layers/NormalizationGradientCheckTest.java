package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import io.jkeras.testing.GradientCheck;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Numerical gradient checks ({@link GradientCheck}: one SGD(1) step against central finite
 * differences of {@code evaluate}'s loss) of LayerNormalization, UnitNormalization and
 * BatchNormalization.
 *
 * <p>BatchNormalization trains on the batch's statistics but evaluates on its moving ones, so the
 * check puts it first, on the model's input, whose batch statistics no weight changes, and sets
 * its moving mean and variance to exactly those statistics: training and evaluation then compute
 * the same function, and gamma, beta and the layers after it are checked. The gradient through the
 * batch statistics themselves (a BatchNormalization after trainable layers) is checked against
 * Keras's training instead (BatchNormalizationTrainingParityTest).
 */
class NormalizationGradientCheckTest {
  private static final int T = 4;
  private static final int F = 3;
  private static final int N = 6;

  private static float[][][] x(int seed) {
    Random r = new Random(seed);
    float[][][] x = new float[N][T][F];
    for (float[][] s : x) for (float[] t : s) for (int k = 0; k < F; k++) t[k] = (float) (0.5 + 1.5 * r.nextGaussian());
    return x;
  }

  private static float[][] y(int seed) {
    Random r = new Random(seed);
    float[][] y = new float[N][2];
    for (float[] t : y) for (int k = 0; k < 2; k++) t[k] = (float) r.nextGaussian() * 0.5f;
    return y;
  }

  /** Random gamma and beta (and any other weights left as built) for a normalization layer. */
  private static void randomizeGammaBeta(Layer<?> l, int seed) {
    Random r = new Random(seed);
    List<FloatArray> w = l.getWeights();
    for (int i = 0; i < w.size(); i++) {
      if (!l.weights().get(i).trainable()) continue;
      float[] d = w.get(i).data().clone();
      boolean gamma = l.weights().get(i).name().equals("gamma");
      for (int k = 0; k < d.length; k++) d[k] = (float) (gamma ? 0.5 + r.nextDouble() : 0.5 * r.nextGaussian());
      w.set(i, new FloatArray(d, w.get(i).shape()));
    }
    l.setWeights(w);
  }

  private static int check(Sequential m, Layer<?> norm, int stride) {
    m.compile(new SGD(1.0f), "mse");
    m.build(-1, T, F);
    randomizeGammaBeta(norm, 5);
    return GradientCheck.checkAgainstFiniteDifferences(m, x(1), y(2), stride);
  }

  @Test
  void layerNormalizationLastAxis() {
    Keras.setRandomSeed(11);
    LayerNormalization ln = new LayerNormalization();
    try (Sequential m = new Sequential(new Dense(6).inputShape(T, F), ln, new LSTM(3), new Dense(2).activation("tanh"))) {
      assertTrue(check(m, ln, 2) > 40);
    }
  }

  @Test
  void layerNormalizationTwoAxesAndRmsScaling() {
    Keras.setRandomSeed(12);
    LayerNormalization ln = new LayerNormalization().axis(1, 2);
    try (Sequential m = new Sequential(new Dense(5).inputShape(T, F), ln, new LayerNormalization().rmsScaling(true),
        new Flatten(), new Dense(2).activation("tanh"))) {
      assertTrue(check(m, ln, 1) > 40);
    }
  }

  @Test
  void unitNormalization() {
    Keras.setRandomSeed(13);
    try (Sequential m = new Sequential(new Dense(5).inputShape(T, F), new UnitNormalization(), new LSTM(3),
        new UnitNormalization().axis(1), new Dense(2).activation("tanh"))) {
      m.compile(new SGD(1.0f), "mse");
      m.build(-1, T, F);
      assertTrue(GradientCheck.checkAgainstFiniteDifferences(m, x(3), y(4), 2) > 30);
    }
  }

  @Test
  void batchNormalizationGammaBetaWithMovingStatisticsSetToTheBatchs() {
    for (int axis : new int[] {-1, 1}) {
      Keras.setRandomSeed(14);
      BatchNormalization bn = new BatchNormalization().axis(axis).momentum(0.9).inputShape(T, F);
      try (Sequential m = new Sequential(bn, new LSTM(4), new Dense(2).activation("tanh"))) {
        m.compile(new SGD(1.0f), "mse");
        m.build(-1, T, F);
        randomizeGammaBeta(bn, 6);
        float[][][] x = x(5);
        // The batch's mean and biased variance over every axis but `axis`, as the training step computes them.
        int channels = axis == -1 ? F : T;
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        int count = N * (axis == -1 ? T : F);
        for (float[][] s : x) for (int t = 0; t < T; t++) for (int f = 0; f < F; f++) sum[axis == -1 ? f : t] += s[t][f];
        float[] mean = new float[channels];
        for (int c = 0; c < channels; c++) mean[c] = (float) (sum[c] / count);
        for (float[][] s : x) {
          for (int t = 0; t < T; t++) {
            for (int f = 0; f < F; f++) {
              int c = axis == -1 ? f : t;
              sq[c] += (s[t][f] - mean[c]) * (double) (s[t][f] - mean[c]);
            }
          }
        }
        float[] variance = new float[channels];
        for (int c = 0; c < channels; c++) variance[c] = (float) (sq[c] / count);
        List<FloatArray> w = bn.getWeights(); // gamma, beta, moving_mean, moving_variance
        w.set(2, new FloatArray(mean, new long[] {channels}));
        w.set(3, new FloatArray(variance, new long[] {channels}));
        bn.setWeights(w);
        assertTrue(GradientCheck.checkAgainstFiniteDifferences(m, x, y(6), 2) > 30, "axis " + axis);
      }
    }
  }
}
