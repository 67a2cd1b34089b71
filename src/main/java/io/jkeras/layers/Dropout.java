package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras's {@code Dropout}: in training, zeroes inputs with probability {@code rate} and scales
 * the rest by {@code 1 / (1 - rate)}; identity at inference.
 */
public final class Dropout extends Layer<Dropout> {
  private final double rate;
  private long[] noiseShape;
  private Long seed;

  public Dropout(double rate) {
    if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("Dropout: rate must be in [0, 1], got " + rate);
    this.rate = rate;
    this.supportsMasking = true;
  }

  /** Keras 1 called the rate "p". */
  public static Dropout fromConfig(Config c) {
    c.legacy("p", "rate");
    Dropout d = new Dropout(c.getDouble("rate", Double.NaN));
    d.readBaseConfig(c);
    long[] ns = c.getShape("noise_shape");
    if (ns != null) d.noiseShape(ns);
    Long seed = c.getLongOrNull("seed");
    if (seed != null) d.seed(seed);
    return d;
  }

  public double rate() {
    return rate;
  }

  /** Keras's {@code noise_shape}: -1 entries take the input's dimension. */
  public Dropout noiseShape(long... noiseShape) {
    this.noiseShape = noiseShape.clone();
    return this;
  }

  public Dropout seed(long seed) {
    this.seed = seed;
    return this;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    if (!ctx.training() || rate == 0) return inputs;
    return dropout(ctx, inputs, rate, noiseShape, seed);
  }

  /** Shared dropout: {@code x * (u >= rate) / (1 - rate)} with u uniform in [0, 1). */
  static Operand<TFloat32> dropout(CallContext ctx, Operand<TFloat32> x, double rate, long[] noiseShape, Long seed) {
    Ops tf = ctx.tf();
    if (rate >= 1) return tf.math.mul(x, tf.constant(0f));
    Operand<TInt32> shape = tf.shape(x);
    if (noiseShape != null) {
      List<Operand<TInt32>> dims = new ArrayList<>();
      for (int i = 0; i < noiseShape.length; i++) {
        dims.add(noiseShape[i] < 0
            ? tf.reshape(tf.gather(shape, tf.constant(i), tf.constant(0)), tf.constant(new int[] {1}))
            : tf.constant(new int[] {(int) noiseShape[i]}));
      }
      shape = tf.concat(dims, tf.constant(0));
    }
    return tf.math.mul(x, keepMask(ctx, tf, shape, rate, seed));
  }

  /**
   * The scaled keep mask of {@code shape}: {@code (u >= rate) / (1 - rate)}, u uniform in [0, 1).
   * Shared by this layer and the recurrent layers' input and recurrent dropout.
   */
  static Operand<TFloat32> keepMask(CallContext ctx, Ops tf, Operand<TInt32> shape, double rate, Long seed) {
    long s = seed != null ? seed : ctx.nextSeed();
    Operand<TFloat32> u = tf.random.randomUniform(shape, TFloat32.class, RandomUniform.seed(s).seed2(ctx.nextSeed()));
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant((float) rate)), TFloat32.class);
    return tf.math.mul(keep, tf.constant((float) (1 / (1 - rate))));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("rate", rate);
    c.put("seed", seed);
    List<Object> ns = null;
    if (noiseShape != null) {
      ns = new ArrayList<>();
      for (long d : noiseShape) ns.add(d < 0 ? null : d);
    }
    c.put("noise_shape", ns);
  }
}
