package io.jkeras.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.RMSProp;
import org.tensorflow.types.family.TType;

/**
 * Keras's {@code RMSprop}: learning_rate 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false.
 * The framework's RMSProp with Keras 3's initial slot values (all zeros).
 */
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
    return new RMSProp(graph, lr, rho, momentum, epsilon, centered) {
      // Keras starts the mean square ("velocity") at 0; the framework, like TF 1's
      // RMSPropOptimizer, at 1, which makes the first steps up to sqrt(1/(1-rho)) times too small.
      // Same slots, Keras's initial values.
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (!firstSlotCreation()) return;
        for (Output<? extends TType> v : variables) createZeroSlots(v);
      }

      private <T extends TType> void createZeroSlots(Output<T> v) {
        createSlot(v, RMS, zeros(v));
        createSlot(v, MOMENTUM, zeros(v));
        if (centered) createSlot(v, MG, zeros(v));
      }

      private <T extends TType> Operand<T> zeros(Output<T> v) {
        return tf.fill(tf.shape(v), tf.dtypes.cast(tf.constant(0.0f), v.type()));
      }
    };
  }

  /**
   * Keras has a momentum slot only with momentum > 0 (the framework always has one: with
   * momentum 0 it holds the last step, which the next step overwrites).
   */
  @Override
  protected List<String> kerasSlots() {
    List<String> r = new ArrayList<>(List.of("velocity"));
    if (momentum > 0) r.add("momentum");
    if (centered) r.add("average_gradient");
    return r;
  }

  /** Keras 3 creates each kind for every weight before the next kind. */
  @Override
  protected boolean interleaved() {
    return false;
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    switch (kerasSlot) {
      case "velocity": return RMSProp.RMS;
      case "momentum": return RMSProp.MOMENTUM;
      default: return RMSProp.MG;
    }
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("rho", (double) rho);
    c.put("momentum", (double) momentum);
    c.put("epsilon", (double) epsilon);
    c.put("centered", centered);

  }
}
