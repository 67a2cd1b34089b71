package io.jkeras.constraints;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.framework.constraints.MaxNorm;
import org.tensorflow.framework.constraints.MinMaxNorm;
import org.tensorflow.framework.constraints.NonNeg;
import org.tensorflow.framework.constraints.UnitNorm;

/** Keras's {@code constraints.get}: by name ("non_neg") or class name and config. */
public final class Constraints {
  private Constraints() {}

  public static Constraint get(String name) {
    return fromConfig(name, Map.of());
  }

  public static Constraint fromConfig(String name, Map<String, Object> config) {
    Map<String, Object> c = new LinkedHashMap<>();
    switch (name) {
      case "MaxNorm":
      case "max_norm": {
        c.put("max_value", num(config, "max_value", 2.0));
        c.put("axis", config.getOrDefault("axis", 0));
        int[] axes = axes(c.get("axis"));
        double max = (double) c.get("max_value");
        return new Constraint("MaxNorm", c, () -> new MaxNorm(max, axes));
      }
      case "MinMaxNorm":
      case "min_max_norm": {
        c.put("min_value", num(config, "min_value", 0.0));
        c.put("max_value", num(config, "max_value", 1.0));
        c.put("rate", num(config, "rate", 1.0));
        c.put("axis", config.getOrDefault("axis", 0));
        int[] axes = axes(c.get("axis"));
        double min = (double) c.get("min_value");
        double max = (double) c.get("max_value");
        double rate = (double) c.get("rate");
        return new Constraint("MinMaxNorm", c, () -> new MinMaxNorm(min, max, rate, axes));
      }
      case "NonNeg":
      case "non_neg":
        return new Constraint("NonNeg", c, NonNeg::new);
      case "UnitNorm":
      case "unit_norm": {
        c.put("axis", config.getOrDefault("axis", 0));
        int[] axes = axes(c.get("axis"));
        return new Constraint("UnitNorm", c, () -> new UnitNorm(axes));
      }
      default:
        throw new IllegalArgumentException("unknown constraint '" + name + "'; known: MaxNorm, MinMaxNorm, NonNeg, UnitNorm");
    }
  }

  private static double num(Map<String, Object> c, String k, double def) {
    Object v = c.get(k);
    if (v == null) return def;
    if (!(v instanceof Number)) throw new IllegalArgumentException("constraint field '" + k + "' must be a number, got " + v);
    return ((Number) v).doubleValue();
  }

  private static int[] axes(Object axis) {
    if (axis instanceof Number) return new int[] {((Number) axis).intValue()};
    if (axis instanceof List) return ((List<?>) axis).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    throw new IllegalArgumentException("constraint axis must be an int or a list of ints, got " + axis);
  }
}
