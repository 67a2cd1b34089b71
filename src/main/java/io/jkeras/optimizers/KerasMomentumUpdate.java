package io.jkeras.optimizers;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's SGD with momentum ({@code keras/src/optimizers/sgd.py}): the velocity is kept in
 * learning-rate units, m = momentum*m - lr*g; w += m (nesterov: w += momentum*m - lr*g).
 * TensorFlow's ApplyMomentum (the framework's Momentum) keeps it in gradient units, a = momentum*a
 * + g; w -= lr*a: the same while the rate is constant, but after a schedule or ReduceLROnPlateau
 * changes the rate, Keras's velocity still carries the old rate and TF's does not.
 */
final class KerasMomentumUpdate extends KerasUpdate {
  static final String MOMENTUM = "momentum";

  private final float momentum;
  private final boolean nesterov;

  KerasMomentumUpdate(Graph graph, float learningRate, float momentum, boolean nesterov, BooleanSupplier firstSlotCreation) {
    super(graph, "SGD", learningRate, firstSlotCreation);
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  @Override
  protected void createSlotsOnce(Ops init, List<Output<TFloat32>> variables) {
    for (Output<TFloat32> w : variables) createFilledSlot(init, w, MOMENTUM, 0f);
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    Output<TFloat32> g = floats(gradient);
    Output<TFloat32> w = floats(variable);
    Variable<TFloat32> m = slot(w, MOMENTUM);
    Operand<TFloat32> mu = deps.constant(momentum);
    Operand<TFloat32> step = deps.math.mul(g, learningRate(deps));
    Operand<TFloat32> mT = deps.assign(m, deps.math.sub(deps.math.mul(m, mu), step));
    return deps.assignAdd(w, nesterov ? deps.math.sub(deps.math.mul(mT, mu), step) : mT);
  }

  @Override
  public String getOptimizerName() {
    return "SGD";
  }
}
