package io.jkeras.layers;

import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.initializers.Initializers;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code AdditiveAttention(use_scale=True, dropout)}: Bahdanau-style attention on
 * {@code [query, value]} or {@code [query, value, key]} ({@link AttentionBase} says how masks and
 * the softmax work), with scores {@code sum(scale * tanh(query + key))} over the features. Weight:
 * {@code scale} (dim,) (glorot_uniform) with {@code use_scale}, dim the query's features.
 */
public final class AdditiveAttention extends AttentionBase<AdditiveAttention> {
  private Weight scale;

  /** Additive attention with a trainable scale. */
  public AdditiveAttention() {
    super(true);
  }

  /** Keras's {@code AdditiveAttention.from_config}. */
  public static AdditiveAttention fromConfig(Config c) {
    return new AdditiveAttention().readAttentionConfig(c, true);
  }

  /** Keras's {@code use_scale}: a trainable per-feature scale of the tanh terms. */
  public AdditiveAttention useScale(boolean useScale) {
    this.useScale = useScale;
    return this;
  }

  @Override
  protected void build(long[] queryShape) {
    if (useScale) scale = addWeight("scale", new long[] {queryShape[2]}, Initializers.get("glorot_uniform"), true);
  }

  @Override
  protected void checkBuilt(long queryDim, List<long[]> shapes) {
    if (scale != null && scale.shape()[0] != queryDim) {
      throw error("was built for queries of " + scale.shape()[0] + " features, got " + queryDim, shapes);
    }
  }

  @Override
  protected Operand<TFloat32> scores(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key) {
    Operand<TFloat32> t = tf.math.tanh(tf.math.add(tf.expandDims(query, tf.constant(-2)), tf.expandDims(key, tf.constant(-3))));
    if (scale != null) t = tf.math.mul(read(scale), t);
    return tf.reduceSum(t, tf.constant(-1), ReduceSum.keepDims(false));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("use_scale", useScale);
    c.put("dropout", dropout);
    c.put("seed", seed);
  }
}
