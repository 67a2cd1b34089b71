package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SpatialDropout1D}: in training, drops whole feature channels of a
 * (batch, time, features) sequence (the same channels at every timestep) with probability
 * {@code rate}, scaling the rest by {@code 1 / (1 - rate)}; identity at inference. Masks pass
 * through.
 */
public final class SpatialDropout1D extends Layer<SpatialDropout1D> {
  private final double rate;
  private Long seed;

  /** Keras's {@code SpatialDropout1D(rate)}, rate in [0, 1]. */
  public SpatialDropout1D(double rate) {
    if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("SpatialDropout1D: rate must be in [0, 1], got " + rate);
    this.rate = rate;
    this.supportsMasking = true;
  }

  /** Keras's {@code SpatialDropout1D.from_config} (a Keras 2 config's null noise_shape too). */
  public static SpatialDropout1D fromConfig(Config c) {
    SpatialDropout1D d = new SpatialDropout1D(c.getDouble("rate", Double.NaN));
    d.readBaseConfig(c);
    Long seed = c.getLongOrNull("seed");
    if (seed != null) d.seed(seed);
    c.requireNull("noise_shape", "SpatialDropout1D's noise shape is (batch, 1, features)");
    return d;
  }

  /** Keras's {@code seed} of the dropout mask. */
  public SpatialDropout1D seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** The dropout rate. */
  public double rate() {
    return rate;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    if (inputShape.length != 3) throw shapeError("expected a sequence (batch, time, features)", inputShape);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    if (!ctx.training() || rate == 0) return inputs;
    return Dropout.dropout(ctx, inputs, rate, new long[] {-1, 1, -1}, seed);
  }

  /**
   * Keras's config of this class: rate, seed, name and dtype only (its constructor takes no
   * {@code trainable}, so Keras could not read a config that had one).
   */
  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("rate", rate);
    c.put("seed", seed == null ? null : seed.longValue() == seed.intValue() ? (Object) seed.intValue() : seed);
    c.put("name", name());
    c.put("dtype", "float32"); // Keras writes self.dtype here, a string
    return c;
  }
}
