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
 * factory, whether this is the training graph (dropout on, batch statistics), a list that
 * collects the state updates that must run with the function (a stateful RNN's states; a
 * BatchNormalization's moving statistics, which only the training function adds), and a list of
 * the losses layers add in {@code call} (Keras's {@code add_loss}: ActivityRegularization), which
 * the train and test functions add to the loss.
 */
public final class CallContext {
  private final Ops tf;
  private final boolean training;
  private final ModelRuntime runtime;
  private final List<Op> stateUpdates = new ArrayList<>();
  private final List<Operand<TFloat32>> losses = new ArrayList<>();
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

  /**
   * An op that must run with this function: a stateful RNN's new states, a BatchNormalization's
   * moving-statistics update. The train function runs them after the optimizer's step.
   */
  public void addStateUpdate(Op op) {
    stateUpdates.add(op);
  }

  /** The ops added by {@link #addStateUpdate}, in order. */
  public List<Op> stateUpdates() {
    return stateUpdates;
  }

  /**
   * A scalar loss added by a layer's {@code call} (Keras's {@code add_loss}); the train and test
   * functions add it to the model's loss, as Keras 3's {@code compute_loss} adds
   * {@code model.losses}.
   */
  public void addLoss(Operand<TFloat32> loss) {
    losses.add(loss);
  }

  /** The losses added by {@link #addLoss}, in order. */
  public List<Operand<TFloat32>> losses() {
    return losses;
  }
}
