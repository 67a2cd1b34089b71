package io.jkeras.backend;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A whole LSTM sequence in TensorFlow's fused {@code BlockLSTMV2} op, on Keras's weights, with a
 * gradient of our own: one op for the forward pass, and a backward pass in which only the
 * recurrence is sequential. The LSTM trains through it from 6 timesteps on (chosen by
 * measurement against the unrolled cell, see LSTM.fusedCall and bench/README.md).
 *
 * <p>BlockLSTMV2 computes Keras's LSTM exactly: gates in Keras's order i, f, c, o ("IFCO"),
 * σ = sigmoid, tanh, no peepholes, no forget bias, no cell clipping; weights [kernel; recurrent
 * kernel] stacked. (BlockLSTM, V1, uses the i, c, f, o layout and adds a forget bias.)
 *
 * <p>TensorFlow defines the op's gradient in Python only; {@link #available()} registers ours
 * through {@link TensorFlow#registerCustomGradient} once per JVM.
 */
public final class BlockLstm {
  private BlockLstm() {}

  private static final String OP = "BlockLSTMV2";
  private static Boolean registered;

  /** What the layer computes: h of every step (batch-major, null unless asked), final h and c. */
  public record Result(Operand<TFloat32> sequence, Operand<TFloat32> lastH, Operand<TFloat32> lastC) {}

  /**
   * Whether the fused path can be used in this JVM: its gradient is registered here (or the
   * registration failed, e.g. another library registered one first, and the caller must use
   * the unrolled cell).
   */
  public static synchronized boolean available() {
    if (registered == null) {
      registered = TensorFlow.registerCustomGradient(OP, (tf, op, grads) -> gradient(tf, op, grads));
    }
    return registered;
  }

  /**
   * The LSTM over {@code x} (batch, steps, features) from states {@code h0}, {@code c0}
   * (batch, units). {@code bias} may be null (use_bias=False).
   */
  public static Result forward(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, Operand<TFloat32> recurrentKernel,
      Operand<TFloat32> bias, Operand<TFloat32> h0, Operand<TFloat32> c0, int steps, int units, boolean needSequence) {
    if (!available()) throw new IllegalStateException("the gradient of " + OP + " could not be registered");
    Operand<TFloat32> w = tf.concat(List.of(kernel, recurrentKernel), tf.constant(0));
    // tf.fill, not tf.zeros: tf.zeros makes a sub-scope, which walks the whole graph (ModelRuntime.initValues).
    Operand<TFloat32> noPeephole = tf.fill(tf.constant(new long[] {units}), tf.constant(0f));
    Operand<TFloat32> b = bias != null ? bias : tf.fill(tf.constant(new long[] {4L * units}), tf.constant(0f));
    Operand<TFloat32> timeMajor = tf.linalg.transpose(x, tf.constant(new int[] {1, 0, 2}));
    GraphOperation op = (GraphOperation) tf.scope().opBuilder(OP, OP)
        // seq_len_max is a constant: the gradient reads the number of steps from it.
        .addInput(tf.constant((long) steps).asOutput())
        .addInput(timeMajor.asOutput()).addInput(c0.asOutput()).addInput(h0.asOutput()).addInput(w.asOutput())
        .addInput(noPeephole.asOutput()).addInput(noPeephole.asOutput()).addInput(noPeephole.asOutput())
        .addInput(b.asOutput())
        .setAttr("use_peephole", false)
        .setAttr("cell_clip", 0f)
        .build();
    // outputs: i, cs, f, o, ci, co, h; each (steps, batch, units)
    Output<TFloat32> hAll = op.output(6);
    Output<TFloat32> csAll = op.output(1);
    Operand<TFloat32> sequence = needSequence ? tf.linalg.transpose(hAll, tf.constant(new int[] {1, 0, 2})) : null;
    return new Result(sequence, lastStep(tf, hAll, steps), lastStep(tf, csAll, steps));
  }

  private static Operand<TFloat32> lastStep(Ops tf, Operand<TFloat32> all, int steps) {
    return tf.squeeze(tf.slice(all, tf.constant(new int[] {steps - 1, 0, 0}), tf.constant(new int[] {1, -1, -1})),
        Squeeze.axis(new Long[] {0L}));
  }

  /**
   * The backward pass from ordinary ops, using the gates the forward op returns. What does not
   * depend on the recurrence is computed for all steps at once; per step only the recurrence
   * remains (a few element-wise ops and four (batch, u) x (u, u) matmuls). The weight, bias and
   * input gradients are then one large matmul each over all steps. (TensorFlow's own
   * BlockLSTMGradV2 kernel measured 2x slower than the unrolled graph's gradient.)
   * <pre>
   *   dh_t  = dhOut_t + dz_{t+1} U^T          dcs_t = dcsOut_t + dcs_{t+1} f_{t+1} + dh_t o_t (1 - co_t^2)
   *   dz_t  = [dcs_t ci_t i_t(1-i_t), dcs_t cs_{t-1} f_t(1-f_t), dcs_t i_t (1-ci_t^2), dh_t co_t o_t(1-o_t)]
   *   dW    = [x; h_prev]^T dZ,  db = sum dZ,  dx = dZ Wx^T,  dh0 = dz_0 U^T,  dc0 = dcs_0 f_0
   * </pre>
   * Static shapes are not asked of the graph here (TensorFlow holds the graph's lock while it
   * calls gradient functions): the step count comes from the seq_len_max constant, the other
   * sizes from shape ops.
   */
  @SuppressWarnings("unchecked")
  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> grads) {
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
    Operand<TFloat32> dcsOut = orZeros(tf, grads.get(1), cs);
    Operand<TFloat32> dhOut = orZeros(tf, grads.get(6), h);
    int steps = stepCount(op);

    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> csPrev = shiftIn(tf, cs0, cs, steps);
    // d cs / d h and the four gates' derivatives (dz = [dcs gi, dcs gf, dcs gc, dh go]), all steps at once.
    Operand<TFloat32> a = tf.math.mul(o, tf.math.sub(one, tf.math.square(co)));
    List<Operand<TFloat32>> gate = List.of(
        tf.math.mul(ci, tf.math.mul(i, tf.math.sub(one, i))),
        tf.math.mul(csPrev, tf.math.mul(f, tf.math.sub(one, f))),
        tf.math.mul(i, tf.math.sub(one, tf.math.square(ci))),
        tf.math.mul(co, tf.math.mul(o, tf.math.sub(one, o))));
    List<Output<TFloat32>> dhOuts = tf.unstack(dhOut, (long) steps).output();
    List<Output<TFloat32>> dcsOuts = tf.unstack(dcsOut, (long) steps).output();
    List<Output<TFloat32>> as = tf.unstack(a, (long) steps).output();
    List<Output<TFloat32>> fs = tf.unstack(f, (long) steps).output();
    List<List<Output<TFloat32>>> gs = new ArrayList<>();
    for (Operand<TFloat32> g : gate) gs.add(tf.unstack(g, (long) steps).output());

    // w = [Wx; U] split at the number of features; U split into its four (u, u) gate blocks.
    Operand<TInt32> features = dim(tf, x, 2);
    List<Output<TFloat32>> wParts = tf.splitV(w, tf.concat(List.of(features, tf.constant(new int[] {-1})), tf.constant(0)),
        tf.constant(0), 2L).output();
    Operand<TFloat32> wx = wParts.get(0);
    List<Output<TFloat32>> uGate = tf.split(tf.constant(1), wParts.get(1), 4L).output();

    // The recurrence, backwards. dh_{t-1} = sum over gates of dz_g U_g^T: four (batch, u) x (u, u)
    // matmuls measured 2.7x faster than one (batch, 4u) x (4u, u) matmul, whose long inner
    // dimension and narrow output parallelize badly.
    List<List<Operand<TFloat32>>> dz = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Operand<TFloat32> dhNext = null;
    Operand<TFloat32> dcNext = null;
    for (int t = steps - 1; t >= 0; t--) {
      Operand<TFloat32> dh = dhNext == null ? dhOuts.get(t) : tf.math.add(dhOuts.get(t), dhNext);
      Operand<TFloat32> dcs = tf.math.add(dcsOuts.get(t), tf.math.mul(dh, as.get(t)));
      if (dcNext != null) dcs = tf.math.add(dcs, dcNext);
      List<Operand<TFloat32>> back = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        Operand<TFloat32> dzk = tf.math.mul(k == 3 ? dh : dcs, gs.get(k).get(t));
        dz.get(k).add(0, dzk);
        back.add(tf.linalg.matMul(dzk, uGate.get(k), MatMul.transposeB(true)));
      }
      dhNext = tf.math.addN(back);
      dcNext = tf.math.mul(dcs, fs.get(t));
    }
    List<Operand<TFloat32>> dzGates = new ArrayList<>();
    for (List<Operand<TFloat32>> d : dz) dzGates.add(tf.stack(d));
    // The large matmuls over all steps.
    Operand<TFloat32> dz2 = tf.reshape(tf.concat(dzGates, tf.constant(2)), rows(tf, dim(tf, w, 1)));
    Operand<TFloat32> x2 = tf.reshape(x, rows(tf, features));
    Operand<TFloat32> hPrev2 = tf.reshape(shiftIn(tf, h0, h, steps), rows(tf, dim(tf, h0, 1)));
    // [x, h_prev, 1]^T dZ gives dW and, in its last row, db: the bias gradient rides along in the
    // weight matmul instead of a separate column sum over dZ (measured 2.5 ms per char-lstm layer).
    Operand<TFloat32> ones = tf.fill(tf.concat(List.of(dim(tf, x2, 0), tf.constant(new int[] {1})), tf.constant(0)), one);
    Operand<TFloat32> dwb = tf.linalg.matMul(tf.concat(List.of(x2, hPrev2, ones), tf.constant(1)), dz2, MatMul.transposeA(true));
    List<Output<TFloat32>> dwParts = tf.splitV(dwb, tf.constant(new int[] {-1, 1}), tf.constant(0), 2L).output();
    Operand<TFloat32> dw = dwParts.get(0);
    Operand<TFloat32> db = tf.reshape(dwParts.get(1), tf.constant(new int[] {-1}));
    Operand<TFloat32> dx = tf.reshape(tf.linalg.matMul(dz2, wx, MatMul.transposeB(true)), tf.shape(x));
    List<Operand<?>> r = new ArrayList<>();
    r.add(tf.zerosLike(op.input(0)));
    r.add(dx);
    r.add(dcNext);
    r.add(dhNext);
    r.add(dw);
    for (int k = 5; k < 8; k++) r.add(tf.zerosLike((Output<TFloat32>) op.input(k)));
    r.add(db);
    return r;
  }

  /**
   * The value of the op's seq_len_max constant. The gradient is registered for every BlockLSTMV2
   * in this JVM, so an op built elsewhere (an imported graph) is checked to be one it is right for.
   */
  private static int stepCount(GraphOperation op) {
    if (op.attributes().getAttrBool("use_peephole") || op.attributes().getAttrFloat("cell_clip") > 0) {
      throw new UnsupportedOperationException(OP + " " + op.name()
          + ": jkeras differentiates BlockLSTMV2 without peepholes and without cell clipping only");
    }
    GraphOperation c = (GraphOperation) op.input(0).op();
    if (!c.type().equals("Const")) {
      throw new UnsupportedOperationException(OP + " " + op.name() + ": seq_len_max must be a constant to differentiate the op");
    }
    return (int) c.attributes().getAttrValueProto("value").getTensor().getInt64Val(0);
  }

  /** Dimension {@code axis} of {@code x}'s shape, as a 1-element vector. */
  private static Operand<TInt32> dim(Ops tf, Operand<TFloat32> x, int axis) {
    return tf.slice(tf.shape(x), tf.constant(new int[] {axis}), tf.constant(new int[] {1}));
  }

  /** The shape [-1, width]. */
  private static Operand<TInt32> rows(Ops tf, Operand<TInt32> width) {
    return tf.concat(List.of(tf.constant(new int[] {-1}), width), tf.constant(0));
  }

  /** [first, all[0 .. steps-2]] along the time axis: the previous step's value at each step. */
  private static Operand<TFloat32> shiftIn(Ops tf, Operand<TFloat32> first, Operand<TFloat32> all, int steps) {
    Operand<TFloat32> head = tf.expandDims(first, tf.constant(0));
    if (steps == 1) return head;
    Operand<TFloat32> rest = tf.slice(all, tf.constant(new long[] {0, 0, 0}), tf.constant(new long[] {steps - 1, -1, -1}));
    return tf.concat(List.of(head, rest), tf.constant(0));
  }

  /** The incoming gradient, or zeros where an output is not used downstream. */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> orZeros(Ops tf, Output<?> grad, Output<TFloat32> like) {
    if (grad == null || grad.op() == null) return tf.zerosLike(like);
    return (Output<TFloat32>) grad;
  }
}
