package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.types.family.TType;

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

  private final BetaPowers schedule = new BetaPowers();

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new org.tensorflow.framework.optimizers.Nadam(graph, lr, beta1, beta2, epsilon) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) {
          java.util.Set<String> before = BetaPowers.variableNames(graph);
          super.createSlots(variables);
          // The product of the momentum schedule: Keras's u_product.
          schedule.find(graph, before, "momentum", 1f);
        }
      }
    };
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("momentum", "velocity");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return kerasSlot.equals("momentum") ? org.tensorflow.framework.optimizers.Nadam.FIRST_MOMENT
        : org.tensorflow.framework.optimizers.Nadam.SECOND_MOMENT;
  }

  /** Keras's u_product, an unnamed variable ("variable") after the slots. */
  @Override
  protected List<String> kerasScalars() {
    return List.of("variable");
  }

  @Override
  protected float initialScalarValue(String name) {
    return 1f;
  }

  @Override
  protected List<Output<org.tensorflow.types.TFloat32>> scalarVariables() {
    return schedule.variables();
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("beta_1", (double) beta1);
    c.put("beta_2", (double) beta2);
    c.put("epsilon", (double) epsilon);

  }
}
