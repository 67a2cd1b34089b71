package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Numerical gradient check of the LSTM: central finite differences of the loss (through
 * evaluate) against the gradient TensorFlow computes for the training step. With plain SGD at
 * learning rate 1, one trainOnBatch moves each weight by exactly minus its gradient.
 */
class LSTMGradientCheckTest {

  private static Sequential model(boolean mask) {
    Sequential m = new Sequential();
    if (mask) m.add(new Masking(0.0).inputShape(4, 3));
    LSTM lstm = new LSTM(5);
    if (!mask) lstm.inputShape(4, 3);
    m.add(lstm);
    m.add(new Dense(2).activation("tanh"));
    m.compile(new SGD(1.0f), "mse");
    m.build(-1, 4, 3);
    return m;
  }

  private static void check(boolean mask) {
    Keras.setRandomSeed(11);
    Random r = new Random(3);
    float[][][] x = new float[3][4][3];
    float[][] y = new float[3][2];
    for (float[][] s : x) for (float[] t : s) for (int k = 0; k < 3; k++) t[k] = (float) r.nextGaussian();
    if (mask) x[1][0] = new float[3]; // a masked (all-zero) step at the start of sample 1
    for (float[] t : y) for (int k = 0; k < 2; k++) t[k] = (float) r.nextGaussian() * 0.5f;
    try (Sequential m = model(mask)) {
      assertTrue(checkAgainstFiniteDifferences(m, x, y, 3) > 50);
    }
  }

  /**
   * Asserts that one SGD(lr=1) training step of {@code m} moved every {@code stride}-th weight by
   * minus the central finite difference of the loss (the graph gradient is w0 - w1); returns how
   * many weights were checked. {@code m} is compiled with SGD(1.0) and built.
   */
  static int checkAgainstFiniteDifferences(Sequential m, float[][][] x, float[][] y, int stride) {
    List<FloatArray> w0 = m.getWeights();
    m.trainOnBatch(x, y);
    List<FloatArray> w1 = m.getWeights();
    m.setWeights(w0);
    double eps = 1e-2;
    int checked = 0;
    for (int wi = 0; wi < w0.size(); wi++) {
      for (int j = 0; j < w0.get(wi).data().length; j += stride) {
        double g = w0.get(wi).data()[j] - w1.get(wi).data()[j];
        double fd = (lossWith(m, w0, wi, j, +eps, x, y) - lossWith(m, w0, wi, j, -eps, x, y)) / (2 * eps);
        double tol = 2e-3 + 2e-2 * Math.max(Math.abs(fd), Math.abs(g));
        assertTrue(Math.abs(fd - g) <= tol, "weight " + wi + "[" + j + "]: finite difference " + fd + " vs graph gradient " + g);
        checked++;
      }
    }
    return checked;
  }

  /** The loss (through evaluate) with weight {@code wi}[{@code j}] moved by {@code delta}; restores the weights. */
  private static double lossWith(Sequential m, List<FloatArray> w0, int wi, int j, double delta, float[][][] x, float[][] y) {
    List<FloatArray> w = new ArrayList<>(w0);
    float[] d = w0.get(wi).data().clone();
    d[j] += (float) delta;
    w.set(wi, new FloatArray(d, w0.get(wi).shape()));
    m.setWeights(w);
    double loss = m.evaluate(x, y).get("loss");
    m.setWeights(w0);
    return loss;
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    check(false);
  }

  @Test
  void gradientMatchesFiniteDifferencesWithMask() {
    check(true);
  }
}
