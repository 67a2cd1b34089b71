package io.jkeras.bench;

import java.util.ArrayList;
import java.util.List;
import io.jkeras.backend.BlockLstm;
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
 * Keras cell (reference), the library's fused path on TensorFlow's {@code BlockLSTMV2} op (gates
 * i, f, c, o: Keras's layout) and {@code BlockLSTM} (V1, gates i, c, f, o plus a forget bias). Each takes batch-major
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

  /** The library's fused path (io.jkeras.backend.BlockLstm): BlockLSTMV2 with the library's ops-built gradient. */
  public static Out blockV2(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> recurrent,
      Operand<TFloat32> bias, Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units) {
    BlockLstm.Result r = BlockLstm.forward(tf, x, kernel, recurrent, bias, h0, c0, steps, units, true);
    return new Out(r.sequence(), r.lastH(), r.lastC());
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
    return blockV1(tf, x, permute ? icfo(tf, w, 1) : w, permute ? icfo(tf, bias, 0) : bias, h0, c0, steps, units);
  }

  private static Out blockV1(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b,
      Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units) {
    String type = "BlockLSTM";
    registerGradient();
    Operand<TFloat32> xt = tf.linalg.transpose(x, tf.constant(new int[] {1, 0, 2}));
    Operand<TFloat32> zeros = tf.zeros(tf.constant(new long[] {units}), TFloat32.class);
    var builder = tf.scope().opBuilder(type, type)
        .addInput(tf.constant((long) steps).asOutput())
        .addInput(xt.asOutput()).addInput(c0.asOutput()).addInput(h0.asOutput()).addInput(w.asOutput())
        .addInput(zeros.asOutput()).addInput(zeros.asOutput()).addInput(zeros.asOutput()).addInput(b.asOutput())
        .setAttr("use_peephole", false)
        .setAttr("forget_bias", 0f).setAttr("cell_clip", -1f);
    GraphOperation op = (GraphOperation) builder.build();
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

  /**
   * Registers BlockLSTM's gradient (TensorFlow defines it in Python only): BlockLSTMGrad, as
   * tensorflow/python/ops/rnn_grad.py does. Once per JVM: TensorFlow keeps one gradient per op type.
   * (BlockLSTMV2's gradient is the library's, registered by io.jkeras.backend.BlockLstm.)
   */
  public static synchronized void registerGradient() {
    if (registered) return;
    registered = true;
    boolean ok = TensorFlow.registerCustomGradient("BlockLSTM", (tf, op, gradOutputs) -> {
      // inputs: seq_len_max, x, cs_prev, h_prev, w, wci, wcf, wco, b
      // outputs: i, cs, f, o, ci, co, h
      var b = tf.scope().opBuilder("BlockLSTMGrad", "BlockLSTMGrad");
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
    if (!ok) throw new IllegalStateException("could not register the gradient of BlockLSTM");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Output<?> gradOrZeros(Ops tf, Output<?> grad, Output<?> like) {
    if (grad == null || grad.op() == null) return tf.zerosLike((Output) like).asOutput();
    return grad;
  }
}
