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
 * Keras's {@code Conv1D}: filters over (batch, steps, channels), kernel (kernel_size,
 * channels / groups, filters) then bias (filters). Padding "valid", "same" or "causal"
 * (zeros before the first step, so that step t sees only steps up to t). No masking, as in
 * Keras: a mask arriving here is dropped.
 */
public final class Conv1D extends Layer<Conv1D> {
  private final int filters;
  private final int kernelSize;
  private int strides = 1;
  private String padding = "valid";
  private int dilationRate = 1;
  private int groups = 1;
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

  /** A Conv1D of {@code filters} filters of {@code kernelSize} steps; the other arguments take Keras's defaults. */
  public Conv1D(int filters, int kernelSize) {
    Conv1DSupport.positive("Conv1D", "filters", filters);
    Conv1DSupport.positive("Conv1D", "kernel_size", kernelSize);
    this.filters = filters;
    this.kernelSize = kernelSize;
  }

  /**
   * Keras's {@code Conv1D.from_config}; Keras 1's Convolution1D names too (nb_filter,
   * filter_length, border_mode, subsample_length, init, W_/b_regularizer, W_/b_constraint, bias).
   */
  public static Conv1D fromConfig(Config c) {
    c.legacy("nb_filter", "filters");
    c.legacy("filter_length", "kernel_size");
    c.legacy("border_mode", "padding");
    c.legacy("subsample_length", "strides");
    c.legacy("init", "kernel_initializer");
    c.legacy("W_regularizer", "kernel_regularizer");
    c.legacy("b_regularizer", "bias_regularizer");
    c.legacy("W_constraint", "kernel_constraint");
    c.legacy("b_constraint", "bias_constraint");
    c.legacy("bias", "use_bias");
    Conv1D l = new Conv1D(c.getInt("filters"), Conv1DSupport.oneInt(c, "kernel_size", null, "Conv1D"));
    l.readBaseConfig(c);
    long[] declared = l.batchInputShape();
    // Keras 1 gave a sequence's channels as input_dim alone: (None, input_dim) per sample.
    if (declared != null && declared.length == 2 && c.has("input_dim")) l.inputShape(-1, declared[1]);
    l.strides(Conv1DSupport.oneInt(c, "strides", 1, "Conv1D"));
    l.padding(c.getString("padding", "valid"));
    Conv1DSupport.channelsLast(c, "Conv1D");
    l.dilationRate(Conv1DSupport.oneInt(c, "dilation_rate", 1, "Conv1D"));
    l.groups(c.getInt("groups", 1));
    l.activation(c.activation("activation", "linear"));
    l.useBias(c.getBool("use_bias", true));
    l.kernelInitializer(c.initializer("kernel_initializer", "glorot_uniform"));
    l.biasInitializer(c.initializer("bias_initializer", "zeros"));
    l.kernelRegularizer = c.regularizer("kernel_regularizer");
    l.biasRegularizer = c.regularizer("bias_regularizer");
    l.kernelConstraint = c.constraint("kernel_constraint");
    l.biasConstraint = c.constraint("bias_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    c.requireNull("lora_rank", "LoRA");
    c.ignore("lora_alpha");
    l.validate();
    return l;
  }

  private void validate() {
    if (filters % groups != 0) {
      throw new IllegalArgumentException("Conv1D: filters (" + filters + ") must be divisible by groups (" + groups + ")");
    }
    if (strides > 1 && dilationRate > 1) {
      throw new IllegalArgumentException("Conv1D: strides > 1 cannot be combined with dilation_rate > 1 (Keras refuses it too), got strides="
          + strides + ", dilation_rate=" + dilationRate);
    }
  }

  /** Keras's {@code strides}. */
  public Conv1D strides(int strides) {
    Conv1DSupport.positive("Conv1D", "strides", strides);
    this.strides = strides;
    return this;
  }

  /** Keras's {@code padding}: "valid", "same" or "causal". */
  public Conv1D padding(String padding) {
    this.padding = Conv1DSupport.padding("Conv1D", padding, true);
    return this;
  }

  /** Keras's {@code dilation_rate}. */
  public Conv1D dilationRate(int dilationRate) {
    Conv1DSupport.positive("Conv1D", "dilation_rate", dilationRate);
    this.dilationRate = dilationRate;
    return this;
  }

  /** Keras's {@code groups}: channels and filters are split into this many independent convolutions. */
  public Conv1D groups(int groups) {
    Conv1DSupport.positive("Conv1D", "groups", groups);
    this.groups = groups;
    return this;
  }

  /** Keras's {@code activation} by name. */
  public Conv1D activation(String name) {
    return activation(Activations.get(name));
  }

  /** Keras's {@code activation}. */
  public Conv1D activation(Activation activation) {
    this.activation = activation;
    return this;
  }

  /** Keras's {@code use_bias}. */
  public Conv1D useBias(boolean useBias) {
    this.useBias = useBias;
    return this;
  }

  /** Keras's {@code kernel_initializer} by name. */
  public Conv1D kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  /** Keras's {@code kernel_initializer}. */
  public Conv1D kernelInitializer(Initializer init) {
    this.kernelInitializer = init;
    return this;
  }

  /** Keras's {@code bias_initializer} by name. */
  public Conv1D biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  /** Keras's {@code bias_initializer}. */
  public Conv1D biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return this;
  }

  /** Keras's {@code kernel_regularizer}. */
  public Conv1D kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = r;
    return this;
  }

  /** Keras's {@code bias_regularizer}. */
  public Conv1D biasRegularizer(Regularizer r) {
    this.biasRegularizer = r;
    return this;
  }

  /** Keras's {@code kernel_constraint}. */
  public Conv1D kernelConstraint(Constraint c) {
    this.kernelConstraint = c;
    return this;
  }

  /** Keras's {@code bias_constraint}. */
  public Conv1D biasConstraint(Constraint c) {
    this.biasConstraint = c;
    return this;
  }

  @Override
  protected void checkInputShape(long[] s) {
    validate();
    Conv1DSupport.checkSequence(this, s, kernelSize, dilationRate, padding, "kernel_size " + kernelSize + " spans");
    if (s[2] % groups != 0) throw shapeError("the input channels must be divisible by groups (" + groups + ")", s);
  }

  @Override
  protected void build(long[] s) {
    kernel = addWeight("kernel", new long[] {kernelSize, s[2] / groups, filters}, kernelInitializer, true,
        kernelRegularizer, kernelConstraint);
    if (useBias) bias = addWeight("bias", new long[] {filters}, biasInitializer, true, biasRegularizer, biasConstraint);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], Conv1DSupport.outputLength(s[1], kernelSize, strides, dilationRate, padding), filters};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TFloat32> x = inputs;
    String p = padding;
    if (p.equals("causal")) {
      x = Conv1DSupport.causalPad(tf, x, kernelSize, dilationRate);
      p = "valid";
    }
    Operand<TFloat32> k = Conv1DSupport.dilate(tf, read(kernel), kernelSize, dilationRate);
    Operand<TFloat32> y = Conv1DSupport.conv(tf, x, k, strides, p, groups);
    if (useBias) y = Conv1DSupport.addBias(tf, y, read(bias));
    return activation.apply(tf, y);
  }

  @Override
  public List<Activation> activations() {
    return List.of(activation);
  }

  /** Keras 2's hard_sigmoid as the activation: every filter feeds it (kernel and bias, last axis). */
  @Override
  public float[] keras3ColumnScale(Weight w) {
    return keras2HardSigmoidScale(w, Activations.isKeras2HardSigmoid(activation));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("filters", filters);
    c.put("kernel_size", List.of(kernelSize));
    c.put("strides", List.of(strides));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.put("dilation_rate", List.of(dilationRate));
    c.put("groups", groups);
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
