package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.types.family.TType;

/** Keras's {@code RMSprop}: learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false. */
public final class RMSprop extends Optimizer {
  private float rho = 0.9f;
  private float momentum = 0f;
  private float epsilon = 1e-7f;
  private boolean centered = false;

  public RMSprop() {
    super(0.001f);
  }

  public RMSprop(float learningRate) {
    super(learningRate);
  }

  public RMSprop rho(float v) {
    this.rho = v;
    return this;
  }

  public RMSprop momentum(float v) {
    this.momentum = v;
    return this;
  }

  public RMSprop epsilon(float v) {
    this.epsilon = v;
    return this;
  }

  public RMSprop centered(boolean v) {
    this.centered = v;
    return this;
  }

  @Override
  public String className() {
    return "RMSprop";
  }

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new org.tensorflow.framework.optimizers.RMSProp(graph, lr, rho, momentum, epsilon, centered) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) super.createSlots(variables);
      }
    };
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("rho", (double) rho);
    c.put("momentum", (double) momentum);
    c.put("epsilon", (double) epsilon);
    c.put("centered", centered);

  }
}
