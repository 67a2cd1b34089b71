package io.jkeras.initializers;

import io.jkeras.initializers.KerasVarianceScaling.Distribution;
import io.jkeras.initializers.KerasVarianceScaling.Mode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.framework.initializers.Constant;
import org.tensorflow.framework.initializers.Identity;
import org.tensorflow.framework.initializers.RandomNormal;
import org.tensorflow.framework.initializers.RandomUniform;
import org.tensorflow.framework.initializers.TruncatedNormal;
import org.tensorflow.types.TFloat32;

/** The Keras initializers by name ("glorot_uniform") or by class name and config. */
public final class Initializers {
  private static final Map<String, String> ALIASES = new LinkedHashMap<>();

  static {
    ALIASES.put("glorot_uniform", "GlorotUniform");
    ALIASES.put("glorot_normal", "GlorotNormal");
    ALIASES.put("he_uniform", "HeUniform");
    ALIASES.put("he_normal", "HeNormal");
    ALIASES.put("lecun_uniform", "LecunUniform");
    ALIASES.put("lecun_normal", "LecunNormal");
    ALIASES.put("orthogonal", "Orthogonal");
    ALIASES.put("zeros", "Zeros");
    ALIASES.put("zero", "Zeros");
    ALIASES.put("ones", "Ones");
    ALIASES.put("one", "Ones");
    ALIASES.put("constant", "Constant");
    ALIASES.put("random_normal", "RandomNormal");
    ALIASES.put("random_uniform", "RandomUniform");
    ALIASES.put("uniform", "RandomUniform");
    ALIASES.put("normal", "RandomNormal");
    ALIASES.put("truncated_normal", "TruncatedNormal");
    ALIASES.put("variance_scaling", "VarianceScaling");
    ALIASES.put("identity", "Identity");
  }

  private Initializers() {}

  /** By Keras name ("glorot_uniform") or class name ("GlorotUniform"), default config. */
  public static Initializer get(String name) {
    return fromConfig(name, new LinkedHashMap<>());
  }

  /** From a Keras {@code {"class_name": ..., "config": {...}}} pair. Unknown keys are kept. */
  public static Initializer fromConfig(String name, Map<String, Object> config) {
    String cls = ALIASES.getOrDefault(name, name);
    Map<String, Object> c = new LinkedHashMap<>();
    switch (cls) {
      case "GlorotUniform":
      case "GlorotNormal":
      case "HeUniform":
      case "HeNormal":
      case "LecunUniform":
      case "LecunNormal":
        c.put("seed", null);
        break;
      case "Orthogonal":
        c.put("gain", 1.0);
        c.put("seed", null);
        break;
      case "Zeros":
      case "Ones":
        break;
      case "Constant":
        c.put("value", 0.0);
        break;
      case "RandomNormal":
      case "TruncatedNormal":
        c.put("mean", 0.0);
        c.put("stddev", 0.05);
        c.put("seed", null);
        break;
      case "RandomUniform":
        c.put("minval", -0.05);
        c.put("maxval", 0.05);
        c.put("seed", null);
        break;
      case "VarianceScaling":
        c.put("scale", 1.0);
        c.put("mode", "fan_in");
        c.put("distribution", "truncated_normal");
        c.put("seed", null);
        break;
      case "Identity":
        c.put("gain", 1.0);
        break;
      default:
        throw new IllegalArgumentException(
            "unknown initializer '" + name + "'; known: " + String.join(", ", ALIASES.keySet()));
    }
    if (config != null) c.putAll(config);
    return new Initializer(cls, c, factory(cls));
  }

  private static double num(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (!(v instanceof Number)) throw new IllegalArgumentException("initializer field '" + key + "' must be a number, got " + v);
    return ((Number) v).doubleValue();
  }

  private static Initializer.Factory factory(String cls) {
    switch (cls) {
      // Keras's definitions (keras/src/initializers/random_initializers.py), all one VarianceScaling.
      case "GlorotUniform": return (c, s, shape) -> new KerasVarianceScaling(1, Mode.FAN_AVG, Distribution.UNIFORM, s, shape);
      case "GlorotNormal": return (c, s, shape) -> new KerasVarianceScaling(1, Mode.FAN_AVG, Distribution.TRUNCATED_NORMAL, s, shape);
      case "HeUniform": return (c, s, shape) -> new KerasVarianceScaling(2, Mode.FAN_IN, Distribution.UNIFORM, s, shape);
      case "HeNormal": return (c, s, shape) -> new KerasVarianceScaling(2, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL, s, shape);
      case "LecunUniform": return (c, s, shape) -> new KerasVarianceScaling(1, Mode.FAN_IN, Distribution.UNIFORM, s, shape);
      case "LecunNormal": return (c, s, shape) -> new KerasVarianceScaling(1, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL, s, shape);
      case "Orthogonal": return (c, s, shape) -> new OrthogonalFix(num(c, "gain"), s, shape);
      // One Fill op: the framework's Zeros and Ones call tf.zeros / tf.ones, which make a
      // sub-scope, and TensorFlow Java walks every op of the graph for each sub-scope (building
      // 3000 layers took minutes).
      case "Zeros": return (c, s, shape) -> filled(0f);
      case "Ones": return (c, s, shape) -> filled(1f);
      case "Constant": return (c, s, shape) -> new Constant<TFloat32>(num(c, "value"));
      case "RandomNormal": return (c, s, shape) -> new RandomNormal<TFloat32>(num(c, "mean"), num(c, "stddev"), s);
      case "TruncatedNormal": return (c, s, shape) -> new TruncatedNormal<TFloat32>(num(c, "mean"), num(c, "stddev"), s);
      case "RandomUniform": return (c, s, shape) -> new RandomUniform<TFloat32>(num(c, "minval"), num(c, "maxval"), s);
      case "Identity": return (c, s, shape) -> new Identity<TFloat32>(num(c, "gain"));
      case "VarianceScaling":
        return (c, s, shape) -> new KerasVarianceScaling(num(c, "scale"), mode(c.get("mode")), distribution(c.get("distribution")), s, shape);
      default: throw new IllegalStateException(cls);
    }
  }

  private static org.tensorflow.framework.initializers.Initializer<TFloat32> filled(float value) {
    return (tf, dims, type) -> tf.fill(dims, tf.constant(value));
  }

  private static Mode mode(Object m) {
    switch (String.valueOf(m)) {
      case "fan_in": return Mode.FAN_IN;
      case "fan_out": return Mode.FAN_OUT;
      case "fan_avg": return Mode.FAN_AVG;
      default: throw new IllegalArgumentException("VarianceScaling mode must be fan_in, fan_out or fan_avg, got " + m);
    }
  }

  private static Distribution distribution(Object d) {
    switch (String.valueOf(d)) {
      case "truncated_normal":
      case "normal": // Keras's legacy alias
        return Distribution.TRUNCATED_NORMAL;
      case "untruncated_normal": return Distribution.UNTRUNCATED_NORMAL;
      case "uniform": return Distribution.UNIFORM;
      default:
        throw new IllegalArgumentException(
            "VarianceScaling distribution must be truncated_normal, untruncated_normal or uniform, got " + d);
    }
  }
}
