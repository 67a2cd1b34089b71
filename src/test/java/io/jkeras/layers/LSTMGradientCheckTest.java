package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import io.jkeras.testing.GradientCheck;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Numerical gradient check of the LSTM ({@link GradientCheck}), with and without a mask. */
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
      assertTrue(GradientCheck.checkAgainstFiniteDifferences(m, x, y, 3) > 50);
    }
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
