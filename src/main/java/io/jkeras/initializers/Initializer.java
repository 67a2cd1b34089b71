package io.jkeras.initializers;

import io.jkeras.Keras;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras initializer: a class name, its config, and the TensorFlow Java framework initializer
 * that computes the values. The seed in the config (Keras's {@code seed}) wins; without one,
 * the weight draws a seed from {@link Keras#nextSeed()}.
 */
public final class Initializer {
  interface Factory {
    org.tensorflow.framework.initializers.Initializer<TFloat32> create(Map<String, Object> config, long seed, long[] shape);
  }

  private final String className;
  private final Map<String, Object> config;
  private final Factory factory;

  Initializer(String className, Map<String, Object> config, Factory factory) {
    this.className = className;
    this.config = config;
    this.factory = factory;
  }

  public String className() {
    return className;
  }

  /** The Keras config ({@code {"seed": null, ...}}); a copy. */
  public Map<String, Object> getConfig() {
    return new LinkedHashMap<>(config);
  }

  /** Builds the initial value of a weight of {@code shape}. */
  public Operand<TFloat32> call(Ops tf, long[] shape, long fallbackSeed) {
    Object s = config.get("seed");
    long seed = s instanceof Number ? ((Number) s).longValue() : fallbackSeed;
    return factory.create(config, seed, shape).call(tf, tf.constant(shape), TFloat32.class);
  }

  @Override
  public String toString() {
    return className + config;
  }
}
