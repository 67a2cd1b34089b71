package io.jkeras.config;

import io.jkeras.initializers.Initializer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Keras 3's serialized-object form: {@code {"module", "class_name", "config", "registered_name"}}. */
public final class KerasObjects {
  private KerasObjects() {}

  public static Map<String, Object> serialize(String module, String className, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", module);
    m.put("class_name", className);
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }

  /** A shape as Keras writes it: None as null. */
  public static java.util.List<Object> shape(long[] s) {
    java.util.List<Object> r = new java.util.ArrayList<>();
    for (long d : s) r.add(d < 0 ? null : d);
    return r;
  }

  /** Keras 3's float32 DTypePolicy object, as every layer and model config carries it. */
  public static Map<String, Object> float32Policy() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("name", "float32");
    return serialize("keras", "DTypePolicy", inner);
  }

  public static Map<String, Object> initializer(Initializer init) {
    return serialize("keras.initializers", init.className(), init.getConfig());
  }

  public static Map<String, Object> regularizer(io.jkeras.regularizers.Regularizer r) {
    return r == null ? null : serialize("keras.regularizers", r.className(), r.getConfig());
  }

  public static Map<String, Object> constraint(io.jkeras.constraints.Constraint c) {
    return c == null ? null : serialize("keras.constraints", c.className(), c.getConfig());
  }
}
