package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** Keras's {@code Adam}: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7. */
public final class Adam extends Optimizer {
  private float beta1 = 0.9f;
  private float beta2 = 0.999f;
  private float epsilon = 1e-7f;

  public Adam() {
    super(0.001f);
  }

  public Adam(float learningRate) {
    super(learningRate);
  }

  public Adam beta1(float b) {
    this.beta1 = b;
    return this;
  }

  public Adam beta2(float b) {
    this.beta2 = b;
    return this;
  }

  public Adam epsilon(float e) {
    this.epsilon = e;
    return this;
  }

  @Override
  public String className() {
    return "Adam";
  }

  private final BetaPowers powers = new BetaPowers();

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new org.tensorflow.framework.optimizers.Adam(graph, lr, beta1, beta2, epsilon) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) {
          Set<String> before = BetaPowers.variableNames(graph);
          super.createSlots(variables);
          powers.find(graph, before, "beta1_power", beta1);
          powers.find(graph, before, "beta2_power", beta2);
        }
      }

      // The framework's finish advances the beta powers unordered with the update (see BetaPowers).
      @Override
      protected Op finish(List<Op> updateOperations, String name) {
        return powers.finish(graph, tf, updateOperations, name);
      }
    };
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("momentum", "velocity");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return kerasSlot.equals("momentum") ? org.tensorflow.framework.optimizers.Adam.FIRST_MOMENT
        : org.tensorflow.framework.optimizers.Adam.SECOND_MOMENT;
  }

  // Keras derives the bias correction from the step count; the framework keeps beta powers.
  @Override
  protected Map<Output<TFloat32>, Float> iterationScalars(long steps) {
    return powers.afterSteps(steps);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("beta_1", (double) beta1);
    c.put("beta_2", (double) beta2);
    c.put("epsilon", (double) epsilon);
    c.put("amsgrad", false);
  }
}
