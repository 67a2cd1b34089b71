package io.jkeras.optimizers;

import java.util.Map;
import org.tensorflow.Graph;

/** Keras's {@code Nadam}: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7. */
public final class Nadam extends Optimizer {
  private float beta1 = 0.9f;
  private float beta2 = 0.999f;
  private float epsilon = 1e-7f;

  public Nadam() {
    super(0.001f);
  }

  public Nadam(float learningRate) {
    super(learningRate);
  }

  public Nadam beta1(float v) {
    this.beta1 = v;
    return this;
  }

  public Nadam beta2(float v) {
    this.beta2 = v;
    return this;
  }

  public Nadam epsilon(float v) {
    this.epsilon = v;
    return this;
  }

  @Override
  public String className() {
    return "Nadam";
  }

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    // Keras 3's rule, not the framework's TF 2 legacy Nadam (see KerasNadamUpdate).
    return new KerasNadamUpdate(graph, lr, beta1, beta2, epsilon, this::firstSlotCreation);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("beta_1", (double) beta1);
    c.put("beta_2", (double) beta2);
    c.put("epsilon", (double) epsilon);

  }
}
