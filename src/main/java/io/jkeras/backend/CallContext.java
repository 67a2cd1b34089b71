package io.jkeras.backend;

import io.jkeras.Keras;
import java.util.ArrayList;
import java.util.List;
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

  public void addStateUpdate(Op op) {
    stateUpdates.add(op);
  }

  public List<Op> stateUpdates() {
    return stateUpdates;
  }
}
