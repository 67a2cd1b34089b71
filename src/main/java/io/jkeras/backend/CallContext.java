package io.jkeras.backend;

import io.jkeras.Keras;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * What a layer's {@code call} sees while one function of the model is being built: the op
 * factory, whether this is the training graph (dropout on), and a list that collects the state
 * updates (stateful RNNs) that must run with the function.
 */
public final class CallContext {
  private final Ops tf;
  private final boolean training;
  private final ModelRuntime runtime;
  private final List<Op> stateUpdates = new ArrayList<>();
  private final Map<Weight, Operand<TFloat32>> reads = new LinkedHashMap<>();

  public CallContext(ModelRuntime runtime, Ops tf, boolean training) {
    this.runtime = runtime;
    this.tf = tf;
    this.training = training;
  }

  public Ops tf() {
    return tf;
  }

  public boolean training() {
    return training;
  }

  public ModelRuntime runtime() {
    return runtime;
  }

  /** A seed for a random op (dropout), drawn from the global seed sequence. */
  public long nextSeed() {
    return Keras.nextSeed();
  }

  /**
   * The value of {@code w} in this function. A training function reads each weight once, as a
   * copy (Snapshot): the optimizer then updates the variables in place without any gradient op
   * seeing a half-updated value, and gradients are taken with respect to these reads.
   * (With TensorFlow's reference variables, ops that read a variable directly can observe an
   * in-place update made later in the same step: measured, not hypothetical.)
   */
  public Operand<TFloat32> read(Weight w) {
    return reads.computeIfAbsent(w, k -> training ? tf.snapshot(k.variable()) : k.variable());
  }

  /** The weights read by this function and the operands that read them. */
  public Map<Weight, Operand<TFloat32>> reads() {
    return reads;
  }

  public void addStateUpdate(Op op) {
    stateUpdates.add(op);
  }

  public List<Op> stateUpdates() {
    return stateUpdates;
  }
}
