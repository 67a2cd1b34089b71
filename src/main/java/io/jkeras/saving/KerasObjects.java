package io.jkeras.saving;

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

  public static Map<String, Object> initializer(Initializer init) {
    return serialize("keras.initializers", init.className(), init.getConfig());
  }
}
