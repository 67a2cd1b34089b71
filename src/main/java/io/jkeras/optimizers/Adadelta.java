package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.AdaDelta;
import org.tensorflow.types.family.TType;

/** Keras's {@code Adadelta}: learning_rate 0.001, rho 0.95, epsilon 1e-7. */
public final class Adadelta extends Optimizer {
  private float rho = 0.95f;
  private float epsilon = 1e-7f;

  public Adadelta() {
    super(0.001f);
  }

  public Adadelta(float learningRate) {
    super(learningRate);
  }

  public Adadelta rho(float v) {
    this.rho = v;
    return this;
  }

  public Adadelta epsilon(float v) {
    this.epsilon = v;
    return this;
  }

  @Override
  public String className() {
    return "Adadelta";
  }

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new AdaDelta(graph, lr, rho, epsilon) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) super.createSlots(variables);
      }
    };
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("accumulated_grad", "accumulated_delta_var");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return kerasSlot.equals("accumulated_grad") ? AdaDelta.ACCUMULATOR
        : AdaDelta.ACCUMULATOR_UPDATE;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("rho", (double) rho);
    c.put("epsilon", (double) epsilon);

  }
}
