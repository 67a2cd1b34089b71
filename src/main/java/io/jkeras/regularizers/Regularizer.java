package io.jkeras.regularizers;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.framework.regularizers.L1L2;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Keras weight regularizer (L1, L2, L1L2 / l1_l2): a penalty on a weight added to the
 * training loss, computed by the TensorFlow Java framework regularizer.
 */
public final class Regularizer {
  private final String className;
  private final float l1;
  private final float l2;

  Regularizer(String className, float l1, float l2) {
    this.className = className;
    this.l1 = l1;
    this.l2 = l2;
  }

  public static Regularizer l1(float l1) {
    return new Regularizer("L1", l1, 0);
  }

  public static Regularizer l2(float l2) {
    return new Regularizer("L2", 0, l2);
  }

  public static Regularizer l1l2(float l1, float l2) {
    return new Regularizer("L1L2", l1, l2);
  }

  public String className() {
    return className;
  }

  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    if (!className.equals("L2")) c.put("l1", (double) l1);
    if (!className.equals("L1")) c.put("l2", (double) l2);
    return c;
  }

  /** The penalty, {@code l1 * sum(|w|) + l2 * sum(w^2)}, as Keras defines it. */
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> weight) {
    return new L1L2(l1, l2).call(tf, weight);
  }

  @Override
  public String toString() {
    return className + getConfig();
  }
}
