package io.jkeras.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Numerical equality of the fused LSTM ops with the library's unrolled Keras cell: forward (the
 * whole sequence, the last h and c) and the gradients of a random linear function of those with
 * respect to x, kernel, recurrent kernel, bias, h0 and c0 (so every output gets a gradient).
 * Each float32 path is also compared with the unrolled cell in float64, the exact answer to
 * float32 rounding: a path is "equal" when it is within 1e-5 (relative to the largest value) of
 * the unrolled float32 cell and no further from float64 than the unrolled cell itself is.
 * Values are Keras-like: glorot-uniform kernels, inputs in [0, 1), states in [-0.5, 0.5).
 */
public final class LstmCheck {
  private LstmCheck() {}

  public static final String[] NAMES = {"seq", "lastH", "lastC", "dX", "dKernel", "dRecurrent", "dBias", "dH0", "dC0"};
  public static final int[][] CASES = {{3, 7, 5, 4}, {1, 1, 1, 50}, {64, 50, 1, 256}, {64, 50, 256, 256}, {20, 30, 200, 200}};

  public static void main(String[] args) {
    List<String> kinds = args.length > 0 ? List.of(args) : List.of("BlockLSTMV2", "BlockLSTM", "BlockLSTM-unpermuted");
    for (String kind : kinds) {
      for (int[] c : CASES) Stats.emit(compare(kind, c[0], c[1], c[2], c[3], 42));
    }
  }

  /** One JSON-ready record: per quantity, max |kind - unrolled| / scale, and both errors to float64. */
  public static Map<String, Object> compare(String kind, int batch, int steps, int features, int units, long seed) {
    List<double[]> ref = run("unrolled64", batch, steps, features, units, seed);
    List<double[]> un = run("unrolled", batch, steps, features, units, seed);
    List<double[]> got = run(kind, batch, steps, features, units, seed);
    Map<String, Object> quantities = Stats.map();
    double worst = 0;
    boolean noWorse = true;
    for (int k = 0; k < NAMES.length; k++) {
      double scale = 0;
      for (double v : ref.get(k)) scale = Math.max(scale, Math.abs(v));
      double vsUnrolled = maxDiff(got.get(k), un.get(k)) / scale;
      double unrolledTo64 = maxDiff(un.get(k), ref.get(k)) / scale;
      double kindTo64 = maxDiff(got.get(k), ref.get(k)) / scale;
      worst = Math.max(worst, vsUnrolled);
      // "no worse": within 2x of the unrolled cell's own float32 error, or below 1e-6.
      if (kindTo64 > Math.max(2 * unrolledTo64, 1e-6)) noWorse = false;
      quantities.put(NAMES[k], Stats.map("scale", scale, "rel_diff_vs_unrolled32", vsUnrolled,
          "rel_err_unrolled32_vs_fp64", unrolledTo64, "rel_err_" + kind + "_vs_fp64", kindTo64));
    }
    return Stats.map("side", "jkeras", "workload", "lstm-equality", "kind", kind,
        "shape", "batch=" + batch + " steps=" + steps + " features=" + features + " units=" + units,
        "max_rel_diff_vs_unrolled", worst, "equal_1e-5", worst <= 1e-5 && noWorse, "quantities", quantities);
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  @SuppressWarnings("unchecked")
  static List<double[]> run(String kind, int batch, int steps, int features, int units, long seed) {
    Random r = new Random(seed);
    boolean f64 = kind.equals("unrolled64");
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      double gk = Math.sqrt(6.0 / (features + 4 * units));
      double gr = Math.sqrt(6.0 / (units + 4 * units));
      double[] xv = values(r, 0, 1, batch * steps * features);
      double[] kv = values(r, -gk, gk, features * 4 * units);
      double[] rv = values(r, -gr, gr, units * 4 * units);
      double[] bv = values(r, -0.5, 0.5, 4 * units);
      double[] h0v = values(r, -0.5, 0.5, batch * units);
      double[] c0v = values(r, -0.5, 0.5, batch * units);
      double[] r1 = values(r, -1, 1, batch * steps * units);
      double[] r2 = values(r, -1, 1, batch * units);
      double[] r3 = values(r, -1, 1, batch * units);
      List<Output<?>> fetches = new ArrayList<>();
      Output<?>[] wrt;
      if (f64) {
        Operand<TFloat64> x = c64(tf, xv, batch, steps, features);
        Operand<TFloat64> kernel = c64(tf, kv, features, 4 * units);
        Operand<TFloat64> rec = c64(tf, rv, units, 4 * units);
        Operand<TFloat64> bias = c64(tf, bv, 4 * units);
        Operand<TFloat64> h0 = c64(tf, h0v, batch, units);
        Operand<TFloat64> c0 = c64(tf, c0v, batch, units);
        List<Operand<TFloat64>> o = LstmKernels.unrolledT(tf, x, kernel, rec, bias, h0, c0, steps, units, true);
        Operand<TFloat64> loss = tf.math.add(tf.math.add(
            tf.reduceSum(tf.math.mul(o.get(0), c64(tf, r1, batch, steps, units)), tf.constant(new int[] {0, 1, 2})),
            tf.reduceSum(tf.math.mul(o.get(1), c64(tf, r2, batch, units)), tf.constant(new int[] {0, 1}))),
            tf.reduceSum(tf.math.mul(o.get(2), c64(tf, r3, batch, units)), tf.constant(new int[] {0, 1})));
        for (Operand<TFloat64> q : o) fetches.add(q.asOutput());
        wrt = new Output<?>[] {x.asOutput(), kernel.asOutput(), rec.asOutput(), bias.asOutput(), h0.asOutput(), c0.asOutput()};
        fetches.addAll(List.of(g.addGradients(loss.asOutput(), wrt)));
      } else {
        Operand<TFloat32> x = c32(tf, xv, batch, steps, features);
        Operand<TFloat32> kernel = c32(tf, kv, features, 4 * units);
        Operand<TFloat32> rec = c32(tf, rv, units, 4 * units);
        Operand<TFloat32> bias = c32(tf, bv, 4 * units);
        Operand<TFloat32> h0 = c32(tf, h0v, batch, units);
        Operand<TFloat32> c0 = c32(tf, c0v, batch, units);
        LstmKernels.Out out;
        switch (kind) {
          case "unrolled": out = LstmKernels.unrolled(tf, x, kernel, rec, bias, h0, c0, steps, units, true); break;
          case "BlockLSTMV2": out = LstmKernels.blockV2(tf, x, kernel, rec, bias, h0, c0, steps, units); break;
          case "BlockLSTM": out = LstmKernels.blockV1(tf, x, kernel, rec, bias, h0, c0, steps, units, true); break;
          case "BlockLSTM-unpermuted": out = LstmKernels.blockV1(tf, x, kernel, rec, bias, h0, c0, steps, units, false); break;
          default: throw new IllegalArgumentException(kind);
        }
        Operand<TFloat32> loss = tf.math.add(tf.math.add(
            tf.reduceSum(tf.math.mul(out.sequence, c32(tf, r1, batch, steps, units)), tf.constant(new int[] {0, 1, 2})),
            tf.reduceSum(tf.math.mul(out.lastH, c32(tf, r2, batch, units)), tf.constant(new int[] {0, 1}))),
            tf.reduceSum(tf.math.mul(out.lastC, c32(tf, r3, batch, units)), tf.constant(new int[] {0, 1})));
        fetches.add(out.sequence.asOutput());
        fetches.add(out.lastH.asOutput());
        fetches.add(out.lastC.asOutput());
        wrt = new Output<?>[] {x.asOutput(), kernel.asOutput(), rec.asOutput(), bias.asOutput(), h0.asOutput(), c0.asOutput()};
        fetches.addAll(List.of(g.addGradients(loss.asOutput(), wrt)));
      }
      Session.Runner run = s.runner();
      for (Output<?> o : fetches) run.fetch(o);
      List<double[]> res = new ArrayList<>();
      try (Result rs = run.run()) {
        for (int i = 0; i < rs.size(); i++) res.add(toDoubles(rs.get(i)));
      }
      return res;
    }
  }

  private static double[] toDoubles(Tensor t) {
    if (t instanceof TFloat64) {
      double[] a = new double[(int) t.size()];
      ((TFloat64) t).copyTo(DataBuffers.of(a, false, false));
      return a;
    }
    float[] f = new float[(int) t.size()];
    ((TFloat32) t).copyTo(DataBuffers.of(f, false, false));
    double[] a = new double[f.length];
    for (int i = 0; i < f.length; i++) a[i] = f[i];
    return a;
  }

  private static double[] values(Random r, double lo, double hi, int n) {
    double[] a = new double[n];
    // Rounded to float32 so that both precisions start from identical values.
    for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
    return a;
  }

  private static Operand<TFloat32> c32(Ops tf, double[] v, long... shape) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return tf.constant(Shape.of(shape), DataBuffers.of(f, true, false));
  }

  private static Operand<TFloat64> c64(Ops tf, double[] v, long... shape) {
    return tf.constant(Shape.of(shape), DataBuffers.of(v, true, false));
  }
}
