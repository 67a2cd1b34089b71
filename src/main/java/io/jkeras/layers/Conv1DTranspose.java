package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Conv1DTranspose}: the transpose (gradient) of a Conv1D, lengthening the
 * sequence by the stride; kernel (kernel_size, filters, channels), bias (filters). The output
 * length is Keras's: (steps - 1) * strides + max(span, strides) for "valid", steps * strides for
 * "same", and with {@code output_padding} (less than strides) as Keras computes it.
 */
public final class Conv1DTranspose extends Layer<Conv1DTranspose> {
  private final int filters;
  private final int kernelSize;
  private int strides = 1;
  private String padding = "valid";
  private Integer outputPadding;
  private int dilationRate = 1;
  private Activation activation = Activations.get("linear");
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.get("glorot_uniform");
  private Initializer biasInitializer = Initializers.get("zeros");
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private Constraint kernelConstraint;
  private Constraint biasConstraint;
  private Weight kernel;
  private Weight bias;

  /** A Conv1DTranspose to {@code filters} channels with kernels of {@code kernelSize} steps. */
  public Conv1DTranspose(int filters, int kernelSize) {
    Conv1DSupport.positive("Conv1DTranspose", "filters", filters);
    Conv1DSupport.positive("Conv1DTranspose", "kernel_size", kernelSize);
    this.filters = filters;
    this.kernelSize = kernelSize;
  }

  /** Keras's {@code Conv1DTranspose.from_config}. */
  public static Conv1DTranspose fromConfig(Config c) {
    Conv1DTranspose l = new Conv1DTranspose(c.getInt("filters"), Conv1DSupport.oneInt(c, "kernel_size", null, "Conv1DTranspose"));
    l.readBaseConfig(c);
    l.strides(Conv1DSupport.oneInt(c, "strides", 1, "Conv1DTranspose"));
    l.padding(c.getString("padding", "valid"));
    JsonNode op = c.has("output_padding") ? c.getNode("output_padding") : null;
    c.ignore("output_padding");
    if (op != null) l.outputPadding(Conv1DSupport.oneInt(c, "output_padding", null, "Conv1DTranspose"));
    Conv1DSupport.channelsLast(c, "Conv1DTranspose");
    l.dilationRate(Conv1DSupport.oneInt(c, "dilation_rate", 1, "Conv1DTranspose"));
    l.activation(c.activation("activation", "linear"));
    l.useBias(c.getBool("use_bias", true));
    l.kernelInitializer = c.initializer("kernel_initializer", "glorot_uniform");
    l.biasInitializer = c.initializer("bias_initializer", "zeros");
    l.kernelRegularizer = c.regularizer("kernel_regularizer");
    l.biasRegularizer = c.regularizer("bias_regularizer");
    l.kernelConstraint = c.constraint("kernel_constraint");
    l.biasConstraint = c.constraint("bias_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    l.validate();
    return l;
  }

  private void validate() {
    if (strides > 1 && dilationRate > 1) {
      throw new IllegalArgumentException("Conv1DTranspose: strides > 1 cannot be combined with dilation_rate > 1 (Keras refuses it"
          + " too), got strides=" + strides + ", dilation_rate=" + dilationRate);
    }
    if (outputPadding != null && outputPadding >= strides) {
      throw new IllegalArgumentException("Conv1DTranspose: output_padding (" + outputPadding + ") must be less than strides ("
          + strides + ")");
    }
  }

  /** Keras's {@code strides}. */
  public Conv1DTranspose strides(int strides) {
    Conv1DSupport.positive("Conv1DTranspose", "strides", strides);
    this.strides = strides;
    return this;
  }

  /** Keras's {@code padding}: "valid" or "same". */
  public Conv1DTranspose padding(String padding) {
    this.padding = Conv1DSupport.padding("Conv1DTranspose", padding, false);
    return this;
  }

  /** Keras's {@code output_padding} (null: Keras's default rule), non-negative and less than strides. */
  public Conv1DTranspose outputPadding(Integer outputPadding) {
    if (outputPadding != null && outputPadding < 0) {
      throw new IllegalArgumentException("Conv1DTranspose: output_padding must be >= 0, got " + outputPadding);
    }
    this.outputPadding = outputPadding;
    return this;
  }

  /** Keras's {@code dilation_rate}. */
  public Conv1DTranspose dilationRate(int d) {
    Conv1DSupport.positive("Conv1DTranspose", "dilation_rate", d);
    this.dilationRate = d;
    return this;
  }

  /** Keras's {@code activation} by name. */
  public Conv1DTranspose activation(String name) {
    return activation(Activations.get(name));
  }

  /** Keras's {@code activation}. */
  public Conv1DTranspose activation(Activation a) {
    this.activation = a;
    return this;
  }

  /** Keras's {@code use_bias}. */
  public Conv1DTranspose useBias(boolean useBias) {
    this.useBias = useBias;
    return this;
  }

  /** Keras's {@code kernel_initializer}. */
  public Conv1DTranspose kernelInitializer(Initializer init) {
    this.kernelInitializer = init;
    return this;
  }

  /** Keras's {@code bias_initializer}. */
  public Conv1DTranspose biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return this;
  }

  /** Keras's {@code kernel_regularizer}. */
  public Conv1DTranspose kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = r;
    return this;
  }

  /** Keras's {@code bias_regularizer}. */
  public Conv1DTranspose biasRegularizer(Regularizer r) {
    this.biasRegularizer = r;
    return this;
  }

  /** Keras's {@code kernel_constraint}. */
  public Conv1DTranspose kernelConstraint(Constraint c) {
    this.kernelConstraint = c;
    return this;
  }

  /** Keras's {@code bias_constraint}. */
  public Conv1DTranspose biasConstraint(Constraint c) {
    this.biasConstraint = c;
    return this;
  }

  /** The output length is (steps - 1) * strides + this (Keras's _get_output_shape_given_tf_padding). */
  private long extra() {
    long span = Conv1DSupport.span(kernelSize, dilationRate);
    if (padding.equals("valid")) return outputPadding == null ? Math.max(span, strides) : span + outputPadding;
    return outputPadding == null ? strides : span % 2 + outputPadding;
  }

  @Override
  protected void checkInputShape(long[] s) {
    validate();
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, steps, channels)", s);
    if (s[2] < 0) throw shapeError("the channels dimension must be known", s);
    if (s[1] == 0) throw shapeError("the sequence must have at least one step", s);
  }

  @Override
  protected void build(long[] s) {
    kernel = addWeight("kernel", new long[] {kernelSize, filters, s[2]}, kernelInitializer, true, kernelRegularizer, kernelConstraint);
    if (useBias) bias = addWeight("bias", new long[] {filters}, biasInitializer, true, biasRegularizer, biasConstraint);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], s[1] < 0 ? -1 : (s[1] - 1) * strides + extra(), filters};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    // (batch, 1, out, filters), from the input's dynamic batch and length.
    Operand<TInt32> shape = tf.shape(inputs);
    Operand<TInt32> batch = tf.slice(shape, tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TInt32> steps = tf.slice(shape, tf.constant(new int[] {1}), tf.constant(new int[] {1}));
    long known = inputs.shape().size(1);
    // A constant length where it is known keeps it known to the layers after (an RNN needs it).
    Operand<TInt32> out = known >= 0 ? tf.constant(new int[] {(int) ((known - 1) * strides + extra())}) : tf.math.add(tf.math.mul(tf.math.sub(steps, tf.constant(new int[] {1})), tf.constant(new int[] {strides})),
        tf.constant(new int[] {(int) extra()}));
    Operand<TInt32> sizes = tf.concat(List.of(batch, tf.constant(new int[] {1}), out, tf.constant(new int[] {filters})), tf.constant(0));
    Operand<TFloat32> k = tf.expandDims(Conv1DSupport.dilate(tf, read(kernel), kernelSize, dilationRate), tf.constant(0));
    Operand<TFloat32> y = Conv1DSupport.from2d(tf, tf.nn.conv2dBackpropInput(sizes, k, Conv1DSupport.to2d(tf, inputs),
        List.of(1L, 1L, (long) strides, 1L), padding.toUpperCase(Locale.ROOT)));
    if (useBias) y = Conv1DSupport.addBias(tf, y, read(bias));
    return activation.apply(tf, y);
  }

  @Override
  public List<Activation> activations() {
    return List.of(activation);
  }

  /** The kernel's last axis is the input channels, not the filters: no column scaling carries Keras 2's hard_sigmoid. */
  @Override
  public String keras2HardSigmoidNotScalable() {
    return Activations.isKeras2HardSigmoid(activation) ? "its activation" : null;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("filters", filters);
    c.put("kernel_size", List.of(kernelSize));
    c.put("strides", List.of(strides));
    c.put("padding", padding);
    c.put("output_padding", outputPadding == null ? null : List.of(outputPadding));
    c.put("data_format", "channels_last");
    c.put("dilation_rate", List.of(dilationRate));
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put("kernel_initializer", KerasObjects.initializer(kernelInitializer));
    c.put("bias_initializer", KerasObjects.initializer(biasInitializer));
    c.put("kernel_regularizer", KerasObjects.regularizer(kernelRegularizer));
    c.put("bias_regularizer", KerasObjects.regularizer(biasRegularizer));
    c.put("activity_regularizer", null);
    c.put("kernel_constraint", KerasObjects.constraint(kernelConstraint));
    c.put("bias_constraint", KerasObjects.constraint(biasConstraint));
  }
}
