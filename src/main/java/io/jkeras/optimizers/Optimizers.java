package io.jkeras.optimizers;

import java.util.List;
import java.util.Locale;

/** Keras's {@code optimizers.get}: an optimizer by name with Keras's defaults. */
public final class Optimizers {
  private static final List<String> NAMES =
      List.of("adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "ftrl");

  private Optimizers() {}

  public static Optimizer get(String name) {
    if (name == null) throw new IllegalArgumentException("optimizer name is null");
    switch (name.toLowerCase(Locale.ROOT)) {
      case "adam": return new Adam();
      case "sgd": return new SGD();
      case "rmsprop": return new RMSprop();
      case "adagrad": return new Adagrad();
      case "adadelta": return new Adadelta();
      case "adamax": return new Adamax();
      case "nadam": return new Nadam();
      case "ftrl": return new Ftrl();
      default:
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: " + String.join(", ", NAMES));
    }
  }

  public static List<String> names() {
    return NAMES;
  }
}
