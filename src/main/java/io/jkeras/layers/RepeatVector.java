package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code RepeatVector}: (batch, features) to (batch, n, features). */
public final class RepeatVector extends Layer<RepeatVector> {
  private final int n;

  public RepeatVector(int n) {
    if (n <= 0) throw new IllegalArgumentException("RepeatVector: n must be positive, got " + n);
    this.n = n;
  }

  public static RepeatVector fromConfig(Config c) {
    RepeatVector r = new RepeatVector(c.getInt("n"));
    r.readBaseConfig(c);
    return r;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 2) throw shapeError("RepeatVector expects (batch, features)", s);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], n, s[1]};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    return tf.tile(tf.expandDims(inputs, tf.constant(1)), tf.constant(new int[] {1, n, 1}));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("n", n);
  }
}
