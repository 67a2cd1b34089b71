package io.jkeras.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * EXPERIMENT: the floor of batch-1 LSTM inference on this machine. A chain of 100 dependent
 * (1 x 256) x (256 x 1024) matmuls (the recurrent matmuls of char-lstm's two layers, 1 MB of
 * weights each), each followed by a tanh of its first 256 columns, timed per Session.run; as one
 * matmul per step, and with the weights split in column halves (two matmuls per step that two
 * cores can run at once, each on 512 KB that can stay in its core's L2).
 */
public final class GemvChain {
  private GemvChain() {}

  public static void main(String[] args) {
    Random r = new Random(5);
    int n = Integer.getInteger("bench.gemvN", 1024);
    float[] w = new float[256 * n];
    for (int i = 0; i < w.length; i++) w[i] = (r.nextFloat() - 0.5f) * 0.1f;
    for (String mode : new String[] {"one", "halves", "one", "halves"}) {
      try (Graph g = new Graph(); Session s = new Session(g, JkerasBench.sessionConfig())) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> wa = tf.variable(tf.constant(Shape.of(256, n), DataBuffers.of(w, true, false)));
        Operand<TFloat32> w0 = tf.variable(tf.slice(tf.constant(Shape.of(256, n), DataBuffers.of(w, true, false)),
            tf.constant(new int[] {0, 0}), tf.constant(new int[] {256, n / 2})));
        Operand<TFloat32> w1 = tf.variable(tf.slice(tf.constant(Shape.of(256, n), DataBuffers.of(w, true, false)),
            tf.constant(new int[] {0, n / 2}), tf.constant(new int[] {256, n / 2})));
        Operand<TFloat32> h = tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(1, 256)));
        Operand<TFloat32> x = h;
        for (int t = 0; t < 100; t++) {
          Operand<TFloat32> z;
          if (mode.equals("one")) {
            z = tf.linalg.matMul(x, wa);
          } else {
            z = tf.concat(List.of(tf.linalg.matMul(x, w0), tf.linalg.matMul(x, w1)), tf.constant(1));
          }
          x = tf.math.tanh(tf.slice(z, tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 256})));
        }
        List<Double> us = new ArrayList<>();
        float[] hv = new float[256];
        try (TFloat32 ht = TFloat32.tensorOf(Shape.of(1, 256), DataBuffers.of(hv, true, false))) {
          for (int i = 0; i < 2000; i++) {
            long t0 = System.nanoTime();
            try (Result res = s.runner().feed(h, ht).fetch(x).run()) {
              res.get(0);
            }
            if (i >= 200) us.add((System.nanoTime() - t0) / 1e3);
          }
        }
        double[] a = us.stream().mapToDouble(Double::doubleValue).toArray();
        System.out.printf(Locale.ROOT, "%-7s 100 steps: p50 %.0f µs (%.1f µs per step), p99 %.0f µs  [intra %s inter %s]%n", mode,
            Stats.percentile(a, 50), Stats.percentile(a, 50) / 100, Stats.percentile(a, 99),
            System.getProperty("jkeras.intraOpThreads", "default"), System.getProperty("jkeras.interOpThreads", "default"));
      }
    }
  }
}
