package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Merge}: the base of the layers that join a list of tensors into one
 * ({@link Add}, {@link Concatenate}, {@link Dot}...), called on at least two inputs:
 * {@code new Add().apply(a, b)}.
 *
 * <p>The elementwise merges broadcast as Keras does. The shapes without the batch dimension align
 * from the right; a dimension of 1 stretches to the other; an unknown dimension on either side
 * gives an unknown one; known batch sizes must agree. An input of lower rank gets size-1 axes
 * inserted after the batch axis before the op, so {@code (batch, 4)} meets {@code (batch, 3, 4)}
 * as {@code (batch, 1, 4)}. The output mask is the OR of the input masks when every input has
 * one, and none otherwise.
 */
public abstract class Merge<L extends Merge<L>> extends Layer<L> {

  protected Merge() {
    this.supportsMasking = true;
  }

  /** Reads a merge layer's config: the base arguments; Keras's activity regularizer is refused. */
  protected L readMergeConfig(Config c) {
    c.requireNull("activity_regularizer", "activity regularization");
    return readBaseConfig(c);
  }

  /** The most inputs the layer takes ({@link Subtract} and {@link Dot}: 2). */
  protected int maxInputs() {
    return Integer.MAX_VALUE;
  }

  /**
   * Whether lower-rank inputs get size-1 axes after the batch axis before {@link #merge}
   * (Keras's {@code _reshape_required}); {@link Concatenate} and {@link Dot} take them as they are.
   */
  protected boolean alignsRanks() {
    return true;
  }

  private IllegalArgumentException countError(int n, String got) {
    String needed = maxInputs() == 2 ? "exactly 2" : "at least 2";
    return new IllegalArgumentException(className() + " needs a list of " + needed + " inputs; layer '" + name()
        + "' got " + n + (got.isEmpty() ? "" : " (" + got + ")"));
  }

  private void checkCount(List<long[]> shapes) {
    if (shapes.size() < 2 || shapes.size() > maxInputs()) throw countError(shapes.size(), describe(shapes));
  }

  private static String describe(List<long[]> shapes) {
    return shapes.stream().map(Shapes::toString).collect(Collectors.joining(", "));
  }

  /** An error naming this layer and all its input shapes. */
  protected final IllegalArgumentException shapesError(String what, List<long[]> shapes) {
    return new IllegalArgumentException("layer " + name() + " (" + className() + "): " + what + "; input shapes "
        + describe(shapes));
  }

  // A merge is never called on one tensor: these one-input paths refuse, naming the layer.

  @Override
  protected final void checkInputShape(long[] inputShape) {
    throw countError(1, "shape " + Shapes.toString(inputShape));
  }

  @Override
  public final long[] computeOutputShape(long[] inputShape) {
    throw countError(1, "shape " + Shapes.toString(inputShape));
  }

  @Override
  public final Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    throw countError(1, "");
  }

  @Override
  protected final void checkInputShapes(List<long[]> inputShapes) {
    checkCount(inputShapes);
    for (long[] s : inputShapes) {
      if (s.length < 1) throw shapesError("every input needs a batch dimension", inputShapes);
    }
    checkShapes(inputShapes);
  }

  /** Validates the input shapes (their count is already checked); by default Keras's elementwise rules. */
  protected void checkShapes(List<long[]> shapes) {
    elementwiseShape(shapes);
  }

  @Override
  public final List<long[]> computeOutputShapes(List<long[]> inputShapes) {
    checkInputShapes(inputShapes);
    return List.of(outputShape(inputShapes));
  }

  /** The output shape for shapes {@link #checkShapes} accepted. */
  protected long[] outputShape(List<long[]> shapes) {
    return elementwiseShape(shapes);
  }

  /** Keras's elementwise output shape: one known batch size, the other dimensions broadcast. */
  private long[] elementwiseShape(List<long[]> shapes) {
    long batch = -1;
    for (long[] s : shapes) {
      if (s[0] < 0) continue;
      if (batch >= 0 && batch != s[0]) throw shapesError("cannot merge tensors with different batch sizes", shapes);
      batch = s[0];
    }
    long[] out = Shapes.dropBatch(shapes.get(0));
    for (int i = 1; i < shapes.size(); i++) out = broadcast(out, Shapes.dropBatch(shapes.get(i)), shapes);
    return Shapes.withBatch(batch, out);
  }

  private long[] broadcast(long[] a, long[] b, List<long[]> shapes) {
    if (a.length < b.length) return broadcast(b, a, shapes);
    long[] out = a.clone();
    int offset = a.length - b.length;
    for (int j = 0; j < b.length; j++) {
      long x = a[offset + j];
      long y = b[j];
      if (x < 0 || y < 0) {
        out[offset + j] = -1;
      } else if (x == 1) {
        out[offset + j] = y;
      } else if (y != 1 && x != y) {
        throw shapesError("inputs have incompatible shapes " + Shapes.toString(a) + " and " + Shapes.toString(b)
            + " (without the batch dimension)", shapes);
      }
    }
    return out;
  }

  @Override
  protected final List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs,
      List<Operand<TBool>> masks) {
    List<long[]> shapes = new ArrayList<>();
    for (Operand<TFloat32> x : inputs) shapes.add(x.shape().asArray());
    checkCount(shapes);
    Ops tf = ctx.tf();
    List<Operand<TFloat32>> xs = new ArrayList<>(inputs);
    List<Operand<TBool>> ms = masksOrNulls(masks, inputs.size());
    if (alignsRanks()) {
      int maxRank = 0;
      for (Operand<TFloat32> x : xs) maxRank = Math.max(maxRank, rank(x));
      for (int i = 0; i < xs.size(); i++) {
        Operand<TFloat32> x = xs.get(i);
        if (rank(x) == maxRank) continue;
        while (rank(x) < maxRank) x = tf.expandDims(x, tf.constant(1));
        xs.set(i, x);
        // Keras expands a copy of the tensor, which carries no mask: the merge sees this input unmasked.
        ms.set(i, null);
      }
    }
    return List.of(merge(ctx, xs, ms));
  }

  /** The merge itself, on inputs of equal rank where {@link #alignsRanks}; masks (entries may be null) as they reach Keras's merge function. */
  protected abstract Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks);

  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    List<Operand<TBool>> ms = masksOrNulls(masks, inputs.size());
    if (ms.contains(null)) return Collections.singletonList(null);
    Operand<TBool> out = ms.get(0);
    for (int i = 1; i < ms.size(); i++) out = ctx.tf().math.logicalOr(out, ms.get(i));
    return Collections.singletonList(out);
  }

  /** {@code masks} as a mutable list with one entry (maybe null) per input. */
  protected final List<Operand<TBool>> masksOrNulls(List<Operand<TBool>> masks, int n) {
    if (masks == null) return new ArrayList<>(Collections.nCopies(n, null));
    if (masks.size() != n) {
      throw new IllegalArgumentException("layer " + name() + " (" + className() + "): " + n + " inputs but " + masks.size()
          + " masks");
    }
    return new ArrayList<>(masks);
  }

  /** The elementwise sum of the inputs, first to last (Add; Average divides it). */
  protected static Operand<TFloat32> sum(Ops tf, List<Operand<TFloat32>> inputs) {
    Operand<TFloat32> out = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) out = tf.math.add(out, inputs.get(i));
    return out;
  }

  protected static int rank(Operand<?> x) {
    return x.shape().numDimensions();
  }

  /** A (batch, time) mask stretched over the features of {@code x}, as Keras broadcasts it. */
  protected static Operand<TBool> broadcastMask(Ops tf, Operand<TBool> mask, Operand<TFloat32> x) {
    return tf.broadcastTo(tf.expandDims(mask, tf.constant(-1)), tf.shape(x));
  }

  /**
   * Keras's {@code _apply_merge_op_and_or_mask} (Maximum, Minimum): folds {@code op} over the
   * inputs; a masked entry of the next input takes the running result's value, and a masked
   * entry of the running result takes the input's, as long as every input so far had a mask.
   */
  protected static Operand<TFloat32> foldMasked(Ops tf, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks,
      BinaryOperator<Operand<TFloat32>> op) {
    Operand<TFloat32> out = null;
    Operand<TBool> outMask = null;
    for (int i = 0; i < inputs.size(); i++) {
      Operand<TFloat32> x = inputs.get(i);
      Operand<TBool> m = masks.get(i) == null ? null : broadcastMask(tf, masks.get(i), x);
      if (out == null) {
        out = x;
        outMask = m;
        continue;
      }
      if (m != null) x = tf.select(m, x, out);
      if (outMask != null) out = tf.select(outMask, out, x);
      outMask = m != null && outMask != null ? tf.math.logicalOr(outMask, m) : null;
      out = op.apply(out, x);
    }
    return out;
  }
}
