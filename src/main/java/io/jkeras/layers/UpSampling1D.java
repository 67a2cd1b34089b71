package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code UpSampling1D}: each step repeated {@code size} times along the steps
 * (Keras's {@code ops.repeat}). No masking, as in Keras: a mask arriving here is dropped.
 */
public final class UpSampling1D extends Layer<UpSampling1D> {
  private final int size;

  /** An UpSampling1D repeating each step {@code size} times (Keras's default is 2). */
  public UpSampling1D(int size) {
    Conv1DSupport.positive("UpSampling1D", "size", size);
    this.size = size;
  }

  /** Keras's {@code UpSampling1D.from_config}; Keras 1's {@code length} too. */
  public static UpSampling1D fromConfig(Config c) {
    c.legacy("length", "size");
    UpSampling1D l = new UpSampling1D(c.getInt("size", 2));
    l.readBaseConfig(c);
    return l;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, steps, channels)", s);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], s[1] < 0 ? -1 : s[1] * size, s[2]};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    // (b, t, c) -> (b, t, 1, c) -> tiled (b, t, size, c) -> (b, t * size, c): step i lands at i * size .. i * size + size - 1.
    Operand<TFloat32> tiled = tf.tile(tf.expandDims(inputs, tf.constant(2)), tf.constant(new int[] {1, 1, size, 1}));
    long[] in = inputs.shape().asArray();
    if (in[1] >= 0 && in[2] >= 0) {
      // A constant shape keeps the steps and channels known to the layers after (an RNN needs them).
      return tf.reshape(tiled, tf.constant(new long[] {-1, in[1] * size, in[2]}));
    }
    Operand<TInt32> shape = tf.math.mul(tf.shape(inputs), tf.constant(new int[] {1, size, 1}));
    return tf.reshape(tiled, shape);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("size", size);
  }
}
