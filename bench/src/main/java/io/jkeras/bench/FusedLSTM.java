package io.jkeras.bench;

import io.jkeras.backend.CallContext;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.Layer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * EXPERIMENT (bench only): the library's LSTM computed with TensorFlow's fused BlockLSTMV2 op in
 * training functions (the unrolled cell in inference functions).
 * It wraps a library {@link LSTM} for its weights (same names, shapes, initializers, unit forget
 * bias, so a model built with the same seed starts from the same values) and computes the layer
 * with one op per sequence instead of the unrolled cell. Covers what the benchmarks use: tanh and
 * sigmoid, return_sequences, stateful; no masks, no dropout inside the layer.
 */
public final class FusedLSTM extends Layer<FusedLSTM> {
  private final LSTM inner;
  private List<Variable<TFloat32>> states = List.of();

  public FusedLSTM(LSTM inner) {
    this.inner = inner;
    if (inner.batchInputShape() != null) batchInputShape(inner.batchInputShape());
  }

  @Override
  protected void build(long[] inputShape) {
    // The inner layer is built stateless: the states live here.
    inner.stateful(false);
    buildInner(inner, inputShape);
    trackWeights(inner.weights());
    if (stateful) {
      List<Variable<TFloat32>> vs = new ArrayList<>();
      for (String n : new String[] {"h", "c"}) vs.add(runtime().createState(name(), n, new long[] {inputShape[0], inner.units()}));
      states = vs;
    }
  }

  private boolean stateful;

  public FusedLSTM stateful(boolean b) {
    this.stateful = b;
    return this;
  }

  @Override
  public boolean isStateful() {
    return stateful;
  }

  private List<org.tensorflow.op.Op> resets;

  /**
   * Zeroes the states with reset ops built once. (The library's RNN.resetStates builds new assign
   * ops at every call: the graph grows, and TensorFlow extends the session's graph and builds a
   * new executor for each reset, about 16 ms per call on the bench machine; bench.cachedReset=false
   * does the same here, to measure it.)
   */
  @Override
  public void resetStates() {
    if (!stateful || !isBuilt()) return;
    if (resets == null || !Boolean.parseBoolean(System.getProperty("bench.cachedReset", "true"))) {
      Ops tf = runtime().tf().withSubScope(name());
      List<org.tensorflow.op.Op> r = new ArrayList<>();
      for (Variable<TFloat32> v : states) r.add(tf.assign(v, tf.zerosLike(v)));
      resets = r;
    }
    runtime().runTargets(resets);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return inner.computeOutputShape(s);
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    if (mask != null) throw new UnsupportedOperationException("FusedLSTM experiment: no masks");
    Ops tf = ctx.tf().withSubScope(name());
    int steps = (int) inputs.shape().get(1);
    int units = inner.units();
    Operand<TFloat32> h0;
    Operand<TFloat32> c0;
    if (stateful) {
      h0 = tf.snapshot(states.get(0));
      c0 = tf.snapshot(states.get(1));
    } else {
      Operand<TInt32> batch = tf.stridedSlice(tf.shape(inputs), tf.constant(new int[] {0}), tf.constant(new int[] {1}),
          tf.constant(new int[] {1}));
      Operand<TFloat32> z = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)), tf.constant(0f));
      h0 = z;
      c0 = z;
    }
    // Training: the fused op (its gradient is what makes it pay). Inference (predict/evaluate):
    // the unrolled cell, whose forward matmuls run faster through oneDNN than the fused op's Eigen
    // matmuls (bench.fusedInference=true uses the fused op there too). Both compute the same values.
    boolean fused = ctx.training() || Boolean.getBoolean("bench.fusedInference");
    LstmKernels.Out out = fused
        ? LstmKernels.blockV2(tf, inputs, read(inner.kernel()), read(inner.recurrentKernel()), read(inner.bias()), h0, c0, steps, units)
        : LstmKernels.unrolled(tf, inputs, read(inner.kernel()), read(inner.recurrentKernel()), read(inner.bias()), h0, c0, steps,
            units, inner.returnSequences());
    if (stateful) {
      ctx.addStateUpdate(tf.assign(states.get(0), out.lastH));
      ctx.addStateUpdate(tf.assign(states.get(1), out.lastC));
    }
    return inner.returnSequences() ? out.sequence : out.lastH;
  }
}
