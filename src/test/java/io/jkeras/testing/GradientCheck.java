package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.backend.Weight;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * Numerical gradient check, an independent reference for any layer: central finite differences
 * of the loss (through {@code evaluate}) against the gradient TensorFlow computes in the training
 * step. With plain SGD at learning rate 1, one {@code trainOnBatch} moves each trainable weight by
 * exactly minus its gradient. A layer without weights (pooling, attention without projections) is
 * checked through the weights of a layer before it.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /**
   * Asserts that one SGD(lr=1) training step of {@code m} moved every {@code stride}-th trainable
   * weight by minus the central finite difference of the loss; returns how many weights were
   * checked. {@code m} is compiled with SGD(1.0) and built. Non-trainable weights (moving
   * statistics) are restored before each loss evaluation and not checked. The training step must
   * compute the same function as {@code evaluate} (no dropout or noise active in training).
   */
  public static int checkAgainstFiniteDifferences(Model m, Object x, Object y, int stride) {
    List<Weight> all = m.weights();
    List<Weight> trainable = m.trainableWeights();
    List<FloatArray> w0 = m.getWeights();
    m.trainOnBatch(x, y);
    List<FloatArray> w1 = m.getWeights();
    m.setWeights(w0);
    double eps = 1e-2;
    int checked = 0;
    for (int wi = 0; wi < w0.size(); wi++) {
      if (!trainable.contains(all.get(wi))) continue;
      for (int j = 0; j < w0.get(wi).data().length; j += stride) {
        double g = w0.get(wi).data()[j] - w1.get(wi).data()[j];
        double fd = (lossWith(m, w0, wi, j, +eps, x, y) - lossWith(m, w0, wi, j, -eps, x, y)) / (2 * eps);
        double tol = 2e-3 + 2e-2 * Math.max(Math.abs(fd), Math.abs(g));
        String where = all.get(wi).toString();
        int jj = j;
        assertTrue(Math.abs(fd - g) <= tol, () -> "weight " + where + "[" + jj + "]: finite difference " + fd + " vs graph gradient " + g);
        checked++;
      }
    }
    return checked;
  }

  /** The loss (through evaluate) with weight {@code wi}[{@code j}] moved by {@code delta}; restores the weights. */
  private static double lossWith(Model m, List<FloatArray> w0, int wi, int j, double delta, Object x, Object y) {
    List<FloatArray> w = new ArrayList<>(w0);
    float[] d = w0.get(wi).data().clone();
    d[j] += (float) delta;
    w.set(wi, new FloatArray(d, w0.get(wi).shape()));
    m.setWeights(w);
    double loss = m.evaluate(x, y).get("loss");
    m.setWeights(w0);
    return loss;
  }
}
