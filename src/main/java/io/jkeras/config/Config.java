package io.jkeras.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.constraints.Constraint;
import io.jkeras.constraints.Constraints;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.regularizers.Regularizers;
import io.jkeras.utils.ResourceLimitException;
import io.jkeras.utils.ShapeMath;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A layer's Keras config, read with types and with the JSON path in every error
 * ({@code layers[2].config.units: expected an integer, got "x"}). It records which keys were
 * read, so that a key jkeras does not understand is reported instead of silently dropped.
 * Keras 1 names are read through {@link #legacy} aliases.
 */
public final class Config {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ObjectNode node;
  private final String path;
  private final int kerasMajor;
  private final Set<String> used = new HashSet<>();

  public Config(JsonNode node, String path, int kerasMajor) {
    if (node == null || !node.isObject()) {
      throw new KerasFormatException(path + ": expected a JSON object, got " + describe(node));
    }
    this.node = (ObjectNode) node;
    this.path = path;
    this.kerasMajor = kerasMajor;
  }

  public String path() {
    return path;
  }

  /** The Keras major version of the file (1, 2 or 3): decides legacy semantics such as hard_sigmoid. */
  public int kerasMajor() {
    return kerasMajor;
  }

  public JsonNode raw() {
    return node;
  }

  public boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  /** Marks {@code keys} as understood (ignored on purpose), e.g. Keras's "implementation". */
  public void ignore(String... keys) {
    used.addAll(Arrays.asList(keys));
  }

  private JsonNode get(String key) {
    used.add(key);
    return node.get(key);
  }

  private KerasFormatException error(String key, String what, JsonNode got) {
    if (got == null) {
      // a required argument is missing: a present argument spelled close to it is a typo.
      Iterator<String> it = node.fieldNames();
      while (it.hasNext()) {
        String k = it.next();
        if (!k.equals(key) && KerasArguments.closest(k, Set.of(key)) != null) {
          return new KerasFormatException(path + ": unknown argument '" + k + "'; did you mean '" + key + "'?");
        }
      }
    }
    return new KerasFormatException(path + "." + key + ": expected " + what + ", got " + describe(got));
  }

  public static String describe(JsonNode n) {
    if (n == null) return "nothing (missing)";
    String s = n.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** Renames a Keras 1 key to its Keras 2+ name if only the old one is present. */
  public void legacy(String oldKey, String newKey) {
    if (node.has(oldKey) && !node.has(newKey)) {
      node.set(newKey, node.get(oldKey));
    }
    used.add(oldKey);
  }

  public int getInt(String key) {
    JsonNode v = get(key);
    if (v == null || !v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw error(key, "an integer", v);
    }
    return v.asInt();
  }

  public int getInt(String key, int def) {
    return has(key) ? getInt(key) : mark(key, def);
  }

  public double getDouble(String key, double def) {
    if (!has(key)) return mark(key, def);
    JsonNode v = get(key);
    if (!v.isNumber()) throw error(key, "a number", v);
    return v.asDouble();
  }

  public boolean getBool(String key, boolean def) {
    if (!has(key)) return mark(key, def);
    JsonNode v = get(key);
    if (!v.isBoolean()) throw error(key, "true or false", v);
    return v.asBoolean();
  }

  public String getString(String key, String def) {
    if (!has(key)) return mark(key, def);
    JsonNode v = get(key);
    if (!v.isTextual()) throw error(key, "a string", v);
    return v.asText();
  }

  /** An integer or null (Keras's optional seeds). */
  public Long getLongOrNull(String key) {
    if (!has(key)) return mark(key, null);
    JsonNode v = get(key);
    if (!v.isIntegralNumber()) throw error(key, "an integer or null", v);
    return v.asLong();
  }

  /** A list, unwrapping Keras's {@code {"class_name": "__tuple__", "items": [...]}} (SavedModel metadata). */
  static JsonNode unwrapTuple(JsonNode v) {
    if (v != null && v.isObject() && "__tuple__".equals(v.path("class_name").asText()) && v.has("items")) return v.get("items");
    return v;
  }

  /** A shape list such as [null, 100, 6] (null -> -1), or null if absent. */
  public long[] getShape(String key) {
    if (!has(key)) return mark(key, null);
    JsonNode v = unwrapTuple(get(key));
    if (!v.isArray()) throw error(key, "a list of dimensions", v);
    long[] r = new long[v.size()];
    for (int i = 0; i < r.length; i++) {
      JsonNode d = v.get(i);
      if (d.isNull()) r[i] = -1;
      else if (d.isIntegralNumber() && d.asLong() >= 0) r[i] = d.asLong();
      else throw error(key, "dimensions that are non-negative integers or null", v);
    }
    try {
      ShapeMath.elements(r, "shape"); // TensorFlow aborts the process on a shape whose size overflows
    } catch (ResourceLimitException e) {
      throw new KerasFormatException(path + "." + key + ": " + v + " has more elements than a 64-bit count holds");
    }
    return r;
  }

  /** A nested config object ({@code "config": {...}}). */
  public Config getConfig(String key) {
    JsonNode v = get(key);
    return new Config(v, path + "." + key, kerasMajor);
  }

  public JsonNode getNode(String key) {
    return get(key);
  }

  public Activation activation(String key, String def) {
    String name = getString(key, def);
    try {
      return Activations.get(name, kerasMajor);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(path + "." + key + ": " + e.getMessage());
    }
  }

  /** An initializer given as a name ("glorot_uniform") or a serialized object. */
  public Initializer initializer(String key, String def) {
    if (!has(key)) return mark(key, Initializers.get(def));
    JsonNode v = get(key);
    try {
      if (v.isTextual()) return Initializers.get(v.asText());
      ClassAndConfig cc = classAndConfig(key, v);
      return Initializers.fromConfig(cc.className, cc.config);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(path + "." + key + ": " + e.getMessage());
    }
  }

  /** A regularizer or null. */
  public Regularizer regularizer(String key) {
    if (!has(key)) return mark(key, null);
    JsonNode v = get(key);
    try {
      if (v.isTextual()) return Regularizers.get(v.asText());
      ClassAndConfig cc = classAndConfig(key, v);
      return Regularizers.fromConfig(cc.className, cc.config);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(path + "." + key + ": " + e.getMessage());
    }
  }

  /** A constraint or null. */
  public Constraint constraint(String key) {
    if (!has(key)) return mark(key, null);
    JsonNode v = get(key);
    try {
      if (v.isTextual()) return Constraints.get(v.asText());
      ClassAndConfig cc = classAndConfig(key, v);
      return Constraints.fromConfig(cc.className, cc.config);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(path + "." + key + ": " + e.getMessage());
    }
  }

  /** Refuses a non-null value: the argument exists in Keras but jkeras cannot honour it yet. */
  public void requireNull(String key, String why) {
    if (has(key)) throw new KerasFormatException(path + "." + key + ": not supported yet (" + why + "), got " + describe(node.get(key)));
    used.add(key);
  }

  private static final class ClassAndConfig {
    String className;
    Map<String, Object> config;
  }

  @SuppressWarnings("unchecked")
  private ClassAndConfig classAndConfig(String key, JsonNode v) {
    if (!v.isObject() || !v.has("class_name")) throw error(key, "a name or {\"class_name\", \"config\"}", v);
    ClassAndConfig cc = new ClassAndConfig();
    cc.className = v.get("class_name").asText();
    JsonNode c = v.get("config");
    cc.config = c == null || c.isNull() ? new LinkedHashMap<>() : MAPPER.convertValue(c, LinkedHashMap.class);
    cc.config.remove("shared_object_id");
    return cc;
  }

  private <T> T mark(String key, T def) {
    used.add(key);
    return def;
  }

  /**
   * Throws if the config has keys nobody read: every Keras argument is honoured or refused. A key
   * that is a real Keras argument of the class is "not supported by jkeras"; any other is unknown,
   * with the closest known argument suggested (a typo should not read as a missing feature).
   */
  public void checkAllUsed(String className) {
    Set<String> unknown = new TreeSet<>();
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!used.contains(k)) unknown.add(k);
    }
    if (unknown.isEmpty()) return;
    Set<String> keras = KerasArguments.of(className);
    Set<String> unsupported = new TreeSet<>();
    for (String k : unknown) {
      if (keras != null && keras.contains(k)) {
        unsupported.add(k);
        continue;
      }
      Set<String> known = new TreeSet<>(used);
      if (keras != null) known.addAll(keras);
      String near = KerasArguments.closest(k, known);
      throw new KerasFormatException(path + ": unknown argument '" + k + "' for " + className
          + (near != null ? "; did you mean '" + near + "'?" : "; " + className + " takes " + (keras != null ? keras : known)));
    }
    throw new KerasFormatException(path + ": " + className + " argument(s) " + unsupported + " are not supported by jkeras");
  }

  /** Keys every layer accepts (base Layer kwargs in Keras). */
  public static final List<String> BASE_KEYS = List.of("name", "trainable", "dtype", "batch_input_shape", "batch_shape",
      "input_shape", "batch_size", "input_dtype", "autocast", "input_dim", "input_length");
}
