package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** Keras's {@code Adamax}: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7. */
public final class Adamax extends Optimizer {
  private float beta1 = 0.9f;
  private float beta2 = 0.999f;
  private float epsilon = 1e-7f;

  public Adamax() {
    super(0.001f);
  }

  public Adamax(float learningRate) {
    super(learningRate);
  }

  public Adamax beta1(float v) {
    this.beta1 = v;
    return this;
  }

  public Adamax beta2(float v) {
    this.beta2 = v;
    return this;
  }

  public Adamax epsilon(float v) {
    this.epsilon = v;
    return this;
  }

  @Override
  public String className() {
    return "Adamax";
  }

  private final BetaPowers powers = new BetaPowers();

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new org.tensorflow.framework.optimizers.Adamax(graph, lr, beta1, beta2, epsilon) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) {
          Set<String> before = BetaPowers.variableNames(graph);
          super.createSlots(variables);
          powers.find(graph, before, "beta1_power", beta1);
        }
      }

      // The framework's finish advances the beta powers unordered with the update (see BetaPowers).
      @Override
      protected Op finish(List<Op> updateOperations, String name) {
        return powers.finish(graph, tf, updateOperations, name);
      }
    };
  }

  /** Keras's "norm" is the exponentially weighted infinity norm, the framework's "v". */
  @Override
  protected List<String> kerasSlots() {
    return List.of("momentum", "norm");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return kerasSlot.equals("momentum") ? org.tensorflow.framework.optimizers.Adamax.FIRST_MOMENT
        : org.tensorflow.framework.optimizers.Adamax.SECOND_MOMENT;
  }

  @Override
  protected Map<Output<TFloat32>, Float> iterationScalars(long steps) {
    return powers.afterSteps(steps);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("beta_1", (double) beta1);
    c.put("beta_2", (double) beta2);
    c.put("epsilon", (double) epsilon);

  }
}
