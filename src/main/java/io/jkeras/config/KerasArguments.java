package io.jkeras.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The constructor arguments of the Keras classes jkeras reads from configs (layers, optimizers,
 * callbacks), as Keras 3 names them: keras-arguments.properties, written from the installed Keras
 * by src/test/python/cli_keras_arguments.py. Tells a typo from an argument jkeras lacks.
 */
public final class KerasArguments {
  private static final Map<String, Set<String>> ARGS = load();

  private KerasArguments() {}

  /** The class's Keras arguments, or null for a class not in the list. */
  public static Set<String> of(String className) {
    return ARGS.get(className);
  }

  /** The known name nearest to {@code name} by edit distance, when close enough to be a typo; else null. */
  public static String closest(String name, Set<String> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best != null && bestD <= Math.max(2, name.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Map<String, Set<String>> load() {
    Properties p = new Properties();
    try (InputStream in = KerasArguments.class.getResourceAsStream("keras-arguments.properties")) {
      if (in == null) throw new IllegalStateException("keras-arguments.properties is missing from the jar");
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Set<String>> m = new TreeMap<>();
    for (String k : p.stringPropertyNames()) m.put(k, new TreeSet<>(Arrays.asList(p.getProperty(k).split(","))));
    return m;
  }
}
