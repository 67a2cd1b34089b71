package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ZeroPadding1D}: {@code padding[0]} zero steps before the sequence and
 * {@code padding[1]} after. No masking, as in Keras: a mask arriving here is dropped.
 */
public final class ZeroPadding1D extends Layer<ZeroPadding1D> {
  private final int before;
  private final int after;

  /** A ZeroPadding1D adding {@code before} and {@code after} zero steps (Keras's default is (1, 1)). */
  public ZeroPadding1D(int before, int after) {
    if (before < 0 || after < 0) throw new IllegalArgumentException("ZeroPadding1D: padding must be >= 0, got (" + before + ", " + after + ")");
    this.before = before;
    this.after = after;
  }

  /** Keras's {@code ZeroPadding1D.from_config}: padding as one integer or a pair. */
  public static ZeroPadding1D fromConfig(Config c) {
    int[] p = Conv1DSupport.pair(c, "padding", 1);
    ZeroPadding1D l = new ZeroPadding1D(p[0], p[1]);
    l.readBaseConfig(c);
    Conv1DSupport.channelsLast(c, "ZeroPadding1D");
    return l;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, steps, channels)", s);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], s[1] < 0 ? -1 : s[1] + before + after, s[2]};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    return tf.pad(inputs, tf.constant(new int[][] {{0, 0}, {before, after}, {0, 0}}), tf.constant(0f));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("padding", List.of(before, after));
    c.put("data_format", "channels_last");
  }
}
