package io.jkeras.regularizers;

import java.util.Map;

/** Keras's {@code regularizers.get}: by name ("l2") or by class name and config. */
public final class Regularizers {
  private Regularizers() {}

  public static Regularizer get(String name) {
    return fromConfig(name, Map.of());
  }

  public static Regularizer fromConfig(String name, Map<String, Object> config) {
    float l1 = num(config, "l1", 0.01f);
    float l2 = num(config, "l2", 0.01f);
    switch (name) {
      case "L1":
      case "l1":
        return Regularizer.l1(l1);
      case "L2":
      case "l2":
        return Regularizer.l2(l2);
      case "L1L2":
      case "l1_l2":
        // Keras's L1L2 class defaults both to 0; the l1_l2 function to 0.01.
        return name.equals("L1L2") ? Regularizer.l1l2(num(config, "l1", 0f), num(config, "l2", 0f)) : Regularizer.l1l2(l1, l2);
      default:
        throw new IllegalArgumentException("unknown regularizer '" + name + "'; known: L1, L2, L1L2 (l1, l2, l1_l2)");
    }
  }

  private static float num(Map<String, Object> c, String k, float def) {
    Object v = c.get(k);
    if (v == null) return def;
    if (!(v instanceof Number)) throw new IllegalArgumentException("regularizer field '" + k + "' must be a number, got " + v);
    return ((Number) v).floatValue();
  }
}
