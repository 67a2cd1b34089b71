package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;

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
    // Keras 3's rule, epsilon included, not TF's ApplyAdagrad (see KerasAdagradUpdate).
    return new KerasAdagradUpdate(graph, lr, initialAccumulatorValue, epsilon, this::firstSlotCreation);
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("accumulator");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return KerasAdagradUpdate.ACCUMULATOR;
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
