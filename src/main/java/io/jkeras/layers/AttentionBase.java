package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What Keras's {@code Attention} and its subclass {@code AdditiveAttention} share: called on a
 * list {@code [query, value]} or {@code [query, value, key]} (query (batch, Tq, dim), value
 * (batch, Tv, dv), key (batch, Tv, dim), by default the value), the scores (batch, Tq, Tv) of
 * each query step against each key step ({@link #scores}, the subclass's) go through a softmax
 * over the value steps and weight the value steps: output (batch, Tq, dv).
 *
 * <p>Masks, as Keras: the value's mask (batch, Tv) and, with {@code use_causal_mask}, the causal
 * mask (Tq, Tv) (step i attends to steps up to i) mask scores by subtracting 1e9 before the
 * softmax; query steps masked in the query's mask give zeros, and the output carries the query's
 * mask. The key's mask is not used (as in Keras). {@code dropout} drops attention weights in
 * training.
 *
 * @param <L> the concrete layer
 */
public abstract class AttentionBase<L extends AttentionBase<L>> extends Layer<L> {
  /** Keras's value subtracted from masked scores (float32). */
  private static final float MASKED_SCORE_OFFSET = 1.0e9f;

  /** Keras's {@code use_scale}. */
  protected boolean useScale;
  /** Keras's {@code dropout}: the rate on the attention weights in training. */
  protected double dropout;
  /** The dropout seed, or null. */
  protected Long seed;
  private AttentionCall layout;

  protected AttentionBase(boolean useScale) {
    this.useScale = useScale;
    this.supportsMasking = true;
  }

  /** Reads the arguments both classes take: the base ones, use_scale, dropout, seed. */
  protected L readAttentionConfig(Config c, boolean defaultUseScale) {
    readBaseConfig(c);
    useScale = c.getBool("use_scale", defaultUseScale);
    dropout(c.getDouble("dropout", 0.0));
    seed = c.getLongOrNull("seed");
    return self();
  }

  /** Keras's {@code dropout}: the rate of dropout on the attention weights in training. */
  public L dropout(double dropout) {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(className() + " " + name() + ": dropout must be in [0, 1), got " + dropout);
    }
    this.dropout = dropout;
    return self();
  }

  /** The seed of the attention dropout. */
  public L seed(long seed) {
    this.seed = seed;
    return self();
  }

  public boolean useScale() {
    return useScale;
  }

  // ----- calls -----

  /** A call on {@code query} and {@code value}, to add the key or the causal mask to: {@code on(q, v).useCausalMask(true).apply()}. */
  public AttentionCall.Builder on(KerasTensor query, KerasTensor value) {
    return new AttentionCall.Builder(this, true, query, value);
  }

  @Override
  public boolean takesCallArguments() {
    return true;
  }

  @Override
  public Node addNode(List<Object> args, Map<String, Object> kwargs) {
    AttentionCall call = AttentionCall.parse(this, args, kwargs, true);
    call.requireSameAs(this, layout);
    AttentionCall previous = layout;
    layout = call;
    try {
      return super.addNode(args, kwargs);
    } catch (RuntimeException e) {
      layout = previous;
      throw e;
    }
  }

  private AttentionCall layout(int inputs) {
    if (layout == null || layout.inputs != inputs) {
      throw new IllegalArgumentException("layer " + name() + " (" + className() + ") is called on [query, value] or [query,"
          + " value, key] (apply(q, v) or apply(q, v, k)), got " + inputs + " inputs");
    }
    return layout;
  }

  // ----- shapes -----

  @Override
  protected final void checkInputShape(long[] inputShape) {
    throw shapeError(className() + " needs a list [query, value] or [query, value, key]: apply(query, value)", inputShape);
  }

  @Override
  protected void checkInputShapes(List<long[]> shapes) {
    AttentionCall c = layout(shapes.size());
    long[] q = shapes.get(c.query);
    long[] v = shapes.get(c.value);
    long[] k = shapes.get(c.keyOrValue());
    String[] names = {"query", "value", "key"};
    for (int i = 0; i < shapes.size(); i++) {
      long[] s = shapes.get(i);
      if (s.length != 3) throw error("the " + names[i] + " must have rank 3 (batch, time, features)", shapes);
      if (s[2] < 0) throw error("the " + names[i] + "'s features (last dimension) must be known", shapes);
      if (s[0] >= 0 && q[0] >= 0 && s[0] != q[0]) throw error("the inputs have different batch sizes", shapes);
    }
    if (q[2] != k[2]) {
      throw error("the query and the key need the same number of features, got " + q[2] + " and " + k[2], shapes);
    }
    if (v[1] >= 0 && k[1] >= 0 && v[1] != k[1]) {
      throw error("the value and the key need the same number of steps, got " + v[1] + " and " + k[1], shapes);
    }
    checkBuilt(q[2], shapes);
  }

  /** Checks a call against the weights already built for {@code queryDim} features (AdditiveAttention's scale). */
  protected void checkBuilt(long queryDim, List<long[]> shapes) {}

  /** An error naming this layer and the input shapes. */
  protected final IllegalArgumentException error(String what, List<long[]> shapes) {
    List<String> s = new ArrayList<>();
    for (long[] x : shapes) s.add(Shapes.toString(x));
    return new IllegalArgumentException("layer " + name() + " (" + className() + "): " + what + "; input shapes " + s);
  }

  @Override
  public final long[] computeOutputShape(long[] inputShape) {
    throw shapeError(className() + " needs a list [query, value] or [query, value, key]", inputShape);
  }

  /** (batch, Tq, dv); then the scores (batch, Tq, Tv) with return_attention_scores. */
  @Override
  public List<long[]> computeOutputShapes(List<long[]> shapes) {
    checkInputShapes(shapes);
    AttentionCall c = layout(shapes.size());
    long[] q = shapes.get(c.query);
    long[] v = shapes.get(c.value);
    long[] out = {q[0], q[1], v[2]};
    if (!c.returnAttentionScores) return List.of(out);
    return List.of(out, new long[] {q[0], q[1], shapes.get(c.keyOrValue())[1]});
  }

  @Override
  protected final void buildMulti(List<long[]> shapes) {
    build(shapes.get(layout(shapes.size()).query));
  }

  // ----- computation -----

  @Override
  public final Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    throw new IllegalArgumentException("layer " + name() + " (" + className() + ") needs a list [query, value]: apply(query, value)");
  }

  /** The scores (batch, Tq, Tv) of {@code query} (batch, Tq, dim) against {@code key} (batch, Tv, dim). */
  protected abstract Operand<TFloat32> scores(Ops tf, Operand<TFloat32> query, Operand<TFloat32> key);

  @Override
  protected final List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    AttentionCall c = layout(inputs.size());
    List<long[]> shapes = new ArrayList<>();
    for (Operand<TFloat32> x : inputs) shapes.add(x.shape().asArray());
    checkInputShapes(shapes);
    Ops tf = ctx.tf();
    List<Operand<TBool>> ms = masks == null ? Collections.nCopies(inputs.size(), null) : masks;
    Operand<TFloat32> q = inputs.get(c.query);
    Operand<TFloat32> v = inputs.get(c.value);
    Operand<TFloat32> scores = scores(tf, q, inputs.get(c.keyOrValue()));
    Operand<TBool> vMask = ms.get(c.value);
    Operand<TBool> scoresMask = vMask == null ? null : tf.expandDims(vMask, tf.constant(-2)); // (B, 1, Tv)
    if (c.useCausalMask) {
      Operand<TInt32> shape = tf.shape(scores);
      Operand<TInt32> rows = tf.expandDims(tf.range(tf.constant(0), at(tf, shape, 1), tf.constant(1)), tf.constant(-1));
      Operand<TInt32> cols = tf.expandDims(tf.range(tf.constant(0), at(tf, shape, 2), tf.constant(1)), tf.constant(0));
      Operand<TBool> causal = tf.expandDims(tf.math.greaterEqual(rows, cols), tf.constant(0)); // (1, Tq, Tv)
      scoresMask = scoresMask == null ? causal : tf.math.logicalAnd(scoresMask, causal);
    }
    if (scoresMask != null) {
      // Keras: where(padding, scores - 1e9, scores).
      Operand<TBool> keep = tf.broadcastTo(scoresMask, tf.shape(scores));
      scores = tf.select(keep, scores, tf.math.sub(scores, tf.constant(MASKED_SCORE_OFFSET)));
    }
    Operand<TFloat32> weights = tf.nn.softmax(scores);
    Operand<TFloat32> dropped = ctx.training() && dropout > 0 ? Dropout.dropout(ctx, weights, dropout, null, seed) : weights;
    Operand<TFloat32> out = tf.train.batchMatMul(dropped, v, TFloat32.class);
    Operand<TBool> qMask = ms.get(c.query);
    if (qMask != null) {
      Operand<TBool> keep = tf.broadcastTo(tf.expandDims(qMask, tf.constant(-1)), tf.shape(out));
      out = tf.select(keep, out, tf.zerosLike(out));
    }
    if (!c.returnAttentionScores) return List.of(out);
    return List.of(out, weights);
  }

  private static Operand<TInt32> at(Ops tf, Operand<TInt32> shape, int i) {
    return tf.gather(shape, tf.constant(i), tf.constant(0));
  }

  /** The output carries the query's mask; the scores have none. */
  @Override
  public final List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    AttentionCall c = layout(inputs.size());
    List<Operand<TBool>> r = new ArrayList<>();
    r.add(masks == null ? null : masks.get(c.query));
    if (c.returnAttentionScores) r.add(null);
    return r;
  }
}
