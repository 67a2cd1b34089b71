package io.jkeras.layers;

import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SeparableConv1D}: a depthwise convolution (each channel on its own,
 * {@code depth_multiplier} filters each) then a pointwise (1-step) convolution to
 * {@code filters}; weights depthwise_kernel (kernel_size, channels, depth_multiplier),
 * pointwise_kernel (1, channels * depth_multiplier, filters), bias (filters), in Keras's order.
 */
public final class SeparableConv1D extends Layer<SeparableConv1D> {
  private final int filters;
  private final int kernelSize;
  private int strides = 1;
  private String padding = "valid";
  private int dilationRate = 1;
  private int depthMultiplier = 1;
  private Activation activation = Activations.get("linear");
  private boolean useBias = true;
  private Initializer depthwiseInitializer = Initializers.get("glorot_uniform");
  private Initializer pointwiseInitializer = Initializers.get("glorot_uniform");
  private Initializer biasInitializer = Initializers.get("zeros");
  private Regularizer depthwiseRegularizer;
  private Regularizer pointwiseRegularizer;
  private Regularizer biasRegularizer;
  private Constraint depthwiseConstraint;
  private Constraint pointwiseConstraint;
  private Constraint biasConstraint;
  private Weight depthwiseKernel;
  private Weight pointwiseKernel;
  private Weight bias;

  /** A SeparableConv1D to {@code filters} channels with depthwise kernels of {@code kernelSize} steps. */
  public SeparableConv1D(int filters, int kernelSize) {
    Conv1DSupport.positive("SeparableConv1D", "filters", filters);
    Conv1DSupport.positive("SeparableConv1D", "kernel_size", kernelSize);
    this.filters = filters;
    this.kernelSize = kernelSize;
  }

  /** Keras's {@code SeparableConv1D.from_config}. */
  public static SeparableConv1D fromConfig(Config c) {
    SeparableConv1D l = new SeparableConv1D(c.getInt("filters"), Conv1DSupport.oneInt(c, "kernel_size", null, "SeparableConv1D"));
    l.readBaseConfig(c);
    l.strides(Conv1DSupport.oneInt(c, "strides", 1, "SeparableConv1D"));
    l.padding(c.getString("padding", "valid"));
    Conv1DSupport.channelsLast(c, "SeparableConv1D");
    l.dilationRate(Conv1DSupport.oneInt(c, "dilation_rate", 1, "SeparableConv1D"));
    l.depthMultiplier(c.getInt("depth_multiplier", 1));
    l.activation(c.activation("activation", "linear"));
    l.useBias(c.getBool("use_bias", true));
    l.depthwiseInitializer = c.initializer("depthwise_initializer", "glorot_uniform");
    l.pointwiseInitializer = c.initializer("pointwise_initializer", "glorot_uniform");
    l.biasInitializer = c.initializer("bias_initializer", "zeros");
    l.depthwiseRegularizer = c.regularizer("depthwise_regularizer");
    l.pointwiseRegularizer = c.regularizer("pointwise_regularizer");
    l.biasRegularizer = c.regularizer("bias_regularizer");
    l.depthwiseConstraint = c.constraint("depthwise_constraint");
    l.pointwiseConstraint = c.constraint("pointwise_constraint");
    l.biasConstraint = c.constraint("bias_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    return l;
  }

  /** Keras's {@code strides}. */
  public SeparableConv1D strides(int strides) {
    Conv1DSupport.positive("SeparableConv1D", "strides", strides);
    this.strides = strides;
    return this;
  }

  /** Keras's {@code padding}: "valid" or "same". */
  public SeparableConv1D padding(String padding) {
    this.padding = Conv1DSupport.padding("SeparableConv1D", padding, false);
    return this;
  }

  /** Keras's {@code dilation_rate}. */
  public SeparableConv1D dilationRate(int d) {
    Conv1DSupport.positive("SeparableConv1D", "dilation_rate", d);
    this.dilationRate = d;
    return this;
  }

  /** Keras's {@code depth_multiplier}. */
  public SeparableConv1D depthMultiplier(int m) {
    Conv1DSupport.positive("SeparableConv1D", "depth_multiplier", m);
    this.depthMultiplier = m;
    return this;
  }

  /** Keras's {@code activation} by name. */
  public SeparableConv1D activation(String name) {
    return activation(Activations.get(name));
  }

  /** Keras's {@code activation}. */
  public SeparableConv1D activation(Activation a) {
    this.activation = a;
    return this;
  }

  /** Keras's {@code use_bias}. */
  public SeparableConv1D useBias(boolean useBias) {
    this.useBias = useBias;
    return this;
  }

  /** Keras's {@code depthwise_initializer}. */
  public SeparableConv1D depthwiseInitializer(Initializer init) {
    this.depthwiseInitializer = init;
    return this;
  }

  /** Keras's {@code pointwise_initializer}. */
  public SeparableConv1D pointwiseInitializer(Initializer init) {
    this.pointwiseInitializer = init;
    return this;
  }

  /** Keras's {@code bias_initializer}. */
  public SeparableConv1D biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return this;
  }

  /** Keras's {@code depthwise_regularizer}. */
  public SeparableConv1D depthwiseRegularizer(Regularizer r) {
    this.depthwiseRegularizer = r;
    return this;
  }

  /** Keras's {@code pointwise_regularizer}. */
  public SeparableConv1D pointwiseRegularizer(Regularizer r) {
    this.pointwiseRegularizer = r;
    return this;
  }

  /** Keras's {@code bias_regularizer}. */
  public SeparableConv1D biasRegularizer(Regularizer r) {
    this.biasRegularizer = r;
    return this;
  }

  /** Keras's {@code depthwise_constraint}. */
  public SeparableConv1D depthwiseConstraint(Constraint c) {
    this.depthwiseConstraint = c;
    return this;
  }

  /** Keras's {@code pointwise_constraint}. */
  public SeparableConv1D pointwiseConstraint(Constraint c) {
    this.pointwiseConstraint = c;
    return this;
  }

  /** Keras's {@code bias_constraint}. */
  public SeparableConv1D biasConstraint(Constraint c) {
    this.biasConstraint = c;
    return this;
  }

  @Override
  protected void checkInputShape(long[] s) {
    Conv1DSupport.checkSequence(this, s, kernelSize, dilationRate, padding, "kernel_size " + kernelSize + " spans");
  }

  @Override
  protected void build(long[] s) {
    depthwiseKernel = addWeight("depthwise_kernel", new long[] {kernelSize, s[2], depthMultiplier}, depthwiseInitializer, true,
        depthwiseRegularizer, depthwiseConstraint);
    pointwiseKernel = addWeight("pointwise_kernel", new long[] {1, s[2] * depthMultiplier, filters}, pointwiseInitializer, true,
        pointwiseRegularizer, pointwiseConstraint);
    if (useBias) bias = addWeight("bias", new long[] {filters}, biasInitializer, true, biasRegularizer, biasConstraint);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], Conv1DSupport.outputLength(s[1], kernelSize, strides, dilationRate, padding), filters};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TFloat32> k = Conv1DSupport.dilate(tf, read(depthwiseKernel), kernelSize, dilationRate);
    Operand<TFloat32> d = Conv1DSupport.depthwise(tf, inputs, k, strides, padding);
    Operand<TFloat32> y = Conv1DSupport.conv(tf, d, read(pointwiseKernel), 1, "valid", 1);
    if (useBias) y = Conv1DSupport.addBias(tf, y, read(bias));
    return activation.apply(tf, y);
  }

  @Override
  public List<Activation> activations() {
    return List.of(activation);
  }

  /** Keras 2's hard_sigmoid as the activation: the pointwise kernel's and the bias's filters feed it. */
  @Override
  public float[] keras3ColumnScale(Weight w) {
    if (w == depthwiseKernel) return null;
    return keras2HardSigmoidScale(w, Activations.isKeras2HardSigmoid(activation));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("depth_multiplier", depthMultiplier);
    c.put("filters", filters);
    c.put("kernel_size", List.of(kernelSize));
    c.put("strides", List.of(strides));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.put("dilation_rate", List.of(dilationRate));
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put("depthwise_initializer", KerasObjects.initializer(depthwiseInitializer));
    c.put("pointwise_initializer", KerasObjects.initializer(pointwiseInitializer));
    c.put("bias_initializer", KerasObjects.initializer(biasInitializer));
    c.put("depthwise_regularizer", KerasObjects.regularizer(depthwiseRegularizer));
    c.put("pointwise_regularizer", KerasObjects.regularizer(pointwiseRegularizer));
    c.put("bias_regularizer", KerasObjects.regularizer(biasRegularizer));
    c.put("activity_regularizer", null);
    c.put("depthwise_constraint", KerasObjects.constraint(depthwiseConstraint));
    c.put("pointwise_constraint", KerasObjects.constraint(pointwiseConstraint));
    c.put("bias_constraint", KerasObjects.constraint(biasConstraint));
  }
}
