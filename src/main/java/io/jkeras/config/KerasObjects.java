package io.jkeras.config;

import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
  public static List<Object> shape(long[] s) {
    List<Object> r = new ArrayList<>();
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

  public static Map<String, Object> regularizer(Regularizer r) {
    return r == null ? null : serialize("keras.regularizers", r.className(), r.getConfig());
  }

  public static Map<String, Object> constraint(Constraint c) {
    return c == null ? null : serialize("keras.constraints", c.className(), c.getConfig());
  }
}
