package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code GaussianDropout}: in training, multiplies by Gaussian noise of mean 1 and
 * standard deviation {@code sqrt(rate / (1 - rate))}; identity at inference. Masks pass through.
 */
public final class GaussianDropout extends Layer<GaussianDropout> {
  private final double rate;
  private Long seed;

  /** Keras's {@code GaussianDropout(rate)}, rate in [0, 1] (1 cannot train: infinite noise). */
  public GaussianDropout(double rate) {
    if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("GaussianDropout: rate must be in [0, 1], got " + rate);
    this.rate = rate;
    this.supportsMasking = true;
  }

  /** Keras's {@code GaussianDropout.from_config}. */
  public static GaussianDropout fromConfig(Config c) {
    GaussianDropout g = new GaussianDropout(c.getDouble("rate", Double.NaN));
    g.readBaseConfig(c);
    Long seed = c.getLongOrNull("seed");
    if (seed != null) g.seed(seed);
    return g;
  }

  /** Keras's {@code seed} of the noise. */
  public GaussianDropout seed(long seed) {
    this.seed = seed;
    return this;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    if (!ctx.training() || rate == 0) return inputs;
    if (rate >= 1) {
      throw new IllegalArgumentException("layer " + name() + " (GaussianDropout): rate 1 gives noise of infinite standard"
          + " deviation; it cannot train (Keras fails the same way)");
    }
    Ops tf = ctx.tf();
    Operand<TFloat32> noise = GaussianNoise.standardNormal(ctx, tf, tf.shape(inputs), seed);
    float stddev = (float) Math.sqrt(rate / (1 - rate));
    return tf.math.mul(inputs, tf.math.add(tf.math.mul(noise, tf.constant(stddev)), tf.constant(1f)));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("rate", rate);
    c.put("seed", seed == null ? null : seed.longValue() == seed.intValue() ? (Object) seed.intValue() : seed);
  }
}
