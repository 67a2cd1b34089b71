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
 * Keras 3's Adagrad ({@code keras/src/optimizers/adagrad.py}): acc += g^2; w -= lr*g/sqrt(acc +
 * epsilon). TensorFlow's ApplyAdagrad (the framework's AdaGrad) has no epsilon: w -= lr*g/sqrt(acc),
 * which turns a weight into NaN where the accumulator is still 0 and the gradient 0 (an
 * initial_accumulator_value of 0 and an Embedding row no batch has used), where Keras leaves it.
 */
final class KerasAdagradUpdate extends KerasUpdate {
  static final String ACCUMULATOR = "accumulator";

  private final float initialAccumulatorValue;
  private final float epsilon;

  KerasAdagradUpdate(Graph graph, float learningRate, float initialAccumulatorValue, float epsilon,
      BooleanSupplier firstSlotCreation) {
    super(graph, "Adagrad", learningRate, firstSlotCreation);
    this.initialAccumulatorValue = initialAccumulatorValue;
    this.epsilon = epsilon;
  }

  @Override
  protected void createSlotsOnce(Ops init, List<Output<TFloat32>> variables) {
    for (Output<TFloat32> w : variables) createFilledSlot(init, w, ACCUMULATOR, initialAccumulatorValue);
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    Output<TFloat32> g = floats(gradient);
    Output<TFloat32> w = floats(variable);
    Variable<TFloat32> acc = slot(w, ACCUMULATOR);
    Operand<TFloat32> accT = deps.assignAdd(acc, deps.math.square(g));
    Operand<TFloat32> delta = deps.math.div(deps.math.mul(learningRate(deps), g),
        deps.math.sqrt(deps.math.add(accT, deps.constant(epsilon))));
    return deps.assignSub(w, delta);
  }

  @Override
  public String getOptimizerName() {
    return "Adagrad";
  }
}
