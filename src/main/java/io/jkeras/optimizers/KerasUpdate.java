package io.jkeras.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras 3 update rule written in graph ops, where tensorflow-framework's optimizer computes
 * something else ({@link KerasNadamUpdate}, {@link KerasMomentumUpdate},
 * {@link KerasAdagradUpdate}). Slots are created once per model (the jkeras {@link Optimizer}'s
 * first slot creation) and the learning rate is a constant holding the value the jkeras
 * optimizer feeds at every step.
 */
abstract class KerasUpdate extends org.tensorflow.framework.optimizers.Optimizer {
  private final float learningRate;
  private final BooleanSupplier firstSlotCreation;

  KerasUpdate(Graph graph, String name, float learningRate, BooleanSupplier firstSlotCreation) {
    super(graph, name);
    this.learningRate = learningRate;
    this.firstSlotCreation = firstSlotCreation;
  }

  /** Creates this rule's slots for every weight, {@code init} being the init-scope ops. */
  protected abstract void createSlotsOnce(Ops init, List<Output<TFloat32>> variables);

  @Override
  protected final void createSlots(List<Output<? extends TType>> variables) {
    if (!firstSlotCreation.getAsBoolean()) return;
    List<Output<TFloat32>> fs = new ArrayList<>();
    for (Output<? extends TType> v : variables) fs.add(floats(v));
    createSlotsOnce(tf.withInitScope(), fs);
  }

  /** A slot of {@code variable}'s shape filled with {@code value}. */
  protected final void createFilledSlot(Ops init, Output<TFloat32> variable, String name, float value) {
    createSlot(variable, name, init.fill(init.constant(variable.shape().asArray()), init.constant(value)));
  }

  protected final Variable<TFloat32> slot(Output<TFloat32> variable, String name) {
    return getSlot(variable, name).orElseThrow(() -> new IllegalStateException(getOptimizerName() + ": no slot " + name));
  }

  /** The learning rate, as a constant the jkeras optimizer feeds (see Optimizer.SENTINEL_LR). */
  protected final Operand<TFloat32> learningRate(Ops ops) {
    return ops.constant(learningRate);
  }

  @SuppressWarnings("unchecked")
  protected final Output<TFloat32> floats(Output<? extends TType> o) {
    if (o.type() != TFloat32.class) {
      throw new IllegalArgumentException(getOptimizerName() + ": float32 weights and gradients only, got " + o.type());
    }
    return (Output<TFloat32>) o;
  }
}
