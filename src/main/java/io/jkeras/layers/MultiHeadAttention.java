package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code MultiHeadAttention(num_heads, key_dim, value_dim, dropout, use_bias,
 * output_shape, ...)} on sequences: {@code mha.apply(query, value)} (self-attention:
 * {@code mha.apply(x, x)}), or {@code mha.on(query, value).key(k).useCausalMask(true).apply()}.
 * Query (batch, T, dq), value (batch, S, dv) and key (batch, S, dk; by default the value) are
 * projected to {@code num_heads} heads of {@code key_dim} (query, key) and {@code value_dim}
 * (value) features; each head attends with {@code softmax(q k^T / sqrt(key_dim))}; the heads are
 * projected back to {@code output_shape} (by default dq) per query step.
 *
 * <p>Weights, as Keras's four EinsumDense sublayers {@code query}, {@code key}, {@code value},
 * {@code attention_output} (saved as {@code query_dense}, ... in {@code .keras} files): kernels
 * (dq, heads, key_dim), (dk, heads, key_dim), (dv, heads, value_dim), (heads, value_dim,
 * *output_shape), each followed by its bias (heads, key_dim), ..., (*output_shape) when
 * {@code use_bias}.
 *
 * <p>Masks, as Keras's {@code _compute_attention_mask}: the query's mask (batch, T) and the
 * value's and key's (batch, S), the causal mask and {@code sliding_window}'s band are ANDed with
 * the {@code attention_mask} (nonzero = attend) into one (batch, T, S) mask; the output carries
 * the query's mask. A query step that may attend to nothing gets the mean of the values (Keras's
 * fused path: every score equally masked) when {@code dropout} is 0 and no scores are returned,
 * and zeros otherwise (Keras's Softmax layer path).
 *
 * <p>Supported: inputs of rank 3 and the default {@code attention_axes} (the time axis);
 * refused, naming the field: other ranks or axes, {@code use_gate}, activity regularization and
 * explicit query/value/key masks.
 */
public final class MultiHeadAttention extends Layer<MultiHeadAttention> {
  /** Keras's large negative logit for masked scores in the fused path (TensorFlow backend: 3.38953e38 * -0.7). */
  private static final float FUSED_MASK_VALUE = (float) (3.38953e38 * -0.7);
  /** The Softmax layer's value for masked scores (Keras's {@code _large_negative_number} for float32). */
  private static final float SOFTMAX_MASK_VALUE = -1e9f;

  private final int numHeads;
  private final int keyDim;
  private Integer valueDim;
  private double dropout;
  private boolean useBias = true;
  private long[] outputShape;
  private List<Integer> attentionAxes;
  private Integer slidingWindow;
  private Initializer kernelInitializer = Initializers.get("glorot_uniform");
  private Initializer biasInitializer = Initializers.get("zeros");
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private Constraint kernelConstraint;
  private Constraint biasConstraint;
  private Long seed;

  /** The layout of this layer's calls (set by its first call). */
  private AttentionCall layout;
  private Weight[] query;
  private Weight[] key;
  private Weight[] value;
  private Weight[] output;

  /** {@code numHeads} heads of {@code keyDim} features for query and key (and value, unless {@link #valueDim} is set). */
  public MultiHeadAttention(int numHeads, int keyDim) {
    if (numHeads <= 0) throw new IllegalArgumentException("MultiHeadAttention: num_heads must be a positive integer, got " + numHeads);
    if (keyDim <= 0) throw new IllegalArgumentException("MultiHeadAttention: key_dim must be a positive integer, got " + keyDim);
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.supportsMasking = true;
  }

  /** Keras's {@code MultiHeadAttention.from_config}. */
  public static MultiHeadAttention fromConfig(Config c) {
    MultiHeadAttention m = new MultiHeadAttention(c.getInt("num_heads"), c.getInt("key_dim"));
    m.readBaseConfig(c);
    JsonNode vd = c.getNode("value_dim");
    if (vd != null && !vd.isNull()) m.valueDim(c.getInt("value_dim"));
    m.dropout(c.getDouble("dropout", 0.0));
    m.useBias(c.getBool("use_bias", true));
    if (c.getBool("use_gate", false)) {
      throw new KerasFormatException(c.path() + ".use_gate: not supported yet: gated attention (use_gate=True)");
    }
    JsonNode os = c.getNode("output_shape");
    if (os != null && !os.isNull()) {
      if (os.isObject() && "__tuple__".equals(os.path("class_name").asText())) os = os.get("items");
      if (os.isIntegralNumber()) {
        m.outputShape(os.asLong());
      } else if (os.isArray() && os.size() > 0) {
        long[] s = new long[os.size()];
        for (int i = 0; i < s.length; i++) {
          if (!os.get(i).isIntegralNumber()) {
            throw new KerasFormatException(c.path() + ".output_shape: expected integers, got " + Config.describe(os));
          }
          s[i] = os.get(i).asLong();
        }
        m.outputShape(s);
      } else if (!(os.isArray() && os.size() == 0)) {
        throw new KerasFormatException(c.path() + ".output_shape: expected an integer or a list of integers, got "
            + Config.describe(os));
      }
    }
    JsonNode axes = c.getNode("attention_axes");
    if (axes != null && axes.isObject() && "__tuple__".equals(axes.path("class_name").asText())) axes = axes.get("items");
    if (axes != null && !axes.isNull()) {
      List<Integer> a = new ArrayList<>();
      if (axes.isIntegralNumber()) {
        a.add(axes.asInt());
      } else if (axes.isArray()) {
        for (JsonNode x : axes) {
          if (!x.isIntegralNumber()) throw new KerasFormatException(c.path() + ".attention_axes: expected integers, got " + axes);
          a.add(x.asInt());
        }
      } else {
        throw new KerasFormatException(c.path() + ".attention_axes: expected an integer or a list, got " + Config.describe(axes));
      }
      try {
        m.attentionAxes(a.stream().mapToInt(Integer::intValue).toArray());
      } catch (IllegalArgumentException e) {
        throw new KerasFormatException(c.path() + ".attention_axes: " + e.getMessage(), e);
      }
    }
    JsonNode sw = c.getNode("sliding_window");
    if (sw != null && !sw.isNull()) m.slidingWindow(c.getInt("sliding_window"));
    c.ignore("sliding_window", "value_dim", "output_shape", "attention_axes");
    if (c.has("flash_attention") && c.getBool("flash_attention", false)) {
      throw new KerasFormatException(c.path() + ".flash_attention: flash attention is not supported (TensorFlow backend)");
    }
    c.ignore("flash_attention");
    m.kernelInitializer = c.initializer("kernel_initializer", "glorot_uniform");
    m.biasInitializer = c.initializer("bias_initializer", "zeros");
    m.kernelRegularizer = c.regularizer("kernel_regularizer");
    m.biasRegularizer = c.regularizer("bias_regularizer");
    m.kernelConstraint = c.constraint("kernel_constraint");
    m.biasConstraint = c.constraint("bias_constraint");
    c.requireNull("activity_regularizer", "activity regularization");
    m.seed = c.getLongOrNull("seed");
    return m;
  }

  // ----- arguments -----

  /** Keras's {@code value_dim}: features per head of the value projection (default key_dim). */
  public MultiHeadAttention valueDim(int valueDim) {
    if (valueDim <= 0) throw new IllegalArgumentException(name() + ": value_dim must be a positive integer, got " + valueDim);
    this.valueDim = valueDim;
    return this;
  }

  /** Keras's {@code dropout}: the rate of dropout on the attention weights in training. */
  public MultiHeadAttention dropout(double dropout) {
    if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException(name() + ": dropout must be in [0, 1), got " + dropout);
    this.dropout = dropout;
    return this;
  }

  /** Keras's {@code use_bias}: whether the four projections have biases. */
  public MultiHeadAttention useBias(boolean useBias) {
    this.useBias = useBias;
    return this;
  }

  /** Keras's {@code output_shape}: the shape of each query step's output (default: the query's features). */
  public MultiHeadAttention outputShape(long... outputShape) {
    for (long d : outputShape) {
      if (d <= 0) throw new IllegalArgumentException(name() + ": output_shape needs positive dimensions, got " + Arrays.toString(outputShape));
    }
    this.outputShape = outputShape.length == 0 ? null : outputShape.clone();
    return this;
  }

  /**
   * Keras's {@code attention_axes}: only the default, the time axis ({@code [1]}, or {@code [-2]}
   * counted in the projected (batch, time, heads, features) tensor), is supported.
   */
  public MultiHeadAttention attentionAxes(int... axes) {
    if (axes.length != 1 || (axes[0] != 1 && axes[0] != -2)) {
      throw new IllegalArgumentException("not supported yet: attention_axes " + Arrays.toString(axes)
          + "; only the default (attention over the time axis, [1]) is");
    }
    this.attentionAxes = List.of(axes[0]);
    return this;
  }

  /** Keras's {@code sliding_window}: a query step attends to key steps less than this far away. */
  public MultiHeadAttention slidingWindow(int slidingWindow) {
    if (slidingWindow <= 0) throw new IllegalArgumentException(name() + ": sliding_window must be a positive integer, got " + slidingWindow);
    this.slidingWindow = slidingWindow;
    return this;
  }

  /** The initializer of the four kernels. */
  public MultiHeadAttention kernelInitializer(Initializer init) {
    this.kernelInitializer = init;
    return this;
  }

  /** The initializer of the four biases. */
  public MultiHeadAttention biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return this;
  }

  /** A penalty on the four kernels. */
  public MultiHeadAttention kernelRegularizer(Regularizer r) {
    this.kernelRegularizer = r;
    return this;
  }

  /** A penalty on the four biases. */
  public MultiHeadAttention biasRegularizer(Regularizer r) {
    this.biasRegularizer = r;
    return this;
  }

  /** A constraint on the four kernels. */
  public MultiHeadAttention kernelConstraint(Constraint c) {
    this.kernelConstraint = c;
    return this;
  }

  /** A constraint on the four biases. */
  public MultiHeadAttention biasConstraint(Constraint c) {
    this.biasConstraint = c;
    return this;
  }

  /** The seed of the attention dropout. */
  public MultiHeadAttention seed(long seed) {
    this.seed = seed;
    return this;
  }

  public int numHeads() {
    return numHeads;
  }

  public int keyDim() {
    return keyDim;
  }

  /** The value projection's features per head: value_dim, or key_dim when not set. */
  public int valueDim() {
    return valueDim != null ? valueDim : keyDim;
  }

  // ----- calls -----

  /**
   * A call on {@code query} and {@code value}, to add the key, attention mask or causal mask
   * to: {@code mha.on(q, v).key(k).useCausalMask(true).apply()}.
   */
  public AttentionCall.Builder on(KerasTensor query, KerasTensor value) {
    return new AttentionCall.Builder(this, false, query, value);
  }

  @Override
  public boolean takesCallArguments() {
    return true;
  }

  /** {@code apply(query, value)} or {@code apply(query, value, key)}: query and value as arguments, the key as key=. */
  @Override
  protected List<Object> nodeArgs(List<KerasTensor> inputs) {
    if (inputs.size() < 2 || inputs.size() > 3) {
      throw new IllegalArgumentException("layer " + name() + " (MultiHeadAttention) takes query, value and optionally key;"
          + " got " + inputs.size() + " tensors (use on(query, value) for the attention mask)");
    }
    return List.of(inputs.get(0), inputs.get(1));
  }

  @Override
  protected Map<String, Object> nodeKwargs(List<KerasTensor> inputs) {
    return inputs.size() == 3 ? Map.of("key", inputs.get(2)) : Map.of();
  }

  @Override
  public Node addNode(List<Object> args, Map<String, Object> kwargs) {
    AttentionCall call = AttentionCall.parse(this, args, kwargs, false);
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
      throw new IllegalArgumentException("layer " + name() + " (MultiHeadAttention) is called on query and value (apply(q, v)"
          + " or on(q, v)...), got " + inputs + " inputs");
    }
    return layout;
  }

  // ----- shapes -----

  @Override
  protected void checkInputShape(long[] inputShape) {
    throw shapeError("MultiHeadAttention needs a query and a value: apply(query, value) (self-attention: apply(x, x))", inputShape);
  }

  @Override
  protected void checkInputShapes(List<long[]> shapes) {
    AttentionCall c = layout(shapes.size());
    long[] q = shapes.get(c.query);
    long[] v = shapes.get(c.value);
    long[] k = shapes.get(c.keyOrValue());
    checkSequence("query", q, shapes);
    checkSequence("value", v, shapes);
    checkSequence("key", k, shapes);
    if (v[1] != k[1]) {
      throw error("all dimensions of value and key except the last must be equal", shapes);
    }
    long[][] batch = {q, v, k};
    for (long[] s : batch) {
      if (s[0] >= 0 && q[0] >= 0 && s[0] != q[0]) throw error("query, value and key have different batch sizes", shapes);
    }
    if (c.attentionMask >= 0) {
      long[] m = shapes.get(c.attentionMask);
      if (m.length != 3 || !fits(m[1], q[1]) || !fits(m[2], v[1]) || !fits(m[0], q[0])) {
        throw error("attention_mask must have shape (batch, query length, value length) = " + Shapes.toString(new long[] {q[0], q[1], v[1]})
            + ", got " + Shapes.toString(m), shapes);
      }
    }
    if (query != null) {
      long[][] built = {{query[0].shape()[0], q[2]}, {key[0].shape()[0], k[2]}, {value[0].shape()[0], v[2]}};
      String[] what = {"query", "key", "value"};
      for (int i = 0; i < 3; i++) {
        if (built[i][0] != built[i][1]) {
          throw error("was built for " + what[i] + " features " + built[i][0] + ", got " + built[i][1], shapes);
        }
      }
    }
  }

  private static boolean fits(long a, long b) {
    return a < 0 || b < 0 || a == b;
  }

  private void checkSequence(String what, long[] s, List<long[]> shapes) {
    if (s.length != 3) {
      throw error("the " + what + " must have rank 3 (batch, time, features); other ranks (attention_axes) are not supported"
          + " yet", shapes);
    }
    if (s[2] < 0) throw error("the " + what + "'s features (last dimension) must be known", shapes);
  }

  private IllegalArgumentException error(String what, List<long[]> shapes) {
    List<String> s = new ArrayList<>();
    for (long[] x : shapes) s.add(Shapes.toString(x));
    return new IllegalArgumentException("layer " + name() + " (MultiHeadAttention): " + what + "; input shapes " + s);
  }

  /** The output's features per query step: output_shape, or the query's features. */
  private long[] outputDims(long[] queryShape) {
    return outputShape != null ? outputShape.clone() : new long[] {queryShape[2]};
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    throw shapeError("MultiHeadAttention needs a query and a value: apply(query, value)", inputShape);
  }

  @Override
  public List<long[]> computeOutputShapes(List<long[]> shapes) {
    checkInputShapes(shapes);
    AttentionCall c = layout(shapes.size());
    long[] q = shapes.get(c.query);
    long[] od = outputDims(q);
    long[] out = new long[2 + od.length];
    out[0] = q[0];
    out[1] = q[1];
    System.arraycopy(od, 0, out, 2, od.length);
    if (!c.returnAttentionScores) return List.of(out);
    return List.of(out, new long[] {q[0], numHeads, q[1], shapes.get(c.value)[1]});
  }

  // ----- weights -----

  @Override
  protected void buildMulti(List<long[]> shapes) {
    AttentionCall c = layout(shapes.size());
    long dq = shapes.get(c.query)[2];
    long dk = shapes.get(c.keyOrValue())[2];
    long dv = shapes.get(c.value)[2];
    long[] od = outputDims(shapes.get(c.query));
    // Keras's build order: query, key, value, then attention_output.
    query = projection("query", new long[] {dq, numHeads, keyDim}, new long[] {numHeads, keyDim});
    key = projection("key", new long[] {dk, numHeads, keyDim}, new long[] {numHeads, keyDim});
    value = projection("value", new long[] {dv, numHeads, valueDim()}, new long[] {numHeads, valueDim()});
    long[] outKernel = new long[2 + od.length];
    outKernel[0] = numHeads;
    outKernel[1] = valueDim();
    System.arraycopy(od, 0, outKernel, 2, od.length);
    output = projection("attention_output", outKernel, od);
  }

  /** One of Keras's EinsumDense sublayers: its kernel, then its bias; paths {@code <layer>/<sublayer>/kernel}. */
  private Weight[] projection(String sublayer, long[] kernelShape, long[] biasShape) {
    String scope = name() + "/" + sublayer;
    Weight k = runtime().createWeight(scope, "kernel", kernelShape, kernelInitializer, true);
    k.setRegularizer(kernelRegularizer);
    k.setConstraint(kernelConstraint);
    trackWeights(List.of(k));
    if (!useBias) return new Weight[] {k};
    Weight b = runtime().createWeight(scope, "bias", biasShape, biasInitializer, true);
    b.setRegularizer(biasRegularizer);
    b.setConstraint(biasConstraint);
    trackWeights(List.of(b));
    return new Weight[] {k, b};
  }

  /**
   * Keras 3 saves the sublayers as children of the layer, in its attribute order: the (empty)
   * dropout and softmax sublayers, then key_dense, output_dense, query_dense, value_dense.
   */
  @Override
  public Saveable saveable() {
    Saveable s = new Saveable(name(), List.of(), this);
    if (query == null) return s;
    return s.child("_dropout_layer", new Saveable("dropout", List.of(), this))
        .child("_softmax", new Saveable("softmax", List.of(), this))
        .child("key_dense", new Saveable("key", List.of(key), this))
        .child("output_dense", new Saveable("attention_output", List.of(output), this))
        .child("query_dense", new Saveable("query", List.of(query), this))
        .child("value_dense", new Saveable("value", List.of(value), this));
  }

  /** Keras's build config: the shapes by {@code build} argument, the key's only when the call had one. */
  @Override
  public Map<String, Object> buildConfig() {
    List<long[]> all = builtInputShapes();
    if (all == null || layout == null || all.size() != layout.inputs) return super.buildConfig();
    Map<String, Object> shapes = new LinkedHashMap<>();
    shapes.put("query_shape", KerasObjects.shape(all.get(layout.query)));
    shapes.put("value_shape", KerasObjects.shape(all.get(layout.value)));
    if (layout.key >= 0) shapes.put("key_shape", KerasObjects.shape(all.get(layout.key)));
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("shapes_dict", shapes);
    return c;
  }

  // ----- computation -----

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    throw new IllegalArgumentException("layer " + name() + " (MultiHeadAttention) needs a query and a value: apply(query, value)");
  }

  @Override
  protected List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    AttentionCall c = layout(inputs.size());
    List<long[]> shapes = new ArrayList<>();
    for (Operand<TFloat32> x : inputs) shapes.add(x.shape().asArray());
    checkInputShapes(shapes);
    Ops tf = ctx.tf();
    List<Operand<TBool>> ms = masks == null ? Collections.nCopies(inputs.size(), null) : masks;
    Operand<TFloat32> q = inputs.get(c.query);
    Operand<TFloat32> v = inputs.get(c.value);
    Operand<TFloat32> k = inputs.get(c.keyOrValue());
    Operand<TBool> attention = attentionMask(tf, c, q, v, inputs, ms);
    // The fused path (Keras's dot_product_attention) without dropout or returned scores; otherwise the Softmax-layer path.
    boolean fused = dropout == 0 && !c.returnAttentionScores;

    Operand<TFloat32> qp = project(tf, q, query, numHeads, keyDim); // (B, T, N, H)
    Operand<TFloat32> kp = project(tf, k, key, numHeads, keyDim); // (B, S, N, H)
    Operand<TFloat32> vp = project(tf, v, value, numHeads, valueDim()); // (B, S, N, Hv)
    Operand<TFloat32> scale = tf.constant((float) (1.0 / Math.sqrt(keyDim)));
    if (!fused) qp = tf.math.mul(qp, scale); // Keras scales the query first on this path
    Operand<TFloat32> qh = tf.linalg.transpose(qp, tf.constant(new int[] {0, 2, 1, 3})); // (B, N, T, H)
    Operand<TFloat32> kh = tf.linalg.transpose(kp, tf.constant(new int[] {0, 2, 3, 1})); // (B, N, H, S)
    Operand<TFloat32> scores = tf.train.batchMatMul(qh, kh, TFloat32.class); // (B, N, T, S)
    if (fused) scores = tf.math.mul(scores, scale);
    Operand<TFloat32> probs;
    if (attention == null) {
      probs = tf.nn.softmax(scores);
    } else {
      Operand<TBool> m4 = tf.expandDims(attention, tf.constant(1)); // (B, 1, T, S): every head
      Operand<TBool> mb = tf.broadcastTo(m4, tf.shape(scores));
      float masked = fused ? FUSED_MASK_VALUE : SOFTMAX_MASK_VALUE;
      probs = tf.nn.softmax(tf.select(mb, scores, tf.fill(tf.shape(scores), tf.constant(masked))));
      if (!fused) probs = tf.select(mb, probs, tf.zerosLike(probs)); // a fully masked row gives zeros
    }
    Operand<TFloat32> dropped = ctx.training() && dropout > 0 ? Dropout.dropout(ctx, probs, dropout, null, seed) : probs;
    Operand<TFloat32> vh = tf.linalg.transpose(vp, tf.constant(new int[] {0, 2, 1, 3})); // (B, N, S, Hv)
    Operand<TFloat32> heads = tf.train.batchMatMul(dropped, vh, TFloat32.class); // (B, N, T, Hv)
    heads = tf.linalg.transpose(heads, tf.constant(new int[] {0, 2, 1, 3})); // (B, T, N, Hv)
    Operand<TFloat32> out = outputProjection(tf, heads);
    if (!c.returnAttentionScores) return List.of(out);
    return List.of(out, probs);
  }

  /**
   * Keras's {@code _compute_attention_mask}: the query mask as (B, T, 1), the value and key
   * masks as (B, 1, S), the causal mask and the sliding window as (1, T, S), ANDed with the
   * attention_mask (nonzero = attend); null when there is none.
   */
  private Operand<TBool> attentionMask(Ops tf, AttentionCall c, Operand<TFloat32> q, Operand<TFloat32> v,
      List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Operand<TBool> auto = null;
    if (masks.get(c.query) != null) auto = tf.expandDims(masks.get(c.query), tf.constant(-1));
    if (masks.get(c.value) != null) auto = and(tf, auto, tf.expandDims(masks.get(c.value), tf.constant(-2)));
    if (c.key >= 0 && masks.get(c.key) != null) auto = and(tf, auto, tf.expandDims(masks.get(c.key), tf.constant(-2)));
    if (c.useCausalMask || slidingWindow != null) {
      Operand<TInt32> rows = tf.expandDims(tf.range(tf.constant(0), dim(tf, q, 1), tf.constant(1)), tf.constant(-1));
      Operand<TInt32> cols = tf.expandDims(tf.range(tf.constant(0), dim(tf, v, 1), tf.constant(1)), tf.constant(0));
      if (c.useCausalMask) auto = and(tf, auto, tf.expandDims(tf.math.greaterEqual(rows, cols), tf.constant(0)));
      if (slidingWindow != null) {
        Operand<TBool> band = tf.math.less(tf.math.abs(tf.math.sub(rows, cols)), tf.constant(slidingWindow.intValue()));
        auto = and(tf, auto, tf.expandDims(band, tf.constant(0)));
      }
    }
    if (c.attentionMask >= 0) {
      Operand<TBool> given = tf.math.notEqual(inputs.get(c.attentionMask), tf.constant(0f));
      auto = auto == null ? given : tf.math.logicalAnd(given, auto);
    }
    if (auto == null) return null;
    // (B, T, S) for every combination of the parts above.
    Operand<TInt32> target = tf.stack(List.of(dim(tf, q, 0), dim(tf, q, 1), dim(tf, v, 1)));
    return tf.broadcastTo(auto, target);
  }

  private static Operand<TBool> and(Ops tf, Operand<TBool> a, Operand<TBool> b) {
    return a == null ? b : tf.math.logicalAnd(a, b);
  }

  private static Operand<TInt32> dim(Ops tf, Operand<TFloat32> x, int axis) {
    return tf.gather(tf.shape(x), tf.constant(axis), tf.constant(0));
  }

  /** {@code x} (B, L, d) through an input projection: (B, L, heads, perHead). */
  private Operand<TFloat32> project(Ops tf, Operand<TFloat32> x, Weight[] w, int heads, int perHead) {
    long d = w[0].shape()[0];
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, d}));
    Operand<TFloat32> kernel = tf.reshape(read(w[0]), tf.constant(new long[] {d, (long) heads * perHead}));
    Operand<TFloat32> y = tf.linalg.matMul(flat, kernel);
    Operand<TInt32> lead = tf.stridedSlice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {2}), tf.constant(new int[] {1}));
    y = tf.reshape(y, tf.concat(List.of(lead, tf.constant(new int[] {heads, perHead})), tf.constant(0)));
    return useBias ? tf.math.add(y, read(w[1])) : y;
  }

  /** The heads (B, T, N, Hv) through attention_output: (B, T, *output_shape). */
  private Operand<TFloat32> outputProjection(Ops tf, Operand<TFloat32> heads) {
    long[] ks = output[0].shape();
    long in = ks[0] * ks[1];
    long outSize = 1;
    int[] od = new int[ks.length - 2];
    for (int i = 2; i < ks.length; i++) {
      outSize *= ks[i];
      od[i - 2] = (int) ks[i];
    }
    Operand<TFloat32> flat = tf.reshape(heads, tf.constant(new long[] {-1, in}));
    Operand<TFloat32> kernel = tf.reshape(read(output[0]), tf.constant(new long[] {in, outSize}));
    Operand<TFloat32> y = tf.linalg.matMul(flat, kernel);
    Operand<TInt32> lead = tf.stridedSlice(tf.shape(heads), tf.constant(new int[] {0}), tf.constant(new int[] {2}), tf.constant(new int[] {1}));
    y = tf.reshape(y, tf.concat(List.of(lead, tf.constant(od)), tf.constant(0)));
    return useBias ? tf.math.add(y, read(output[1])) : y;
  }

  /** The output carries the query's mask; the attention scores have none. */
  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    AttentionCall c = layout(inputs.size());
    List<Operand<TBool>> r = new ArrayList<>();
    r.add(masks == null ? null : masks.get(c.query));
    if (c.returnAttentionScores) r.add(null);
    return r;
  }

  // ----- config -----

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("num_heads", numHeads);
    c.put("key_dim", keyDim);
    c.put("value_dim", valueDim());
    c.put("dropout", dropout);
    c.put("use_bias", useBias);
    c.put("use_gate", false);
    List<Object> os = null;
    if (outputShape != null) {
      os = new ArrayList<>();
      for (long d : outputShape) os.add(d);
    }
    c.put("output_shape", os);
    c.put("attention_axes", attentionAxes == null ? null : new ArrayList<>(attentionAxes));
    c.put("sliding_window", slidingWindow);
    c.put("kernel_initializer", KerasObjects.initializer(kernelInitializer));
    c.put("bias_initializer", KerasObjects.initializer(biasInitializer));
    c.put("kernel_regularizer", KerasObjects.regularizer(kernelRegularizer));
    c.put("bias_regularizer", KerasObjects.regularizer(biasRegularizer));
    c.put("activity_regularizer", null);
    c.put("kernel_constraint", KerasObjects.constraint(kernelConstraint));
    c.put("bias_constraint", KerasObjects.constraint(biasConstraint));
    c.put("seed", seed);
  }
}
