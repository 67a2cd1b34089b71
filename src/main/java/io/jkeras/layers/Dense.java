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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Dense}: {@code activation(inputs @ kernel + bias)}, kernel (input_dim, units).
 * On inputs of rank > 2 it applies to the last axis, as Keras does.
 */
public final class Dense extends Layer<Dense> {
  private final int units;
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

  /** Keras's {@code Dense.from_config} (Keras 1 names too: output_dim, init, W_regularizer...). */
  public static Dense fromConfig(Config c) {
    c.legacy("output_dim", "units");
    c.legacy("init", "kernel_initializer");
    c.legacy("W_regularizer", "kernel_regularizer");
    c.legacy("b_regularizer", "bias_regularizer");
    c.legacy("W_constraint", "kernel_constraint");
    c.legacy("b_constraint", "bias_constraint");
    c.legacy("bias", "use_bias");
    Dense d = new Dense(c.getInt("units"));
    d.readBaseConfig(c);
    d.activation(c.activation("activation", "linear"));
    d.useBias(c.getBool("use_bias", true));
    d.kernelInitializer(c.initializer("kernel_initializer", "glorot_uniform"));
    d.biasInitializer(c.initializer("bias_initializer", "zeros"));
    d.kernelRegularizer = c.regularizer("kernel_regularizer");
    d.biasRegularizer = c.regularizer("bias_regularizer");
    d.kernelConstraint = c.constraint("kernel_constraint");
    d.biasConstraint = c.constraint("bias_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    c.requireNull("lora_rank", "LoRA");
    c.ignore("lora_alpha", "quantization_config");
    return d;
  }

  public Dense kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = r;
    return this;
  }

  public Dense biasRegularizer(Regularizer r) {
    this.biasRegularizer = r;
    return this;
  }

  public Dense kernelConstraint(Constraint c) {
    this.kernelConstraint = c;
    return this;
  }

  public Dense biasConstraint(Constraint c) {
    this.biasConstraint = c;
    return this;
  }

  public Dense(int units) {
    if (units <= 0) throw new IllegalArgumentException("Dense: units must be positive, got " + units);
    this.units = units;
    this.supportsMasking = true;
  }

  public Dense activation(String name) {
    return activation(Activations.get(name));
  }

  public Dense activation(Activation activation) {
    this.activation = activation;
    return this;
  }

  public Dense useBias(boolean useBias) {
    this.useBias = useBias;
    return this;
  }

  public Dense kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  public Dense kernelInitializer(Initializer init) {
    this.kernelInitializer = init;
    return this;
  }

  public Dense biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  public Dense biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return this;
  }

  public int units() {
    return units;
  }

  public Activation activation() {
    return activation;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    if (inputShape.length < 2) throw shapeError("expected input of rank >= 2 (batch, ..., features)", inputShape);
    if (inputShape[inputShape.length - 1] < 0) throw shapeError("the last dimension must be known", inputShape);
  }

  @Override
  protected void build(long[] inputShape) {
    long inputDim = inputShape[inputShape.length - 1];
    kernel = addWeight("kernel", new long[] {inputDim, units}, kernelInitializer, true, kernelRegularizer, kernelConstraint);
    if (useBias) bias = addWeight("bias", new long[] {units}, biasInitializer, true, biasRegularizer, biasConstraint);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    long[] out = Arrays.copyOf(inputShape, inputShape.length);
    out[out.length - 1] = units;
    return out;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    int rank = inputs.shape().numDimensions();
    Operand<TFloat32> y;
    if (rank == 2) {
      y = tf.linalg.matMul(inputs, read(kernel));
    } else {
      // Apply to the last axis: fold the leading axes into one, then restore them.
      long inputDim = kernel.shape()[0];
      Operand<TFloat32> flat = tf.reshape(inputs, tf.constant(new long[] {-1, inputDim}));
      Operand<TFloat32> y2 = tf.linalg.matMul(flat, read(kernel));
      long[] outShape = inputs.shape().asArray();
      outShape[outShape.length - 1] = units;
      boolean known = Arrays.stream(outShape, 1, outShape.length).allMatch(d -> d >= 0);
      if (known) {
        outShape[0] = -1;
        y = tf.reshape(y2, tf.constant(outShape));
      } else {
        Operand<TInt32> lead =
            tf.stridedSlice(tf.shape(inputs), tf.constant(new int[] {0}), tf.constant(new int[] {rank - 1}), tf.constant(new int[] {1}));
        y = tf.reshape(y2, tf.concat(List.of(lead, tf.constant(new int[] {units})), tf.constant(0)));
      }
    }
    if (useBias) y = tf.nn.biasAdd(y, read(bias));
    return activation.apply(tf, y);
  }

  @Override
  public List<Activation> activations() {
    return List.of(activation);
  }

  /** Keras 2's hard_sigmoid as the activation: every column feeds it. */
  @Override
  public float[] keras3ColumnScale(Weight w) {
    return keras2HardSigmoidScale(w, Activations.isKeras2HardSigmoid(activation));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("units", units);
    c.put("activation", activation.name());
    c.put("use_bias", useBias);
    c.put("kernel_initializer", KerasObjects.initializer(kernelInitializer));
    c.put("bias_initializer", KerasObjects.initializer(biasInitializer));
    c.put("kernel_regularizer", KerasObjects.regularizer(kernelRegularizer));
    c.put("bias_regularizer", KerasObjects.regularizer(biasRegularizer));
    c.put("kernel_constraint", KerasObjects.constraint(kernelConstraint));
    c.put("bias_constraint", KerasObjects.constraint(biasConstraint));
  }
}
