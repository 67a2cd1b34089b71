package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Dot(axes, normalize)}: the dot product of two inputs along one axis of each,
 * sample by sample (Keras's {@code batch_dot}). {@code axes} is one axis for both inputs or one
 * per input, negative counting from the end, never the batch axis 0. The output holds the first
 * input's other axes, then the second's other non-batch axes: {@code (b, t, d)} and
 * {@code (b, s, d)} with axes 2 give {@code (b, t, s)}; two {@code (b, d)} inputs give
 * {@code (b, 1)}. With {@code normalize}, each input is first L2-normalized along its axis, so
 * the result is the cosine similarity. The output has no mask.
 */
public final class Dot extends Merge<Dot> {
  /** Keras's epsilon: the L2 norm is at least this. */
  private static final float EPSILON = 1e-7f;

  private final int[] axes;
  /** Whether one axis was given for both inputs (an int in the config) rather than a pair. */
  private final boolean sharedAxis;
  private boolean normalize;

  /** The same axis of both inputs. */
  public Dot(int axes) {
    this.axes = new int[] {axes, axes};
    this.sharedAxis = true;
  }

  /** Axis {@code axis1} of the first input with axis {@code axis2} of the second. */
  public Dot(int axis1, int axis2) {
    this.axes = new int[] {axis1, axis2};
    this.sharedAxis = false;
  }

  public static Dot fromConfig(Config c) {
    JsonNode a = c.getNode("axes");
    if (a != null && a.isObject() && "__tuple__".equals(a.path("class_name").asText())) a = a.get("items");
    Dot d;
    if (a != null && a.isIntegralNumber()) {
      d = new Dot(a.asInt());
    } else if (a != null && a.isArray() && a.size() == 2 && a.get(0).isIntegralNumber() && a.get(1).isIntegralNumber()) {
      d = new Dot(a.get(0).asInt(), a.get(1).asInt());
    } else {
      throw new KerasFormatException(c.path() + ".axes: expected an integer or a list of two, got " + Config.describe(a));
    }
    return d.normalize(c.getBool("normalize", false)).readMergeConfig(c);
  }

  /** L2-normalizes each input along its axis first (cosine similarity). */
  public Dot normalize(boolean normalize) {
    this.normalize = normalize;
    return this;
  }

  public boolean normalize() {
    return normalize;
  }

  @Override
  protected int maxInputs() {
    return 2;
  }

  @Override
  protected boolean alignsRanks() {
    return false;
  }

  /** The axes as indices into inputs of ranks {@code r1}, {@code r2}, or an error. */
  private int[] resolve(int r1, int r2, List<long[]> shapes) {
    int[] ranks = {r1, r2};
    int[] r = new int[2];
    for (int i = 0; i < 2; i++) {
      if (ranks[i] < 2) throw shapesError("Dot needs inputs of rank 2 or more (batch first)", shapes);
      r[i] = axes[i] < 0 ? axes[i] + ranks[i] : axes[i];
      if (r[i] < 0 || r[i] >= ranks[i]) {
        throw shapesError("axis " + axes[i] + " is out of range for input " + i + " of rank " + ranks[i], shapes);
      }
      if (r[i] == 0) throw shapesError("cannot take the dot product over the batch axis 0", shapes);
    }
    return r;
  }

  @Override
  protected void checkShapes(List<long[]> shapes) {
    long[] s1 = shapes.get(0);
    long[] s2 = shapes.get(1);
    int[] a = resolve(s1.length, s2.length, shapes);
    // As Keras's Dot.build: the two sizes must be equal, an unknown one only with an unknown one.
    if (s1[a[0]] != s2[a[1]]) {
      throw shapesError("incompatible sizes " + dim(s1[a[0]]) + " (axis " + a[0] + " of input 0) and " + dim(s2[a[1]])
          + " (axis " + a[1] + " of input 1)", shapes);
    }
    if (s1[0] >= 0 && s2[0] >= 0 && s1[0] != s2[0]) throw shapesError("the batch sizes differ", shapes);
  }

  private static String dim(long d) {
    return d < 0 ? "None" : Long.toString(d);
  }

  @Override
  protected long[] outputShape(List<long[]> shapes) {
    long[] s1 = shapes.get(0);
    long[] s2 = shapes.get(1);
    int[] a = resolve(s1.length, s2.length, shapes);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < s1.length; i++) if (i != a[0]) out.add(s1[i]);
    for (int i = 1; i < s2.length; i++) if (i != a[1]) out.add(s2[i]);
    if (out.size() == 1) out.add(1L);
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Ops tf = ctx.tf();
    Operand<TFloat32> x = inputs.get(0);
    Operand<TFloat32> y = inputs.get(1);
    int[] a = resolve(rank(x), rank(y), List.of(x.shape().asArray(), y.shape().asArray()));
    if (normalize) {
      x = l2Normalize(tf, x, a[0]);
      y = l2Normalize(tf, y, a[1]);
    }
    return batchDot(tf, x, y, a[0], a[1]);
  }

  /** Keras's {@code normalize(x, axis)}: {@code x * min(rsqrt(sum(x^2)), 1 / epsilon)}. */
  private static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x, int axis) {
    Operand<TFloat32> sumSq = tf.reduceSum(tf.math.square(x), tf.constant(axis), ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.minimum(tf.math.rsqrt(sumSq), tf.constant(1f / EPSILON)));
  }

  /**
   * Keras's {@code batch_dot}: moves x's axis last and y's to position 1, folds the other axes
   * into one on each side, multiplies (batch, X, d) by (batch, d, Y) and unfolds the result to
   * (batch, x's other axes, y's other axes), or (batch, 1) when both are empty.
   */
  private static Operand<TFloat32> batchDot(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, int ax, int ay) {
    int rx = rank(x);
    int ry = rank(y);
    x = moveAxis(tf, x, ax, rx - 1);
    y = moveAxis(tf, y, ay, 1);
    Operand<TInt32> sx = tf.shape(x);
    Operand<TInt32> sy = tf.shape(y);
    Operand<TInt32> batch = slice(tf, sx, 0, 1);
    Operand<TInt32> rest = tf.constant(new int[] {-1});
    Operand<TFloat32> x3 = tf.reshape(x, tf.concat(List.of(batch, rest, slice(tf, sx, rx - 1, rx)), tf.constant(0)));
    Operand<TFloat32> y3 = tf.reshape(y, tf.concat(List.of(batch, slice(tf, sy, 1, 2), rest), tf.constant(0)));
    Operand<TFloat32> product = tf.train.batchMatMul(x3, y3, TFloat32.class);
    List<Operand<TInt32>> outShape = new ArrayList<>(List.of(batch, slice(tf, sx, 1, rx - 1), slice(tf, sy, 2, ry)));
    if (rx == 2 && ry == 2) outShape.add(tf.constant(new int[] {1}));
    return tf.reshape(product, tf.concat(outShape, tf.constant(0)));
  }

  /** {@code x} with axis {@code from} moved to position {@code to}, the other axes in order. */
  private static Operand<TFloat32> moveAxis(Ops tf, Operand<TFloat32> x, int from, int to) {
    if (from == to) return x;
    List<Integer> perm = new ArrayList<>();
    for (int i = 0; i < rank(x); i++) if (i != from) perm.add(i);
    perm.add(to, from);
    return tf.linalg.transpose(x, tf.constant(perm.stream().mapToInt(Integer::intValue).toArray()));
  }

  private static Operand<TInt32> slice(Ops tf, Operand<TInt32> v, int from, int to) {
    return tf.stridedSlice(v, tf.constant(new int[] {from}), tf.constant(new int[] {to}), tf.constant(new int[] {1}));
  }

  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return Collections.singletonList(null);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("axes", sharedAxis ? (Object) axes[0] : List.of(axes[0], axes[1]));
    c.put("normalize", normalize);
  }
}
