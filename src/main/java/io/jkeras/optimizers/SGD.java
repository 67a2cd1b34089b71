package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.framework.optimizers.GradientDescent;

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
    // Keras 3 has no momentum slot, nesterov or not, when momentum is 0.
    if (momentum == 0) return new GradientDescent(graph, lr);
    // Keras 3's velocity rule, not TF's ApplyMomentum (see KerasMomentumUpdate).
    return new KerasMomentumUpdate(graph, lr, momentum, nesterov, this::firstSlotCreation);
  }

  @Override
  protected List<String> kerasSlots() {
    return momentum != 0 ? List.of("momentum") : List.of();
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return KerasMomentumUpdate.MOMENTUM; // Keras's own velocity, in weight units
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("momentum", (double) momentum);
    c.put("nesterov", nesterov);
  }
}
