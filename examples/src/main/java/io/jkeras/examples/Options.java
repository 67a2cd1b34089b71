package io.jkeras.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options and positional arguments of the text examples. */
final class Options {
  private final Map<String, String> named = new HashMap<>();
  private final List<String> positional = new ArrayList<>();

  Options(String[] args, Set<String> known) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        String key = a.substring(2);
        String value;
        int eq = key.indexOf('=');
        if (eq >= 0) {
          value = key.substring(eq + 1);
          key = key.substring(0, eq);
        } else {
          if (i + 1 >= args.length) throw new IllegalArgumentException("option --" + key + " needs a value");
          value = args[++i];
        }
        if (!known.contains(key)) throw new IllegalArgumentException("unknown option --" + key + "; known: " + known);
        named.put(key, value);
      } else {
        positional.add(a);
      }
    }
  }

  String positional(int i, String dflt) {
    return i < positional.size() ? positional.get(i) : dflt;
  }

  String string(String key, String dflt) {
    return named.getOrDefault(key, dflt);
  }

  int integer(String key, int dflt) {
    return named.containsKey(key) ? Integer.parseInt(named.get(key)) : dflt;
  }

  double number(String key, double dflt) {
    return named.containsKey(key) ? Double.parseDouble(named.get(key)) : dflt;
  }
}
