package io.jkeras.initializers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's VarianceScaling, and through it GlorotUniform/Normal, HeUniform/Normal and
 * LecunUniform/Normal. The framework's own {@code VarianceScaling} (1.0.0 and 1.1.0) draws its
 * UNIFORM distribution from [0, limit) instead of [-limit, limit), so every default kernel
 * (glorot_uniform) started with positive weights only. This follows Keras 3
 * ({@code keras/src/initializers/random_initializers.py}): the scale is divided by the chosen fan;
 * truncated_normal uses stddev sqrt(scale) / 0.8796 (the stddev of a unit normal truncated at
 * two standard deviations, which TensorFlow's truncated normal also cuts at);
 * untruncated_normal uses sqrt(scale); uniform draws from [-sqrt(3 scale), sqrt(3 scale)).
 */
final class KerasVarianceScaling implements org.tensorflow.framework.initializers.Initializer<TFloat32> {
  enum Mode { FAN_IN, FAN_OUT, FAN_AVG }

  enum Distribution { TRUNCATED_NORMAL, UNTRUNCATED_NORMAL, UNIFORM }

  /** The stddev of a unit normal truncated to [-2, 2], as Keras writes it. */
  static final double TRUNCATED_STDDEV = 0.87962566103423978;

  private final double scale;
  private final Mode mode;
  private final Distribution distribution;
  private final long seed;
  private final long[] shape;

  KerasVarianceScaling(double scale, Mode mode, Distribution distribution, long seed, long[] shape) {
    if (!(scale > 0)) throw new IllegalArgumentException("VarianceScaling scale must be positive, got " + scale);
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution;
    this.seed = seed;
    this.shape = shape.clone();
  }

  /**
   * Keras's {@code compute_fans}: rank 0 -> (1, 1), rank 1 -> (n, n), rank 2 -> (rows, cols),
   * higher ranks (convolution kernels) multiply both by the receptive field, the product of all
   * but the last two dimensions.
   */
  static double[] fans(long[] shape) {
    if (shape.length == 0) return new double[] {1, 1};
    if (shape.length == 1) return new double[] {shape[0], shape[0]};
    if (shape.length == 2) return new double[] {shape[0], shape[1]};
    double receptive = 1;
    for (int i = 0; i < shape.length - 2; i++) receptive *= shape[i];
    return new double[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
  }

  /** The variance Keras aims at: scale / max(1, fan). */
  static double variance(double scale, Mode mode, long[] shape) {
    double[] f = fans(shape);
    double fan;
    switch (mode) {
      case FAN_IN: fan = f[0]; break;
      case FAN_OUT: fan = f[1]; break;
      default: fan = (f[0] + f[1]) / 2; break;
    }
    return scale / Math.max(1.0, fan);
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TInt64> dims, Class<TFloat32> type) {
    double v = variance(scale, mode, shape);
    Operand<TInt64> seeds = tf.constant(new long[] {seed, 0});
    switch (distribution) {
      case TRUNCATED_NORMAL:
        return tf.math.mul(tf.random.statelessTruncatedNormal(dims, seeds, TFloat32.class),
            tf.constant((float) (Math.sqrt(v) / TRUNCATED_STDDEV)));
      case UNTRUNCATED_NORMAL:
        return tf.math.mul(tf.random.statelessRandomNormal(dims, seeds, TFloat32.class), tf.constant((float) Math.sqrt(v)));
      default:
        // [0, 1) -> [-limit, limit)
        float limit = (float) Math.sqrt(3 * v);
        Operand<TFloat32> u = tf.random.statelessRandomUniform(dims, seeds, TFloat32.class);
        return tf.math.sub(tf.math.mul(u, tf.constant(2 * limit)), tf.constant(limit));
    }
  }
}
