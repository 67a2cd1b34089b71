package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code GaussianNoise}: in training, adds zero-mean Gaussian noise of standard deviation
 * {@code stddev} (which Keras requires in [0, 1]); identity at inference. Masks pass through.
 */
public final class GaussianNoise extends Layer<GaussianNoise> {
  private final double stddev;
  private Long seed;

  /** Keras's {@code GaussianNoise(stddev)}, stddev in [0, 1]. */
  public GaussianNoise(double stddev) {
    if (!(stddev >= 0 && stddev <= 1)) {
      throw new IllegalArgumentException("GaussianNoise: stddev must be in [0, 1] (as Keras requires), got " + stddev);
    }
    this.stddev = stddev;
    this.supportsMasking = true;
  }

  /** Keras's {@code GaussianNoise.from_config}. */
  public static GaussianNoise fromConfig(Config c) {
    GaussianNoise g = new GaussianNoise(c.getDouble("stddev", Double.NaN));
    g.readBaseConfig(c);
    Long seed = c.getLongOrNull("seed");
    if (seed != null) g.seed(seed);
    return g;
  }

  /** Keras's {@code seed} of the noise. */
  public GaussianNoise seed(long seed) {
    this.seed = seed;
    return this;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    if (!ctx.training() || stddev == 0) return inputs;
    Ops tf = ctx.tf();
    Operand<TFloat32> noise = standardNormal(ctx, tf, tf.shape(inputs), seed);
    return tf.math.add(inputs, tf.math.mul(noise, tf.constant((float) stddev)));
  }

  /**
   * Standard normal noise of {@code shape}, behind a StopGradient: the noise is no function of the
   * weights, and TensorFlow's C++ gradient registry, which builds jkeras's training graphs, has no
   * gradient for the random op (whose shape input comes from the layer's input). Shared with
   * GaussianDropout.
   */
  static Operand<TFloat32> standardNormal(CallContext ctx, Ops tf, Operand<TInt32> shape, Long seed) {
    long s = seed != null ? seed : ctx.nextSeed();
    return tf.stopGradient(tf.random.randomStandardNormal(shape, TFloat32.class, RandomStandardNormal.seed(s).seed2(ctx.nextSeed())));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("stddev", stddev);
    c.put("seed", seed == null ? null : seed.longValue() == seed.intValue() ? (Object) seed.intValue() : seed);
  }
}
