package io.jkeras.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Small helpers shared by both sides (no TensorFlow or DL4J classes here). */
public final class Stats {
  private Stats() {}

  public static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  public static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  public static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** A result line the orchestrator picks up from a child JVM's output. */
  public static void emit(Map<String, Object> result) {
    System.out.println("@@RESULT " + json(result));
    System.out.flush();
  }

  public static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  /** Minimal JSON writer: maps, lists, strings, numbers, booleans, null. */
  @SuppressWarnings("unchecked")
  public static String json(Object o) {
    if (o == null) return "null";
    if (o instanceof String) return quote((String) o);
    if (o instanceof Double || o instanceof Float) {
      double d = ((Number) o).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
      return String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }
    if (o instanceof Number || o instanceof Boolean) return o.toString();
    if (o instanceof Map) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<String, Object> e : ((Map<String, Object>) o).entrySet()) {
        if (b.length() > 1) b.append(", ");
        b.append(quote(e.getKey())).append(": ").append(json(e.getValue()));
      }
      return b.append("}").toString();
    }
    if (o instanceof Iterable) {
      StringBuilder b = new StringBuilder("[");
      for (Object x : (Iterable<Object>) o) {
        if (b.length() > 1) b.append(", ");
        b.append(json(x));
      }
      return b.append("]").toString();
    }
    if (o instanceof double[]) {
      StringBuilder b = new StringBuilder("[");
      for (double x : (double[]) o) {
        if (b.length() > 1) b.append(", ");
        b.append(json(x));
      }
      return b.append("]").toString();
    }
    return quote(o.toString());
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
