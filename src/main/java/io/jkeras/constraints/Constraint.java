package io.jkeras.constraints;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras weight constraint (MaxNorm, MinMaxNorm, NonNeg, UnitNorm), applied to the weight
 * after each optimizer update, computed by the TensorFlow Java framework constraint.
 */
public final class Constraint {
  private final String className;
  private final Map<String, Object> config;
  private final Supplier<org.tensorflow.framework.constraints.Constraint> impl;

  Constraint(String className, Map<String, Object> config, Supplier<org.tensorflow.framework.constraints.Constraint> impl) {
    this.className = className;
    this.config = config;
    this.impl = impl;
  }

  public String className() {
    return className;
  }

  public Map<String, Object> getConfig() {
    return new LinkedHashMap<>(config);
  }

  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> weight) {
    return impl.get().call(tf, weight);
  }

  @Override
  public String toString() {
    return className + config;
  }
}
