package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Reshape}: each sample reshaped to {@code target_shape} (the batch dimension
 * kept); one entry may be -1, inferred from the others. Masks do not pass through (Keras's
 * Reshape does not support masking).
 */
public final class Reshape extends Layer<Reshape> {
  private final long[] targetShape;

  /** Keras's {@code Reshape(target_shape)}: non-negative dimensions and at most one -1. */
  public Reshape(long... targetShape) {
    int unknown = 0;
    for (long d : targetShape) {
      if (d < -1) {
        throw new IllegalArgumentException("Reshape: each dimension of target_shape must be a non-negative integer or -1, got "
            + Arrays.toString(targetShape));
      }
      if (d == -1) unknown++;
    }
    if (unknown > 1) {
      throw new IllegalArgumentException("Reshape: target_shape may hold at most one -1, got " + Arrays.toString(targetShape));
    }
    this.targetShape = targetShape.clone();
  }

  /** Keras's {@code Reshape.from_config}. */
  public static Reshape fromConfig(Config c) {
    JsonNode v = c.getNode("target_shape");
    if (v != null && v.isObject() && "__tuple__".equals(v.path("class_name").asText())) v = v.get("items");
    if (v == null || !v.isArray()) {
      throw new KerasFormatException(c.path() + ".target_shape: expected a list of dimensions, got " + Config.describe(v));
    }
    long[] t = new long[v.size()];
    for (int i = 0; i < t.length; i++) {
      JsonNode d = v.get(i);
      if (d.isNull()) t[i] = -1; // written by a model built with a dynamic dimension
      else if (d.isIntegralNumber()) t[i] = d.asLong();
      else throw new KerasFormatException(c.path() + ".target_shape: expected integers, got " + Config.describe(v));
    }
    Reshape r = new Reshape(t);
    r.readBaseConfig(c);
    return r;
  }

  /** The target shape of one sample, as given. */
  public long[] targetShape() {
    return targetShape.clone();
  }

  /** The target shape with its -1 resolved where the input's dimensions are all known; throws naming the layer. */
  private long[] resolve(long[] inputShape) {
    long[] out = targetShape.clone();
    long inputSize = 1;
    for (int i = 1; i < inputShape.length; i++) {
      if (inputShape[i] < 0) return out; // unknown: left to the data (-1 stays -1)
      inputSize *= inputShape[i];
    }
    long known = 1;
    int unknownAt = -1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == -1) unknownAt = i;
      else known *= out[i];
    }
    if (unknownAt < 0) {
      if (known != inputSize) {
        throw shapeError("target_shape " + Arrays.toString(targetShape) + " holds " + known + " values per sample, the input "
            + inputSize, inputShape);
      }
      return out;
    }
    if (known == 0 || inputSize % known != 0) {
      throw shapeError("target_shape " + Arrays.toString(targetShape) + ": the input's " + inputSize
          + " values per sample cannot fill the -1 dimension", inputShape);
    }
    out[unknownAt] = inputSize / known;
    return out;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    if (inputShape.length < 1) throw shapeError("expected a batch dimension", inputShape);
    resolve(inputShape);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return Shapes.withBatch(inputShape[0], resolve(inputShape));
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    long[] t = resolve(inputs.shape().asArray());
    boolean open = false;
    for (long d : t) open |= d < 0;
    if (!open) return tf.reshape(inputs, tf.constant(Shapes.withBatch(-1, t)));
    // A -1 left to the data: the batch dimension is taken from the input, as Keras does.
    List<Operand<TInt32>> parts = new ArrayList<>();
    parts.add(tf.slice(tf.shape(inputs), tf.constant(new int[] {0}), tf.constant(new int[] {1})));
    int[] rest = new int[t.length];
    for (int i = 0; i < t.length; i++) rest[i] = (int) t[i];
    parts.add(tf.constant(rest));
    return tf.reshape(inputs, tf.concat(parts, tf.constant(0)));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    List<Object> t = new ArrayList<>();
    for (long d : targetShape) t.add((int) d); // ints, as Keras writes them
    c.put("target_shape", t);
  }
}
