package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code AveragePooling1D}: the mean (with "same", of the steps inside the sequence only, as TensorFlow's AvgPool) of each window of {@code pool_size} steps, every
 * {@code strides} steps (default: pool_size). No masking, as in Keras: a mask arriving here is dropped.
 */
public final class AveragePooling1D extends Layer<AveragePooling1D> {
  private final int poolSize;
  private int strides;
  private String padding = "valid";

  /** A AveragePooling1D over windows of {@code poolSize} steps, strides = poolSize. */
  public AveragePooling1D(int poolSize) {
    Conv1DSupport.positive("AveragePooling1D", "pool_size", poolSize);
    this.poolSize = poolSize;
    this.strides = poolSize;
  }

  /** Keras's {@code AveragePooling1D.from_config}; Keras 1's pool_length, stride and border_mode too. */
  public static AveragePooling1D fromConfig(Config c) {
    c.legacy("pool_length", "pool_size");
    c.legacy("stride", "strides");
    c.legacy("border_mode", "padding");
    int pool = Conv1DSupport.oneInt(c, "pool_size", null, "AveragePooling1D");
    AveragePooling1D l = new AveragePooling1D(pool);
    l.readBaseConfig(c);
    l.strides(Conv1DSupport.oneInt(c, "strides", pool, "AveragePooling1D"));
    l.padding(c.getString("padding", "valid"));
    Conv1DSupport.channelsLast(c, "AveragePooling1D");
    return l;
  }

  /** Keras's {@code strides}. */
  public AveragePooling1D strides(int strides) {
    Conv1DSupport.positive("AveragePooling1D", "strides", strides);
    this.strides = strides;
    return this;
  }

  /** Keras's {@code padding}: "valid" or "same". */
  public AveragePooling1D padding(String padding) {
    this.padding = Conv1DSupport.padding("AveragePooling1D", padding, false);
    return this;
  }

  @Override
  protected void checkInputShape(long[] s) {
    Conv1DSupport.checkSequence(this, s, poolSize, 1, padding, "pool_size");
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return new long[] {s[0], Conv1DSupport.outputLength(s[1], poolSize, strides, 1, padding), s[2]};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    return Conv1DSupport.from2d(tf, tf.nn.avgPool(Conv1DSupport.to2d(tf, inputs), List.of(1L, 1L, (long) poolSize, 1L),
        List.of(1L, 1L, (long) strides, 1L), padding.toUpperCase(Locale.ROOT)));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("pool_size", List.of(poolSize));
    c.put("padding", padding);
    c.put("strides", List.of(strides));
    c.put("data_format", "channels_last");
  }
}
