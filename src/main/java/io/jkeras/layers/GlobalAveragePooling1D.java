package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code GlobalAveragePooling1D}: the mean over the steps, (batch, channels), or
 * (batch, 1, channels) with {@code keepdims}. With a mask it averages the unmasked steps only
 * (sum of the kept steps / their count, as Keras 3.15: a sample with every step masked gives
 * NaN there too), and passes no mask on.
 */
public final class GlobalAveragePooling1D extends Layer<GlobalAveragePooling1D> {
  private boolean keepdims;

  /** A GlobalAveragePooling1D; it consumes masks (Keras's supports_masking). */
  public GlobalAveragePooling1D() {
    this.supportsMasking = true;
  }

  /** Keras's {@code GlobalAveragePooling1D.from_config}. */
  public static GlobalAveragePooling1D fromConfig(Config c) {
    GlobalAveragePooling1D l = new GlobalAveragePooling1D();
    l.readBaseConfig(c);
    Conv1DSupport.channelsLast(c, "GlobalAveragePooling1D");
    l.keepdims(c.getBool("keepdims", false));
    return l;
  }

  /** Keras's {@code keepdims}: keep the steps axis (length 1). */
  public GlobalAveragePooling1D keepdims(boolean keepdims) {
    this.keepdims = keepdims;
    return this;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, steps, channels)", s);
    if (s[1] == 0) throw shapeError("the sequence must have at least one step", s);
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return keepdims ? new long[] {s[0], 1, s[2]} : new long[] {s[0], s[2]};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    if (mask == null) return tf.math.mean(inputs, tf.constant(1), Mean.keepDims(keepdims));
    Operand<TBool> m = tf.expandDims(mask, tf.constant(2)); // (batch, steps, 1)
    Operand<TFloat32> kept = tf.select(tf.broadcastTo(m, tf.shape(inputs)), inputs, tf.zerosLike(inputs));
    Operand<TFloat32> count = tf.reduceSum(tf.dtypes.cast(m, TFloat32.class), tf.constant(1), ReduceSum.keepDims(keepdims));
    return tf.math.div(tf.reduceSum(kept, tf.constant(1), ReduceSum.keepDims(keepdims)), count);
  }

  /** Keras's compute_mask: the steps are gone, so no mask goes on. */
  @Override
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return null;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
  }
}
