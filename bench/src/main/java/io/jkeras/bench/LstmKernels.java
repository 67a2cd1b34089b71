package io.jkeras.bench;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * The LSTM layer computed three ways, for the experiments: the library's statically unrolled
 * Keras cell (reference), TensorFlow's fused {@code BlockLSTMV2} op (gates i, f, c, o: Keras's
 * layout) and {@code BlockLSTM} (V1, gates i, c, f, o plus a forget bias). Each takes batch-major
 * x (batch, time, features) and Keras's weights: kernel (features, 4u), recurrent kernel (u, 4u),
 * bias (4u), and returns h for every step (batch, time, u) plus the final h and c.
 */
public final class LstmKernels {
  private LstmKernels() {}

  /** What an LSTM layer computes. */
  public static final class Out {
    public final Operand<TFloat32> sequence;
    public final Operand<TFloat32> lastH;
    public final Operand<TFloat32> lastC;

    Out(Operand<TFloat32> sequence, Operand<TFloat32> lastH, Operand<TFloat32> lastC) {
      this.sequence = sequence;
      this.lastH = lastH;
      this.lastC = lastC;
    }
  }

  /** The library's cell (layers/LSTM.step inside layers/RNN.call), without masks and dropout. */
  public static Out unrolled(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias, Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units, boolean needSequence) {
    List<Operand<TFloat32>> r = unrolledT(tf, x, kernel, recurrent, bias, h0, c0, steps, units, needSequence);
    return new Out(r.get(0), r.get(1), r.get(2));
  }

  /** {@link #unrolled} for any float type (float64 gives the reference the float32 paths are checked against). */
  public static <T extends TFloating> List<Operand<T>> unrolledT(Ops tf, Operand<T> x, Operand<T> kernel, Operand<T> recurrent,
      Operand<T> bias, Operand<T> h0, Operand<T> c0, int steps, int units, boolean needSequence) {
    long features = x.shape().get(2);
    Operand<T> proj = tf.nn.biasAdd(tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, features})), kernel), bias);
    proj = tf.reshape(proj, tf.constant(new long[] {-1, steps, 4L * units}));
    List<Operand<T>> xs = new ArrayList<>();
    for (Output<T> o : tf.unstack(proj, (long) steps, Unstack.axis(1L)).output()) xs.add(o);
    Operand<T> h = h0;
    Operand<T> c = c0;
    List<Operand<T>> outs = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      Operand<T> z = tf.math.add(xs.get(t), tf.linalg.matMul(h, recurrent));
      List<Output<T>> g = tf.split(tf.constant(1), z, 4L).output();
      Operand<T> i = tf.math.sigmoid(g.get(0));
      Operand<T> f = tf.math.sigmoid(g.get(1));
      c = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, tf.math.tanh(g.get(2))));
      Operand<T> o = tf.math.sigmoid(g.get(3));
      h = tf.math.mul(o, tf.math.tanh(c));
      if (needSequence) outs.add(h);
    }
    Operand<T> seq = needSequence ? tf.stack(outs, org.tensorflow.op.core.Stack.axis(1L)) : null;
    List<Operand<T>> r = new ArrayList<>();
    r.add(seq);
    r.add(h);
    r.add(c);
    return r;
  }

  /**
   * TensorFlow's fused BlockLSTMV2: one op for the whole sequence (time-major inside), weights
   * [kernel; recurrent kernel] stacked, gates in Keras's i, f, c, o order, no forget bias, no
   * clipping, no peepholes. The gradient is BlockLSTMGradV2 (see {@link #registerGradients}).
   */
  public static Out blockV2(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias, Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units) {
    Operand<TFloat32> w = tf.concat(List.of(kernel, recurrent), tf.constant(0));
    return block(tf, "BlockLSTMV2", x, w, bias, h0, c0, steps, units);
  }

  /**
   * BlockLSTM (V1): its kernel computes gates in i, c, f, o order (the "ICFO" layout; V2 is
   * "IFCO") and adds forget_bias (default 1) to f, and clips the cell at cell_clip (default 3).
   * With Keras weights: the gate columns permuted, forget_bias 0, cell_clip -1 (off).
   * {@code permute=false} feeds Keras's order unchanged, to show that the layouts differ.
   */
  public static Out blockV1(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias, Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units, boolean permute) {
    Operand<TFloat32> w = tf.concat(List.of(kernel, recurrent), tf.constant(0));
    return block(tf, "BlockLSTM", x, permute ? icfo(tf, w, 1) : w, permute ? icfo(tf, bias, 0) : bias, h0, c0, steps, units);
  }

  private static Out block(Ops tf, String type, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b,
      Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units) {
    registerGradients();
    Operand<TFloat32> xt = tf.linalg.transpose(x, tf.constant(new int[] {1, 0, 2}));
    Operand<TFloat32> zeros = tf.zeros(tf.constant(new long[] {units}), TFloat32.class);
    var builder = tf.scope().opBuilder(type, type)
        .addInput(tf.constant((long) steps).asOutput())
        .addInput(xt.asOutput()).addInput(c0.asOutput()).addInput(h0.asOutput()).addInput(w.asOutput())
        .addInput(zeros.asOutput()).addInput(zeros.asOutput()).addInput(zeros.asOutput()).addInput(b.asOutput())
        .setAttr("use_peephole", false);
    if (type.equals("BlockLSTM")) {
      builder.setAttr("forget_bias", 0f).setAttr("cell_clip", -1f);
    } else {
      builder.setAttr("cell_clip", 0f);
    }
    GraphOperation op = (GraphOperation) builder.build();
    DIMS.put(op.name(), new long[] {steps, x.shape().get(2), units});
    return fromTimeMajor(tf, op.<TFloat32>output(6), op.<TFloat32>output(1), steps);
  }

  /** Keras i, f, c, o gate blocks along {@code axis} reordered to i, c, f, o. */
  private static Operand<TFloat32> icfo(Ops tf, Operand<TFloat32> w, int axis) {
    List<Output<TFloat32>> g = tf.split(tf.constant(axis), w, 4L).output();
    return tf.concat(List.of(g.get(0), g.get(2), g.get(1), g.get(3)), tf.constant(axis));
  }

  private static Out fromTimeMajor(Ops tf, Output<TFloat32> hAll, Output<TFloat32> csAll, int steps) {
    Operand<TFloat32> seq = tf.linalg.transpose(hAll, tf.constant(new int[] {1, 0, 2}));
    Operand<TFloat32> lastH = tf.squeeze(tf.slice(hAll, tf.constant(new int[] {steps - 1, 0, 0}), tf.constant(new int[] {1, -1, -1})),
        org.tensorflow.op.core.Squeeze.axis(new Long[] {0L}));
    Operand<TFloat32> lastC = tf.squeeze(tf.slice(csAll, tf.constant(new int[] {steps - 1, 0, 0}), tf.constant(new int[] {1, -1, -1})),
        org.tensorflow.op.core.Squeeze.axis(new Long[] {0L}));
    return new Out(seq, lastH, lastC);
  }

  private static boolean registered;

  /** (steps, features, units) of each fused op, by op name, for its gradient function. */
  private static final java.util.Map<String, long[]> DIMS = new java.util.concurrent.ConcurrentHashMap<>();

  /** How BlockLSTMV2 is differentiated: {@code ops} (default) or {@code block} (TensorFlow's BlockLSTMGradV2 kernel). */
  public static final String GRAD = System.getProperty("bench.lstmGrad", "ops");

  /**
   * Registers gradients for BlockLSTM and BlockLSTMV2 (TensorFlow defines them in Python only).
   * BlockLSTM: BlockLSTMGrad, as tensorflow/python/ops/rnn_grad.py does. BlockLSTMV2: with
   * {@code bench.lstmGrad=block} BlockLSTMGradV2 likewise; by default ({@code ops}) the
   * backward pass of {@link #opsGradient}, built from ordinary ops. Once per JVM: TensorFlow keeps
   * one gradient per op type.
   */
  public static synchronized void registerGradients() {
    if (registered) return;
    registered = true;
    for (String type : new String[] {"BlockLSTM", "BlockLSTMV2"}) {
      String gradType = type.equals("BlockLSTM") ? "BlockLSTMGrad" : "BlockLSTMGradV2";
      boolean useOps = type.equals("BlockLSTMV2") && GRAD.equals("ops");
      boolean ok = TensorFlow.registerCustomGradient(type, (tf, op, gradOutputs) -> {
        if (useOps) return opsGradient(tf, op, gradOutputs);
        // inputs: seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b
        // outputs: i, cs, f, o, ci, co, h
        var b = tf.scope().opBuilder(gradType, gradType);
        for (int k = 0; k < 9; k++) b.addInput(op.input(k));
        for (int k = 0; k < 7; k++) b.addInput(op.output(k));
        b.addInput(gradOrZeros(tf, gradOutputs.get(1), op.output(1)));
        b.addInput(gradOrZeros(tf, gradOutputs.get(6), op.output(6)));
        b.setAttr("use_peephole", op.attributes().getAttrBool("use_peephole"));
        GraphOperation g = (GraphOperation) b.build();
        List<org.tensorflow.Operand<?>> r = new ArrayList<>();
        r.add(tf.zerosLike(op.input(0)));
        for (int k = 0; k < 8; k++) r.add(g.output(k));
        return r;
      });
      if (!ok) throw new IllegalStateException("could not register the gradient of " + type);
    }
  }

  /**
   * The backward pass of BlockLSTMV2 (no peepholes, no clipping) from ordinary ops, using the
   * gates the forward op already returns. Everything that does not depend on the recurrence is
   * computed for all timesteps at once; per step only what must be sequential remains
   * (about 8 small ops and one (batch, 4u) x (4u, u) matmul). The weight, bias and input
   * gradients are then one large matmul each over all timesteps, instead of one small matmul
   * per step summed by AddN as in the unrolled graph's gradient.
   * <pre>
   *   dh_t  = dhOut_t + dz_{t+1} U^T          dcs_t = dcsOut_t + dcs_{t+1} f_{t+1} + dh_t o_t (1 - co_t^2)
   *   dz_t  = [dcs_t ci_t i_t(1-i_t), dcs_t cs_{t-1} f_t(1-f_t), dcs_t i_t (1-ci_t^2), dh_t co_t o_t(1-o_t)]
   *   dW    = [x; h_prev]^T dZ,  db = sum dZ,  dx = dZ Wx^T,  dh0 = dz_0 U^T,  dc0 = dcs_0 f_0
   * </pre>
   */
  @SuppressWarnings("unchecked")
  static List<org.tensorflow.Operand<?>> opsGradient(Ops tf, GraphOperation op, List<Output<?>> gradOutputs) {
    Output<TFloat32> x = (Output<TFloat32>) op.input(1);
    Output<TFloat32> cs0 = (Output<TFloat32>) op.input(2);
    Output<TFloat32> h0 = (Output<TFloat32>) op.input(3);
    Output<TFloat32> w = (Output<TFloat32>) op.input(4);
    Output<TFloat32> i = op.output(0);
    Output<TFloat32> cs = op.output(1);
    Output<TFloat32> f = op.output(2);
    Output<TFloat32> o = op.output(3);
    Output<TFloat32> ci = op.output(4);
    Output<TFloat32> co = op.output(5);
    Output<TFloat32> h = op.output(6);
    Operand<TFloat32> dcsOut = (Operand<TFloat32>) gradOrZeros(tf, gradOutputs.get(1), cs);
    Operand<TFloat32> dhOut = (Operand<TFloat32>) gradOrZeros(tf, gradOutputs.get(6), h);
    // Static sizes recorded when the op was built: asking the graph for shapes here would
    // deadlock (TensorFlow holds the graph's lock while it calls gradient functions).
    long[] dims = DIMS.get(op.name());
    if (dims == null) throw new IllegalStateException("no recorded sizes for " + op.name());
    int steps = (int) dims[0];
    long features = dims[1];
    long units = dims[2];
    Operand<TFloat32> one = tf.constant(1f);
    // Everything that does not depend on the recurrence, for all steps at once.
    Operand<TFloat32> csPrev = shiftIn(tf, cs0, cs, steps);
    Operand<TFloat32> a = tf.math.mul(o, tf.math.sub(one, tf.math.square(co)));
    Operand<TFloat32> gi = tf.math.mul(ci, tf.math.mul(i, tf.math.sub(one, i)));
    Operand<TFloat32> gf = tf.math.mul(csPrev, tf.math.mul(f, tf.math.sub(one, f)));
    Operand<TFloat32> gc = tf.math.mul(i, tf.math.sub(one, tf.math.square(ci)));
    Operand<TFloat32> go = tf.math.mul(co, tf.math.mul(o, tf.math.sub(one, o)));
    Operand<TFloat32> g = tf.concat(List.of(gi, gf, gc, go), tf.constant(2));
    List<Output<TFloat32>> dhOuts = tf.unstack(dhOut, (long) steps).output();
    List<Output<TFloat32>> dcsOuts = tf.unstack(dcsOut, (long) steps).output();
    List<Output<TFloat32>> as = tf.unstack(a, (long) steps).output();
    List<Output<TFloat32>> gs = tf.unstack(g, (long) steps).output();
    List<Output<TFloat32>> fs = tf.unstack(f, (long) steps).output();
    Operand<TFloat32> u = tf.slice(w, tf.constant(new long[] {features, 0}), tf.constant(new long[] {units, -1}));
    // bench.pretranspose=true: transpose U once instead of a transposed operand in every step's matmul.
    Operand<TFloat32> uT = Boolean.getBoolean("bench.pretranspose") ? tf.linalg.transpose(u, tf.constant(new int[] {1, 0})) : null;
    Operand<TFloat32>[] dz = new Operand[steps];
    Operand<TFloat32> dhNext = null;
    Operand<TFloat32> dcNext = null;
    for (int t = steps - 1; t >= 0; t--) {
      Operand<TFloat32> dh = dhNext == null ? dhOuts.get(t) : tf.math.add(dhOuts.get(t), dhNext);
      Operand<TFloat32> dcs = tf.math.add(dcsOuts.get(t), tf.math.mul(dh, as.get(t)));
      if (dcNext != null) dcs = tf.math.add(dcs, dcNext);
      dz[t] = tf.math.mul(tf.concat(List.of(dcs, dcs, dcs, dh), tf.constant(1)), gs.get(t));
      dhNext = uT != null ? tf.linalg.matMul(dz[t], uT) : tf.linalg.matMul(dz[t], u, org.tensorflow.op.linalg.MatMul.transposeB(true));
      dcNext = tf.math.mul(dcs, fs.get(t));
    }
    // The large matmuls over all steps.
    Operand<TFloat32> dz2 = tf.reshape(tf.stack(List.of(dz)), tf.constant(new long[] {-1, 4 * units}));
    Operand<TFloat32> x2 = tf.reshape(x, tf.constant(new long[] {-1, features}));
    Operand<TFloat32> hPrev2 = tf.reshape(shiftIn(tf, h0, h, steps), tf.constant(new long[] {-1, units}));
    Operand<TFloat32> dw = tf.linalg.matMul(tf.concat(List.of(x2, hPrev2), tf.constant(1)), dz2,
        org.tensorflow.op.linalg.MatMul.transposeA(true));
    Operand<TFloat32> db = tf.reduceSum(dz2, tf.constant(0));
    Operand<TFloat32> wx = tf.slice(w, tf.constant(new long[] {0, 0}), tf.constant(new long[] {features, -1}));
    Operand<TFloat32> dx = tf.reshape(tf.linalg.matMul(dz2, wx, org.tensorflow.op.linalg.MatMul.transposeB(true)),
        tf.shape(x));
    Operand<TFloat32> zeros = tf.zeros(tf.constant(new long[] {units}), TFloat32.class);
    List<org.tensorflow.Operand<?>> r = new ArrayList<>();
    r.add(tf.zerosLike(op.input(0)));
    r.add(dx);
    r.add(dcNext);
    r.add(dhNext);
    r.add(dw);
    r.add(zeros);
    r.add(zeros);
    r.add(zeros);
    r.add(db);
    return r;
  }

  /** [first, all[0 .. steps-2]] along the time axis: the previous step's value at each step. */
  private static Operand<TFloat32> shiftIn(Ops tf, Operand<TFloat32> first, Operand<TFloat32> all, int steps) {
    Operand<TFloat32> head = tf.expandDims(first, tf.constant(0));
    if (steps == 1) return head;
    Operand<TFloat32> rest = tf.slice(all, tf.constant(new long[] {0, 0, 0}), tf.constant(new long[] {steps - 1, -1, -1}));
    return tf.concat(List.of(head, rest), tf.constant(0));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Output<?> gradOrZeros(Ops tf, Output<?> grad, Output<?> like) {
    if (grad == null || grad.op() == null) return tf.zerosLike((Output) like).asOutput();
    return grad;
  }
}
