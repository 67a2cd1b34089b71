package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.types.family.TType;

/** Keras's {@code SGD}: learning_rate 0.01, momentum 0, nesterov false. */
public final class SGD extends Optimizer {
  private float momentum;
  private boolean nesterov;

  public SGD() {
    super(0.01f);
  }

  public SGD(float learningRate) {
    super(learningRate);
  }

  public SGD momentum(float momentum) {
    if (momentum < 0 || momentum > 1) throw new IllegalArgumentException("SGD: momentum must be in [0, 1], got " + momentum);
    this.momentum = momentum;
    return this;
  }

  public SGD nesterov(boolean nesterov) {
    this.nesterov = nesterov;
    return this;
  }

  @Override
  public String className() {
    return "SGD";
  }

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    if (momentum == 0 && !nesterov) return new org.tensorflow.framework.optimizers.GradientDescent(graph, lr);
    return new org.tensorflow.framework.optimizers.Momentum(graph, lr, momentum, nesterov) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) super.createSlots(variables);
      }
    };
  }

  @Override
  protected List<String> kerasSlots() {
    return momentum != 0 ? List.of("momentum") : List.of();
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return org.tensorflow.framework.optimizers.Momentum.MOMENTUM;
  }

  /**
   * Keras keeps the velocity in weight units (m = momentum m - lr g; w += m), TF's
   * ApplyMomentum in gradient units (a = momentum a + g; w -= lr a): m = -lr a while the
   * learning rate is constant.
   */
  @Override
  protected float kerasScale(String kerasSlot, float lr) {
    return -lr;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("momentum", (double) momentum);
    c.put("nesterov", nesterov);
  }
}
