package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceAny;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Masking}: a timestep whose features all equal {@code mask_value} is masked
 * (and zeroed); downstream RNNs carry their state through masked steps.
 */
public final class Masking extends Layer<Masking> {
  private final double maskValue;

  public Masking() {
    this(0.0);
  }

  public Masking(double maskValue) {
    this.maskValue = maskValue;
    this.supportsMasking = true;
  }

  public static Masking fromConfig(Config c) {
    Masking m = new Masking(c.getDouble("mask_value", 0.0));
    m.readBaseConfig(c);
    return m;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length < 3) throw shapeError("Masking expects (batch, timesteps, features)", s);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape;
  }

  private Operand<TBool> keep(Ops tf, Operand<TFloat32> inputs) {
    return tf.reduceAny(tf.math.notEqual(inputs, tf.constant((float) maskValue)), tf.constant(-1),
        ReduceAny.keepDims(false));
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TFloat32> m = tf.dtypes.cast(tf.expandDims(keep(tf, inputs), tf.constant(-1)), TFloat32.class);
    return tf.math.mul(inputs, m);
  }

  @Override
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return keep(ctx.tf(), inputs);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("mask_value", maskValue);
  }
}
