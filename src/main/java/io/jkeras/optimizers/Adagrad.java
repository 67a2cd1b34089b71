package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.types.family.TType;

/** Keras's {@code Adagrad}: learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7. */
public final class Adagrad extends Optimizer {
  private float initialAccumulatorValue = 0.1f;
  private float epsilon = 1e-7f;

  public Adagrad() {
    super(0.001f);
  }

  public Adagrad(float learningRate) {
    super(learningRate);
  }

  public Adagrad initialAccumulatorValue(float v) {
    this.initialAccumulatorValue = v;
    return this;
  }

  public Adagrad epsilon(float v) {
    this.epsilon = v;
    return this;
  }

  @Override
  public String className() {
    return "Adagrad";
  }

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new org.tensorflow.framework.optimizers.AdaGrad(graph, lr, initialAccumulatorValue) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) super.createSlots(variables);
      }
    };
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("accumulator");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return org.tensorflow.framework.optimizers.AdaGrad.ACCUMULATOR;
  }

  @Override
  protected float initialSlotValue(String kerasSlot) {
    return initialAccumulatorValue;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("initial_accumulator_value", (double) initialAccumulatorValue);
    c.put("epsilon", (double) epsilon);

  }
}
