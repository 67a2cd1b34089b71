package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code UnitNormalization}: each sample scaled to unit L2 norm over {@code axis} (one
 * axis or several), as Keras computes it: {@code x * min(rsqrt(sum(x^2)), 1e12)}. No weights;
 * masks pass through unchanged.
 */
public final class UnitNormalization extends Layer<UnitNormalization> {
  /** Keras's epsilon for the norm: the inverse norm is capped at 1 / 1e-12. */
  private static final float MAX_INVERSE_NORM = 1e12f;

  private int[] axis = {-1};
  private boolean axisIsList;
  private int[] builtAxes;

  /** A UnitNormalization over the last axis. */
  public UnitNormalization() {
    this.supportsMasking = true;
  }

  /** Keras's {@code UnitNormalization.from_config}. */
  public static UnitNormalization fromConfig(Config c) {
    UnitNormalization u = new UnitNormalization();
    u.readBaseConfig(c);
    u.axisIsList = c.has("axis") && c.getNode("axis").isArray();
    u.axis = Axes.read(c, "axis", -1, true);
    return u;
  }

  /** Keras's {@code axis}: the axes the norm is taken over (default -1). */
  public UnitNormalization axis(int... axis) {
    if (axis.length == 0) throw new IllegalArgumentException("UnitNormalization: axis needs at least one axis");
    this.axis = axis.clone();
    this.axisIsList = axis.length > 1;
    return this;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    Axes.resolve(this, axis, inputShape);
  }

  @Override
  protected void build(long[] inputShape) {
    builtAxes = Axes.resolve(this, axis, inputShape);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    Axes.resolve(this, axis, inputShape);
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TFloat32> squareSum = tf.reduceSum(tf.math.square(inputs), tf.constant(builtAxes), ReduceSum.keepDims(true));
    Operand<TFloat32> inv = tf.math.minimum(tf.math.rsqrt(squareSum), tf.constant(MAX_INVERSE_NORM));
    return tf.math.mul(inputs, inv);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("axis", Axes.config(axis, axisIsList));
  }
}
