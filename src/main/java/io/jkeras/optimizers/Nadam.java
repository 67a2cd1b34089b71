package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.types.TFloat32;

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

  private KerasNadamUpdate update;

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    // Keras 3's rule, not the framework's TF 2 legacy Nadam (see KerasNadamUpdate).
    update = new KerasNadamUpdate(graph, lr, beta1, beta2, epsilon, this::firstSlotCreation);
    return update;
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("momentum", "velocity");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return kerasSlot.equals("momentum") ? KerasNadamUpdate.M : KerasNadamUpdate.V;
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
  protected List<Output<TFloat32>> scalarVariables() {
    return update == null || update.uProduct() == null ? List.of() : List.of(update.uProduct());
  }

  /** The update's own step count, a float variable, follows the optimizer's iterations. */
  @Override
  protected Map<Output<TFloat32>, Float> iterationScalars(long steps) {
    return update == null || update.iterations() == null ? Map.of() : Map.of(update.iterations(), (float) steps);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("beta_1", (double) beta1);
    c.put("beta_2", (double) beta2);
    c.put("epsilon", (double) epsilon);

  }
}
