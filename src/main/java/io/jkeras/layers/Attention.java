package io.jkeras.layers;

import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.initializers.Initializers;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Attention(use_scale, score_mode, dropout)}: dot-product (Luong-style) attention
 * on {@code [query, value]} or {@code [query, value, key]} ({@link AttentionBase} says how masks
 * and the softmax work). Scores: {@code score_mode="dot"}: {@code query . key}, times the scalar
 * weight {@code scale} (initially 1) with {@code use_scale}; {@code "concat"}:
 * {@code concat_score_weight * sum(tanh(scale * (query + key)))} over the features. Weights, in
 * Keras's order: {@code scale} (use_scale), then {@code concat_score_weight} (concat), both
 * scalars. {@code use_causal_mask} is a call argument: {@code on(q, v).useCausalMask(true).apply()}.
 */
public final class Attention extends AttentionBase<Attention> {
  private String scoreMode = "dot";
  private Weight scale;
  private Weight concatScoreWeight;

  /** Dot-product attention without a scale. */
  public Attention() {
    super(false);
  }

  /** Keras's {@code Attention.from_config}. */
  public static Attention fromConfig(Config c) {
    Attention a = new Attention();
    a.scoreMode(c.getString("score_mode", "dot"));
    return a.readAttentionConfig(c, false);
  }

  /** Keras's {@code use_scale}: a trainable scalar multiplying the scores. */
  public Attention useScale(boolean useScale) {
    this.useScale = useScale;
    return this;
  }

  /** Keras's {@code score_mode}: "dot" or "concat". */
  public Attention scoreMode(String scoreMode) {
    if (!"dot".equals(scoreMode) && !"concat".equals(scoreMode)) {
      throw new IllegalArgumentException("Attention " + name() + ": score_mode must be 'dot' or 'concat', got " + scoreMode);
    }
    this.scoreMode = scoreMode;
    return this;
  }

  public String scoreMode() {
    return scoreMode;
  }

  @Override
  protected void build(long[] queryShape) {
    if (useScale) scale = addWeight("scale", new long[0], Initializers.get("ones"), true);
    if (scoreMode.equals("concat")) concatScoreWeight = addWeight("concat_score_weight", new long[0], Initializers.get("ones"), true);
  }

  @Override
  protected Operand<TFloat32> scores(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key) {
    if (scoreMode.equals("dot")) {
      Operand<TFloat32> kt = tf.linalg.transpose(key, tf.constant(new int[] {0, 2, 1}));
      Operand<TFloat32> s = tf.train.batchMatMul(query, kt, TFloat32.class);
      return scale == null ? s : tf.math.mul(s, read(scale));
    }
    Operand<TFloat32> sum = tf.math.add(tf.expandDims(query, tf.constant(-2)), tf.expandDims(key, tf.constant(-3)));
    if (scale != null) sum = tf.math.mul(read(scale), sum);
    Operand<TFloat32> s = tf.reduceSum(tf.math.tanh(sum), tf.constant(-1), ReduceSum.keepDims(false));
    return tf.math.mul(read(concatScoreWeight), s);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("use_scale", useScale);
    c.put("score_mode", scoreMode);
    c.put("dropout", dropout);
    c.put("seed", seed);
  }
}
