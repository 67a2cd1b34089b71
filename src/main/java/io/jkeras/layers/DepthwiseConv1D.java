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
 * Keras's {@code DepthwiseConv1D}: each input channel convolved on its own with
 * {@code depth_multiplier} filters; weights {@code kernel} (kernel_size, channels,
 * depth_multiplier) and {@code bias} (channels * depth_multiplier), output channel
 * c * depth_multiplier + m. Strides and dilation may be combined (Keras 3.15 subsamples a
 * stride-1 dilated convolution, which is what the spread kernel at the stride computes).
 */
public final class DepthwiseConv1D extends Layer<DepthwiseConv1D> {
  private final int kernelSize;
  private int strides = 1;
  private String padding = "valid";
  private int depthMultiplier = 1;
  private int dilationRate = 1;
  private Activation activation = Activations.get("linear");
  private boolean useBias = true;
  private Initializer depthwiseInitializer = Initializers.get("glorot_uniform");
  private Initializer biasInitializer = Initializers.get("zeros");
  private Regularizer depthwiseRegularizer;
  private Regularizer biasRegularizer;
  private Constraint depthwiseConstraint;
  private Constraint biasConstraint;
  private Weight kernel;
  private Weight bias;

  /** A DepthwiseConv1D with kernels of {@code kernelSize} steps. */
  public DepthwiseConv1D(int kernelSize) {
    Conv1DSupport.positive("DepthwiseConv1D", "kernel_size", kernelSize);
    this.kernelSize = kernelSize;
  }

  /** Keras's {@code DepthwiseConv1D.from_config}. */
  public static DepthwiseConv1D fromConfig(Config c) {
    DepthwiseConv1D l = new DepthwiseConv1D(Conv1DSupport.oneInt(c, "kernel_size", null, "DepthwiseConv1D"));
    l.readBaseConfig(c);
    l.strides(Conv1DSupport.oneInt(c, "strides", 1, "DepthwiseConv1D"));
    l.padding(c.getString("padding", "valid"));
    l.depthMultiplier(c.getInt("depth_multiplier", 1));
    Conv1DSupport.channelsLast(c, "DepthwiseConv1D");
    l.dilationRate(Conv1DSupport.oneInt(c, "dilation_rate", 1, "DepthwiseConv1D"));
    l.activation(c.activation("activation", "linear"));
    l.useBias(c.getBool("use_bias", true));
    l.depthwiseInitializer(c.initializer("depthwise_initializer", "glorot_uniform"));
    l.biasInitializer(c.initializer("bias_initializer", "zeros"));
    l.depthwiseRegularizer = c.regularizer("depthwise_regularizer");
    l.biasRegularizer = c.regularizer("bias_regularizer");
    l.depthwiseConstraint = c.constraint("depthwise_constraint");
    l.biasConstraint = c.constraint("bias_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    return l;
  }

  /** Keras's {@code strides}. */
  public DepthwiseConv1D strides(int strides) {
    Conv1DSupport.positive("DepthwiseConv1D", "strides", strides);
    this.strides = strides;
    return this;
  }

  /** Keras's {@code padding}: "valid" or "same". */
  public DepthwiseConv1D padding(String padding) {
    this.padding = Conv1DSupport.padding("DepthwiseConv1D", padding, false);
    return this;
  }

  /** Keras's {@code depth_multiplier}: filters per input channel. */
  public DepthwiseConv1D depthMultiplier(int m) {
    Conv1DSupport.positive("DepthwiseConv1D", "depth_multiplier", m);
    this.depthMultiplier = m;
    return this;
  }

  /** Keras's {@code dilation_rate}. */
  public DepthwiseConv1D dilationRate(int d) {
    Conv1DSupport.positive("DepthwiseConv1D", "dilation_rate", d);
    this.dilationRate = d;
    return this;
  }

  /** Keras's {@code activation} by name. */
  public DepthwiseConv1D activation(String name) {
    return activation(Activations.get(name));
  }

  /** Keras's {@code activation}. */
  public DepthwiseConv1D activation(Activation a) {
    this.activation = a;
    return this;
  }

  /** Keras's {@code use_bias}. */
  public DepthwiseConv1D useBias(boolean useBias) {
    this.useBias = useBias;
    return this;
  }

  /** Keras's {@code depthwise_initializer}. */
  public DepthwiseConv1D depthwiseInitializer(Initializer init) {
    this.depthwiseInitializer = init;
    return this;
  }

  /** Keras's {@code bias_initializer}. */
  public DepthwiseConv1D biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return this;
  }

  /** Keras's {@code depthwise_regularizer}. */
  public DepthwiseConv1D depthwiseRegularizer(Regularizer r) {
    this.depthwiseRegularizer = r;
    return this;
  }

  /** Keras's {@code bias_regularizer}. */
  public DepthwiseConv1D biasRegularizer(Regularizer r) {
    this.biasRegularizer = r;
    return this;
  }

  /** Keras's {@code depthwise_constraint}. */
  public DepthwiseConv1D depthwiseConstraint(Constraint c) {
    this.depthwiseConstraint = c;
    return this;
  }

  /** Keras's {@code bias_constraint}. */
  public DepthwiseConv1D biasConstraint(Constraint c) {
    this.biasConstraint = c;
    return this;
  }

  @Override
  protected void checkInputShape(long[] s) {
    Conv1DSupport.checkSequence(this, s, kernelSize, dilationRate, padding, "kernel_size " + kernelSize + " spans");
  }

  @Override
  protected void build(long[] s) {
    kernel = addWeight("kernel", new long[] {kernelSize, s[2], depthMultiplier}, depthwiseInitializer, true,
        depthwiseRegularizer, depthwiseConstraint);
    if (useBias) {
      bias = addWeight("bias", new long[] {s[2] * depthMultiplier}, biasInitializer, true, biasRegularizer, biasConstraint);
    }
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], Conv1DSupport.outputLength(s[1], kernelSize, strides, dilationRate, padding), s[2] * depthMultiplier};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TFloat32> k = Conv1DSupport.dilate(tf, read(kernel), kernelSize, dilationRate);
    Operand<TFloat32> y = Conv1DSupport.depthwise(tf, inputs, k, strides, padding);
    if (useBias) y = Conv1DSupport.addBias(tf, y, read(bias));
    return activation.apply(tf, y);
  }

  @Override
  public List<Activation> activations() {
    return List.of(activation);
  }

  /** The output channels interleave the kernel's last axis; no column scaling carries Keras 2's hard_sigmoid. */
  @Override
  public String keras2HardSigmoidNotScalable() {
    return Activations.isKeras2HardSigmoid(activation) ? "its activation" : null;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("depth_multiplier", depthMultiplier);
    c.put("kernel_size", List.of(kernelSize));
    c.put("strides", List.of(strides));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.put("dilation_rate", List.of(dilationRate));
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put("depthwise_initializer", KerasObjects.initializer(depthwiseInitializer));
    c.put("bias_initializer", KerasObjects.initializer(biasInitializer));
    c.put("depthwise_regularizer", KerasObjects.regularizer(depthwiseRegularizer));
    c.put("bias_regularizer", KerasObjects.regularizer(biasRegularizer));
    c.put("activity_regularizer", null);
    c.put("depthwise_constraint", KerasObjects.constraint(depthwiseConstraint));
    c.put("bias_constraint", KerasObjects.constraint(biasConstraint));
  }
}
