package io.jkeras.bench;

/**
 * Analytic float32 FLOP counts (a multiply-add is 2 FLOPs), matmuls only: an LSTM layer does
 * 2 * batch * (features + units) * 4 units per timestep, a Dense layer 2 * rows * in * out.
 * A training step counts 3x the forward pass (forward, then gradients with respect to inputs and
 * to weights, each about one forward's worth of matmuls).
 */
public final class Flops {
  private Flops() {}

  public static double lstm(long batch, long steps, long features, long units) {
    return 2.0 * batch * steps * (features + units) * 4 * units;
  }

  public static double dense(long rows, long in, long out) {
    return 2.0 * rows * in * out;
  }

  public static double alphabetForward() {
    return lstm(1, 1, 1, 50) + dense(1, 50, 26);
  }

  /** char-lstm forward for {@code batch} samples of 50 steps. */
  public static double charLstmForward(long batch) {
    return lstm(batch, 50, 1, 256) + lstm(batch, 50, 256, 256) + dense(batch, 256, 40);
  }

  public static double wordLmForward() {
    return lstm(20, 30, 200, 200) * 2 + dense(20 * 30, 200, 10000);
  }

  public static double train(double forward) {
    return 3 * forward;
  }
}
