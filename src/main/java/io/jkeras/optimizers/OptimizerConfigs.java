package io.jkeras.optimizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;

/**
 * Optimizers from Keras configs: a name ("adam") or {@code {"class_name": "Adam", "config":
 * {...}}} with Keras 2 ("lr", "decay") or Keras 3 names. Arguments jkeras cannot honour
 * (weight_decay, clipnorm, EMA, amsgrad...) are refused when set, not dropped.
 */
public final class OptimizerConfigs {
  private OptimizerConfigs() {}

  public static Optimizer fromConfig(JsonNode node, String path) {
    if (node == null || node.isNull()) throw new KerasFormatException(path + ": missing optimizer");
    if (node.isTextual()) {
      try {
        return Optimizers.get(node.asText());
      } catch (IllegalArgumentException e) {
        throw new KerasFormatException(path + ": " + e.getMessage());
      }
    }
    if (!node.isObject() || !node.has("class_name")) throw new KerasFormatException(path + ": expected a name or {class_name, config}");
    String cls = node.get("class_name").asText().replace("Custom>", "");
    Config c = new Config(node.has("config") ? node.get("config") : new ObjectNode(
        JsonNodeFactory.instance), path + ".config", 3);
    c.legacy("lr", "learning_rate");
    float lr = (float) c.getDouble("learning_rate", Double.NaN);
    Optimizer o;
    switch (cls.toLowerCase()) {
      case "adam":
        if (c.getBool("amsgrad", false)) throw new KerasFormatException(path + ".config.amsgrad: not supported yet");
        o = new Adam(def(lr, 0.001f)).beta1((float) c.getDouble("beta_1", 0.9)).beta2((float) c.getDouble("beta_2", 0.999))
            .epsilon((float) c.getDouble("epsilon", 1e-7));
        break;
      case "sgd":
        o = new SGD(def(lr, 0.01f)).momentum((float) c.getDouble("momentum", 0)).nesterov(c.getBool("nesterov", false));
        break;
      case "rmsprop":
        o = new RMSprop(def(lr, 0.001f)).rho((float) c.getDouble("rho", 0.9)).momentum((float) c.getDouble("momentum", 0))
            .epsilon((float) c.getDouble("epsilon", 1e-7)).centered(c.getBool("centered", false));
        break;
      case "adagrad":
        o = new Adagrad(def(lr, 0.001f)).initialAccumulatorValue((float) c.getDouble("initial_accumulator_value", 0.1))
            .epsilon((float) c.getDouble("epsilon", 1e-7));
        break;
      case "adadelta":
        o = new Adadelta(def(lr, 0.001f)).rho((float) c.getDouble("rho", 0.95)).epsilon((float) c.getDouble("epsilon", 1e-7));
        break;
      case "adamax":
        o = new Adamax(def(lr, 0.001f)).beta1((float) c.getDouble("beta_1", 0.9)).beta2((float) c.getDouble("beta_2", 0.999))
            .epsilon((float) c.getDouble("epsilon", 1e-7));
        break;
      case "nadam":
        o = new Nadam(def(lr, 0.001f)).beta1((float) c.getDouble("beta_1", 0.9)).beta2((float) c.getDouble("beta_2", 0.999))
            .epsilon((float) c.getDouble("epsilon", 1e-7));
        break;
      case "ftrl":
        o = new Ftrl(def(lr, 0.001f)).learningRatePower((float) c.getDouble("learning_rate_power", -0.5))
            .initialAccumulatorValue((float) c.getDouble("initial_accumulator_value", 0.1))
            .l1((float) c.getDouble("l1_regularization_strength", 0)).l2((float) c.getDouble("l2_regularization_strength", 0))
            .l2Shrinkage((float) c.getDouble("l2_shrinkage_regularization_strength", 0));
        c.ignore("beta");
        break;
      default:
        throw new KerasFormatException(path + ".class_name: unknown optimizer '" + cls + "'; known: " + Optimizers.names());
    }
    for (String k : new String[] {"weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "loss_scale_factor",
        "gradient_accumulation_steps", "ema_overwrite_frequency"}) {
      c.requireNull(k, "optimizer option");
    }
    if (c.getBool("use_ema", false)) throw new KerasFormatException(path + ".config.use_ema: not supported yet");
    double decay = c.getDouble("decay", 0);
    if (decay != 0) throw new KerasFormatException(path + ".config.decay: learning-rate decay is not supported yet (use a scheduler)");
    c.ignore("name", "ema_momentum", "is_legacy_optimizer", "jit_compile");
    c.checkAllUsed(cls);
    return o;
  }

  private static float def(float v, float d) {
    return Float.isNaN(v) ? d : v;
  }
}
