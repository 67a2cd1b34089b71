package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.regularizers.Regularizer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code ActivityRegularization}: returns its input unchanged and adds
 * {@code (l1 * sum(|x|) + l2 * sum(x^2)) / batch_size} to the loss of the train and test
 * functions, as Keras 3's activity regularizers do (normalized by the batch size). Masks pass
 * through.
 */
public final class ActivityRegularization extends Layer<ActivityRegularization> {
  private final double l1;
  private final double l2;

  /** Keras's {@code ActivityRegularization(l1, l2)}. */
  public ActivityRegularization(double l1, double l2) {
    if (!(l1 >= 0) || !(l2 >= 0) || !Double.isFinite(l1) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("ActivityRegularization: l1 and l2 must be finite and >= 0, got l1=" + l1 + ", l2=" + l2);
    }
    this.l1 = l1;
    this.l2 = l2;
    this.supportsMasking = true;
  }

  /** Keras's {@code ActivityRegularization.from_config} (l1, l2 default 0). */
  public static ActivityRegularization fromConfig(Config c) {
    ActivityRegularization a = new ActivityRegularization(c.getDouble("l1", 0.0), c.getDouble("l2", 0.0));
    a.readBaseConfig(c);
    c.ignore("activity_regularizer"); // Keras's get_config drops it: it is l1 and l2
    return a;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    Operand<TFloat32> penalty = Regularizer.l1l2((float) l1, (float) l2).call(tf, inputs);
    Operand<TFloat32> batch = tf.dtypes.cast(tf.gather(tf.shape(inputs), tf.constant(0), tf.constant(0)), TFloat32.class);
    ctx.addLoss(tf.math.divNoNan(penalty, batch));
    return inputs;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("l1", l1);
    c.put("l2", l2);
  }
}
