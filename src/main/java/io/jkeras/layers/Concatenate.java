package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Concatenate(axis)}: joins its inputs along {@code axis} (default -1, the last;
 * the batch axis counts). The inputs have one rank and equal dimensions off that axis, where
 * known. The output mask, when some input has one, concatenates the masks stretched over each
 * input's features (an unmasked input counts as all true) and keeps a step where any of its
 * entries is true, so a masked input joined on the feature axis to an unmasked one gives an
 * all-true mask, and joined on the time axis its masked steps stay masked.
 */
public final class Concatenate extends Merge<Concatenate> {
  private final int axis;

  /** Concatenates along the last axis. */
  public Concatenate() {
    this(-1);
  }

  public Concatenate(int axis) {
    this.axis = axis;
  }

  public static Concatenate fromConfig(Config c) {
    return new Concatenate(c.getInt("axis", -1)).readMergeConfig(c);
  }

  public int axis() {
    return axis;
  }

  @Override
  protected boolean alignsRanks() {
    return false;
  }

  /** {@link #axis} as an index into shapes of {@code rank}, or an error. */
  private int axisFor(int rank, List<long[]> shapes) {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) throw shapesError("axis " + axis + " is out of range for inputs of rank " + rank, shapes);
    return a;
  }

  @Override
  protected void checkShapes(List<long[]> shapes) {
    int rank = shapes.get(0).length;
    String what = "inputs need matching shapes except on the concatenation axis " + axis;
    for (long[] s : shapes) {
      if (s.length != rank) throw shapesError(what + " (ranks differ)", shapes);
    }
    int a = axisFor(rank, shapes);
    for (int d = 0; d < rank; d++) {
      if (d == a) continue;
      long known = -1;
      for (long[] s : shapes) {
        if (s[d] < 0) continue;
        if (known >= 0 && s[d] != known) throw shapesError(what, shapes);
        known = s[d];
      }
    }
  }

  /** As Keras: the first input's shape, with the sizes along the axis summed (unknown if any is). */
  @Override
  protected long[] outputShape(List<long[]> shapes) {
    long[] out = shapes.get(0).clone();
    int a = axisFor(out.length, shapes);
    for (int i = 1; i < shapes.size(); i++) {
      long d = shapes.get(i)[a];
      if (out[a] < 0 || d < 0) {
        out[a] = -1;
        break;
      }
      out[a] += d;
    }
    return out;
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Ops tf = ctx.tf();
    return tf.concat(inputs, tf.constant(axis));
  }

  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    List<Operand<TBool>> ms = masksOrNulls(masks, inputs.size());
    if (ms.stream().allMatch(m -> m == null)) return Collections.singletonList(null);
    Ops tf = ctx.tf();
    List<Operand<TBool>> full = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Operand<TFloat32> x = inputs.get(i);
      Operand<TBool> m = ms.get(i);
      if (m == null) {
        full.add(tf.fill(tf.shape(x), tf.constant(true)));
      } else if (rank(m) < rank(x)) {
        full.add(broadcastMask(tf, m, x));
      } else {
        full.add(m);
      }
    }
    Operand<TBool> joined = tf.concat(full, tf.constant(axis));
    return Collections.singletonList(tf.reduceAny(joined, tf.constant(-1)));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("axis", axis);
  }
}
