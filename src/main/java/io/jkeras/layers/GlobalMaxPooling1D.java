package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code GlobalMaxPooling1D}: the maximum over the steps, (batch, channels), or
 * (batch, 1, channels) with {@code keepdims}. As in Keras 3.15 it ignores a mask (its call
 * takes none: masked steps count) and passes none on.
 */
public final class GlobalMaxPooling1D extends Layer<GlobalMaxPooling1D> {
  private boolean keepdims;

  /** Keras's {@code GlobalMaxPooling1D.from_config}. */
  public static GlobalMaxPooling1D fromConfig(Config c) {
    GlobalMaxPooling1D l = new GlobalMaxPooling1D();
    l.readBaseConfig(c);
    Conv1DSupport.channelsLast(c, "GlobalMaxPooling1D");
    l.keepdims(c.getBool("keepdims", false));
    return l;
  }

  /** Keras's {@code keepdims}: keep the steps axis (length 1). */
  public GlobalMaxPooling1D keepdims(boolean keepdims) {
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
    return tf.reduceMax(inputs, tf.constant(1), ReduceMax.keepDims(keepdims));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
  }
}
