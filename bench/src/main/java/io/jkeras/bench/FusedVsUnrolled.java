package io.jkeras.bench;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import java.util.Locale;
import java.util.Random;

/**
 * EXPERIMENT: the LSTM's opt-in fused training path against the default unrolled cell, by
 * sequence length. For each batch size and sequence length, two models with the same weights, one
 * trained through the fused op and one through the unrolled cell (the choice is made when a
 * training function is built, so the switch is set before each model's first fit), alternate
 * epochs of 8 steps; prints the median ms per step of each and their ratio.
 * Usage: {@code FusedVsUnrolled [units]} (default 50).
 */
public final class FusedVsUnrolled {
  private FusedVsUnrolled() {}

  static Sequential model(int steps, int units) {
    Keras.setRandomSeed(7);
    Sequential m = new Sequential();
    m.add(new LSTM(units).inputShape(steps, 1));
    m.add(new Dense(26).activation("softmax"));
    m.compile(new Adam(0.001f), "categorical_crossentropy");
    return m;
  }

  public static void main(String[] args) {
    int units = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    for (int batch : new int[] {1, 32}) {
      for (int steps : new int[] {1, 2, 3, 5, 10}) {
        int n = batch * 8;
        Random r = new Random(1);
        float[] x = new float[n * steps];
        float[] y = new float[n * 26];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        for (int i = 0; i < n; i++) y[i * 26 + r.nextInt(26)] = 1;
        FloatArray xa = new FloatArray(x, n, steps, 1);
        FloatArray ya = new FloatArray(y, n, 26);
        FitOptions epoch = new FitOptions().epochs(1).batchSize(batch).shuffle(false).verbose(0);
        try (Sequential fused = model(steps, units); Sequential unrolled = model(steps, units)) {
          System.setProperty("jkeras.fusedLstm", "true");
          fused.fit(xa, ya, epoch);
          System.setProperty("jkeras.fusedLstm", "false");
          unrolled.fit(xa, ya, epoch);
          int reps = 60;
          double[] f = new double[reps];
          double[] u = new double[reps];
          for (int e = 0; e < reps; e++) {
            long t0 = System.nanoTime();
            fused.fit(xa, ya, epoch);
            f[e] = Stats.ms(System.nanoTime() - t0) / 8;
            t0 = System.nanoTime();
            unrolled.fit(xa, ya, epoch);
            u[e] = Stats.ms(System.nanoTime() - t0) / 8;
          }
          System.out.printf(Locale.ROOT, "units %d batch %d steps %d: fused %.3f ms, unrolled %.3f ms, fused/unrolled %.2f%n",
              units, batch, steps, Stats.median(f), Stats.median(u), Stats.median(f) / Stats.median(u));
        }
      }
    }
  }
}
