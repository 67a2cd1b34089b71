package io.jkeras.bench;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import java.util.Locale;
import java.util.Random;

/**
 * EXPERIMENT: the LSTM's fused training path against the unrolled cell (as
 * {@code -Djkeras.fusedLstm=false} gives it: recurrent matmul split by gate for large layers), in one
 * JVM: two models with the same weights, one trained through the fused op and one through the
 * unrolled cell (the choice is made when a training function is built, so the switch is set
 * before each model's first step), alternate training steps on the same batch, so that both see
 * the same machine state; prints the median ms per step of each, their ratio, and the first step
 * (graph build included). Configurations: LSTM(50) at batch 1 and 32 over 1-10 steps, and
 * char-lstm's two stacked LSTM(256) at batch 64 over 50 steps.
 */
public final class FusedVsUnrolled {
  private FusedVsUnrolled() {}

  static Sequential model(int layers, int units, int steps) {
    Keras.setRandomSeed(7);
    Sequential m = new Sequential();
    for (int i = 0; i < layers; i++) {
      LSTM l = new LSTM(units).returnSequences(i < layers - 1);
      m.add(i == 0 ? l.inputShape(steps, 1) : l);
    }
    m.add(new Dense(26).activation("softmax"));
    m.compile(new Adam(0.001f), "categorical_crossentropy");
    return m;
  }

  static void compare(int layers, int units, int batch, int steps, int reps) {
    // Below LSTM.FUSED_MIN_STEPS the library keeps the unrolled cell: measure the op there too.
    System.setProperty("jkeras.fusedMinSteps", "1");
    Random r = new Random(1);
    float[] x = new float[batch * steps];
    float[] y = new float[batch * 26];
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
    for (int i = 0; i < batch; i++) y[i * 26 + r.nextInt(26)] = 1;
    FloatArray xa = new FloatArray(x, batch, steps, 1);
    FloatArray ya = new FloatArray(y, batch, 26);
    try (Sequential fused = model(layers, units, steps); Sequential unrolled = model(layers, units, steps)) {
      System.setProperty("jkeras.fusedLstm", "true");
      long t0 = System.nanoTime();
      fused.trainOnBatch(xa, ya);
      double fusedFirst = Stats.ms(System.nanoTime() - t0);
      System.setProperty("jkeras.fusedLstm", "false");
      t0 = System.nanoTime();
      unrolled.trainOnBatch(xa, ya);
      double unrolledFirst = Stats.ms(System.nanoTime() - t0);
      double[] f = new double[reps];
      double[] u = new double[reps];
      for (int e = 0; e < reps; e++) {
        t0 = System.nanoTime();
        fused.trainOnBatch(xa, ya);
        f[e] = Stats.ms(System.nanoTime() - t0);
        t0 = System.nanoTime();
        unrolled.trainOnBatch(xa, ya);
        u[e] = Stats.ms(System.nanoTime() - t0);
      }
      System.out.printf(Locale.ROOT, "%d x LSTM(%d) batch %d steps %d: fused %.3f ms, unrolled %.3f ms, fused/unrolled %.2f;"
          + " first step %.0f vs %.0f ms%n", layers, units, batch, steps, Stats.median(f), Stats.median(u),
          Stats.median(f) / Stats.median(u), fusedFirst, unrolledFirst);
    }
  }

  public static void main(String[] args) {
    for (int batch : new int[] {1, 32}) {
      for (int steps : new int[] {1, 3, 10}) compare(1, 50, batch, steps, 200);
    }
    compare(2, 256, 64, 50, 30);
    compare(2, 256, 64, 50, 30);
  }
}
