package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.data.FloatArray;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.utils.Shapes;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Embedding}: maps integer ids (fed as float32, cast here) to rows of an
 * (input_dim, output_dim) matrix. With {@code mask_zero}, id 0 is padding and masks the step.
 */
public final class Embedding extends Layer<Embedding> {
  private final int inputDim;
  private final int outputDim;
  private boolean maskZero;
  private Initializer embeddingsInitializer = Initializers.fromConfig("RandomUniform", null);
  private Regularizer embeddingsRegularizer;
  private Constraint embeddingsConstraint;
  private Weight embeddings;

  /** Keras's {@code Embedding.from_config}; Keras 1/2's input_length becomes the input shape. */
  public static Embedding fromConfig(Config c) {
    c.legacy("init", "embeddings_initializer");
    c.legacy("W_regularizer", "embeddings_regularizer");
    c.legacy("W_constraint", "embeddings_constraint");
    Embedding e = new Embedding(c.getInt("input_dim"), c.getInt("output_dim"));
    boolean hasShape = c.has("batch_input_shape") || c.has("batch_shape") || c.has("input_shape");
    Integer length = c.has("input_length") ? c.getInt("input_length") : null;
    e.readBaseConfig(c);
    if (!hasShape && length != null) e.inputShape(length);
    e.maskZero(c.getBool("mask_zero", false));
    e.embeddingsInitializer(c.initializer("embeddings_initializer", "uniform"));
    e.embeddingsRegularizer = c.regularizer("embeddings_regularizer");
    e.embeddingsConstraint = c.constraint("embeddings_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    c.requireNull("lora_rank", "LoRA");
    c.ignore("sparse", "dropout", "lora_alpha", "quantization_config");
    return e;
  }

  public Embedding(int inputDim, int outputDim) {
    if (inputDim <= 0 || outputDim <= 0) {
      throw new IllegalArgumentException("Embedding: input_dim and output_dim must be positive, got " + inputDim + ", " + outputDim);
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
  }

  public Embedding maskZero(boolean maskZero) {
    this.maskZero = maskZero;
    return this;
  }

  /** Keras 2's {@code input_length}: sets the sequence length of the input shape. */
  public Embedding inputLength(long length) {
    return inputShape(length);
  }

  public Embedding embeddingsInitializer(String name) {
    return embeddingsInitializer(Initializers.get(name));
  }

  public Embedding embeddingsInitializer(Initializer init) {
    this.embeddingsInitializer = init;
    return this;
  }

  public int inputDim() {
    return inputDim;
  }

  public int outputDim() {
    return outputDim;
  }

  @Override
  public void checkInputData(FloatArray data) {
    float[] d = data.data();
    for (int i = 0; i < d.length; i++) {
      if (d[i] < 0 || d[i] >= inputDim || d[i] != Math.rint(d[i])) {
        throw new IllegalArgumentException("layer " + name() + " (Embedding): input value " + d[i] + " at flat index " + i
            + " is not an integer id in [0, " + inputDim + ")");
      }
    }
  }

  @Override
  protected void build(long[] inputShape) {
    embeddings = addWeight("embeddings", new long[] {inputDim, outputDim}, embeddingsInitializer, true,
        embeddingsRegularizer, embeddingsConstraint);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return Shapes.concat(inputShape, outputDim);
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TInt32> ids = tf.dtypes.cast(inputs, TInt32.class);
    return tf.gather(read(embeddings), ids, tf.constant(0));
  }

  @Override
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    if (!maskZero) return null;
    return ctx.tf().math.notEqual(inputs, ctx.tf().constant(0f));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("input_dim", inputDim);
    c.put("output_dim", outputDim);
    c.put("embeddings_initializer", KerasObjects.initializer(embeddingsInitializer));
    c.put("embeddings_regularizer", KerasObjects.regularizer(embeddingsRegularizer));
    c.put("activity_regularizer", null);
    c.put("embeddings_constraint", KerasObjects.constraint(embeddingsConstraint));
    c.put("mask_zero", maskZero);
  }
}
