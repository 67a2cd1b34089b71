package io.jkeras.optimizers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.types.family.TType;

/** Keras's {@code Ftrl}: learning_rate 0.001, learning_rate_power -0.5, initial_accumulator_value 0.1, l1/l2 0. */
public final class Ftrl extends Optimizer {
  private float learningRatePower = -0.5f;
  private float initialAccumulatorValue = 0.1f;
  private float l1 = 0f;
  private float l2 = 0f;
  private float l2Shrinkage = 0f;

  public Ftrl() {
    super(0.001f);
  }

  public Ftrl(float learningRate) {
    super(checkRate(learningRate));
  }

  /**
   * Ftrl's update divides by the learning rate (Keras's and TF's alike), so 0 would turn the
   * weights into NaN: it is refused here rather than silently corrupting the model.
   */
  @Override
  public void setLearningRate(float lr) {
    super.setLearningRate(checkRate(lr));
  }

  private static float checkRate(float lr) {
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException("Ftrl: the learning rate must be > 0 and finite (the update divides by it), got " + lr);
    }
    return lr;
  }

  public Ftrl learningRatePower(float v) {
    this.learningRatePower = v;
    return this;
  }

  public Ftrl initialAccumulatorValue(float v) {
    this.initialAccumulatorValue = v;
    return this;
  }

  public Ftrl l1(float v) {
    this.l1 = v;
    return this;
  }

  public Ftrl l2(float v) {
    this.l2 = v;
    return this;
  }

  public Ftrl l2Shrinkage(float v) {
    this.l2Shrinkage = v;
    return this;
  }

  @Override
  public String className() {
    return "Ftrl";
  }

  @Override
  protected org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr) {
    return new org.tensorflow.framework.optimizers.Ftrl(graph, lr, learningRatePower, initialAccumulatorValue, l1, l2, l2Shrinkage) {
      @Override
      protected void createSlots(List<Output<? extends TType>> variables) {
        if (firstSlotCreation()) super.createSlots(variables);
      }
    };
  }

  @Override
  protected List<String> kerasSlots() {
    return List.of("accumulator", "linear");
  }

  @Override
  protected String frameworkSlot(String kerasSlot) {
    return kerasSlot.equals("accumulator") ? org.tensorflow.framework.optimizers.Ftrl.ACCUMULATOR
        : org.tensorflow.framework.optimizers.Ftrl.LINEAR_ACCUMULATOR;
  }

  @Override
  protected float initialSlotValue(String kerasSlot) {
    return kerasSlot.equals("accumulator") ? initialAccumulatorValue : 0f;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("learning_rate_power", (double) learningRatePower);
    c.put("initial_accumulator_value", (double) initialAccumulatorValue);
    c.put("l1_regularization_strength", (double) l1);
    c.put("l2_regularization_strength", (double) l2);
    c.put("l2_shrinkage_regularization_strength", (double) l2Shrinkage);

  }
}
