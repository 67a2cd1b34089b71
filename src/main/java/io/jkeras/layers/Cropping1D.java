package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Cropping1D}: drops {@code cropping[0]} steps at the start and
 * {@code cropping[1]} at the end. No masking, as in Keras: a mask arriving here is dropped.
 */
public final class Cropping1D extends Layer<Cropping1D> {
  private final int start;
  private final int end;

  /** A Cropping1D dropping {@code start} steps before and {@code end} after (Keras's default is (1, 1)). */
  public Cropping1D(int start, int end) {
    if (start < 0 || end < 0) throw new IllegalArgumentException("Cropping1D: cropping must be >= 0, got (" + start + ", " + end + ")");
    this.start = start;
    this.end = end;
  }

  /** Keras's {@code Cropping1D.from_config}: cropping as one integer or a pair. */
  public static Cropping1D fromConfig(Config c) {
    int[] p = Conv1DSupport.pair(c, "cropping", 1);
    Cropping1D l = new Cropping1D(p[0], p[1]);
    l.readBaseConfig(c);
    return l;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, steps, channels)", s);
    if (s[1] >= 0 && start + end >= s[1]) {
      throw shapeError("cropping (" + start + ", " + end + ") must leave at least one step", s);
    }
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], s[1] < 0 ? -1 : s[1] - start - end, s[2]};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    // inputs[:, start:-end, :] (to the end when end is 0); batch and channels axes whole.
    long endMask = end == 0 ? 0b111 : 0b101;
    return tf.stridedSlice(inputs, tf.constant(new int[] {0, start, 0}), tf.constant(new int[] {0, -end, 0}),
        tf.constant(new int[] {1, 1, 1}), StridedSlice.beginMask(0b101L), StridedSlice.endMask(endMask));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("cropping", List.of(start, end));
  }
}
