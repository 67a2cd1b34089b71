package io.jkeras.losses;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tensorflow.framework.losses.BinaryCrossentropy;
import org.tensorflow.framework.losses.CategoricalCrossentropy;
import org.tensorflow.framework.losses.CategoricalHinge;
import org.tensorflow.framework.losses.CosineSimilarity;
import org.tensorflow.framework.losses.Hinge;
import org.tensorflow.framework.losses.Huber;
import org.tensorflow.framework.losses.KLDivergence;
import org.tensorflow.framework.losses.LogCosh;
import org.tensorflow.framework.losses.MeanAbsoluteError;
import org.tensorflow.framework.losses.MeanAbsolutePercentageError;
import org.tensorflow.framework.losses.MeanSquaredError;
import org.tensorflow.framework.losses.MeanSquaredLogarithmicError;
import org.tensorflow.framework.losses.Poisson;
import org.tensorflow.framework.losses.Reduction;
import org.tensorflow.framework.losses.SquaredHinge;

/** Keras's {@code losses.get}: by function name, alias, or class name with config. */
public final class Losses {
  private static final Map<String, String> CANONICAL = new LinkedHashMap<>();

  static {
    alias("mean_squared_error", "mse", "MeanSquaredError");
    alias("mean_absolute_error", "mae", "MeanAbsoluteError");
    alias("mean_absolute_percentage_error", "mape", "MeanAbsolutePercentageError");
    alias("mean_squared_logarithmic_error", "msle", "MeanSquaredLogarithmicError");
    alias("huber", "huber_loss", "Huber");
    alias("kl_divergence", "kld", "KLDivergence", "kullback_leibler_divergence");
    alias("poisson", "Poisson");
    alias("hinge", "Hinge");
    alias("squared_hinge", "SquaredHinge");
    alias("categorical_hinge", "CategoricalHinge");
    alias("log_cosh", "logcosh", "LogCosh");
    alias("cosine_similarity", "CosineSimilarity");
    alias("binary_crossentropy", "BinaryCrossentropy");
    alias("categorical_crossentropy", "CategoricalCrossentropy");
    alias("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy");
  }

  private Losses() {}

  private static void alias(String canonical, String... others) {
    CANONICAL.put(canonical, canonical);
    for (String o : others) CANONICAL.put(o, canonical);
  }

  public static Loss get(String name) {
    return get(name, null);
  }

  /** A loss by name or class name; {@code config} holds from_logits, label_smoothing, delta... */
  public static Loss get(String name, Map<String, Object> config) {
    if (name == null) throw new IllegalArgumentException("loss name is null");
    String canonical = CANONICAL.get(name);
    if (canonical == null) canonical = CANONICAL.get(name.toLowerCase(Locale.ROOT));
    if (canonical == null) {
      throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + String.join(", ", CANONICAL.keySet()));
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", canonical);
    c.put("reduction", "sum_over_batch_size");
    String cls;
    switch (canonical) {
      case "mean_squared_error": cls = "MeanSquaredError"; break;
      case "mean_absolute_error": cls = "MeanAbsoluteError"; break;
      case "mean_absolute_percentage_error": cls = "MeanAbsolutePercentageError"; break;
      case "mean_squared_logarithmic_error": cls = "MeanSquaredLogarithmicError"; break;
      case "huber": cls = "Huber"; c.put("delta", 1.0); break;
      case "kl_divergence": cls = "KLDivergence"; break;
      case "poisson": cls = "Poisson"; break;
      case "hinge": cls = "Hinge"; break;
      case "squared_hinge": cls = "SquaredHinge"; break;
      case "categorical_hinge": cls = "CategoricalHinge"; break;
      case "log_cosh": cls = "LogCosh"; break;
      case "cosine_similarity": cls = "CosineSimilarity"; c.put("axis", -1); break;
      case "binary_crossentropy":
        cls = "BinaryCrossentropy"; c.put("from_logits", false); c.put("label_smoothing", 0.0); c.put("axis", -1); break;
      case "categorical_crossentropy":
        cls = "CategoricalCrossentropy"; c.put("from_logits", false); c.put("label_smoothing", 0.0); c.put("axis", -1); break;
      case "sparse_categorical_crossentropy":
        cls = "SparseCategoricalCrossentropy"; c.put("from_logits", false); c.put("ignore_class", null); break;
      default: throw new IllegalStateException(canonical);
    }
    if (config != null) {
      for (Map.Entry<String, Object> e : config.entrySet()) {
        if (!c.containsKey(e.getKey()) && !e.getKey().equals("fn")) {
          throw new IllegalArgumentException("loss " + canonical + " has no argument '" + e.getKey() + "'; it takes " + c.keySet());
        }
        c.put(e.getKey(), e.getValue());
      }
    }
    Object reduction = c.get("reduction");
    if (!"sum_over_batch_size".equals(reduction) && !"auto".equals(reduction)) {
      throw new IllegalArgumentException("loss " + canonical + ": only reduction 'sum_over_batch_size' is supported, got " + reduction);
    }
    if (c.containsKey("ignore_class") && c.get("ignore_class") != null) {
      throw new IllegalArgumentException("sparse_categorical_crossentropy: ignore_class is not supported yet");
    }
    String key = canonical;
    return new Loss(canonical, cls, c, cfg -> create(key, cfg), canonical.equals("sparse_categorical_crossentropy"));
  }

  private static boolean bool(Map<String, Object> c, String k) {
    return Boolean.TRUE.equals(c.get(k));
  }

  private static float num(Map<String, Object> c, String k) {
    Object v = c.get(k);
    if (!(v instanceof Number)) throw new IllegalArgumentException("loss field '" + k + "' must be a number, got " + v);
    return ((Number) v).floatValue();
  }

  private static org.tensorflow.framework.losses.Loss create(String canonical, Map<String, Object> c) {
    Reduction r = Reduction.SUM_OVER_BATCH_SIZE;
    switch (canonical) {
      case "mean_squared_error": return new MeanSquaredError(r);
      case "mean_absolute_error": return new MeanAbsoluteError(r);
      case "mean_absolute_percentage_error": return new MeanAbsolutePercentageError(r);
      case "mean_squared_logarithmic_error": return new MeanSquaredLogarithmicError(r);
      case "huber": return new Huber(canonical, num(c, "delta"), r);
      case "kl_divergence": return new KLDivergence(r);
      case "poisson": return new Poisson(r);
      case "hinge": return new Hinge(r);
      case "squared_hinge": return new SquaredHinge(r);
      case "categorical_hinge": return new CategoricalHinge(r);
      case "log_cosh": return new LogCosh(r);
      case "cosine_similarity": return new CosineSimilarity(((Number) c.get("axis")).intValue(), r);
      case "binary_crossentropy": return new BinaryCrossentropy(bool(c, "from_logits"), num(c, "label_smoothing"), r);
      case "categorical_crossentropy":
        return new CategoricalCrossentropy(bool(c, "from_logits"), num(c, "label_smoothing"), r);
      case "sparse_categorical_crossentropy": return new CategoricalCrossentropy(bool(c, "from_logits"), 0f, r);
      default: throw new IllegalStateException(canonical);
    }
  }

  public static Set<String> names() {
    return CANONICAL.keySet();
  }
}
