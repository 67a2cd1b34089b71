package io.jkeras.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package order in docs/ARCHITECTURE.md is the law: every main-code reference (import, static
 * import or qualified name in code, comments and strings aside) points to a package listed earlier,
 * so there is no import cycle and no upward dependency, and every package is in the list.
 */
class ArchitectureTest {
  private static final Path DOC = Paths.get("docs/ARCHITECTURE.md");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern REFERENCE = Pattern.compile("(?<![\\w.])io\\.jkeras(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*");

  @Test
  void everyDependencyPointsDown() throws IOException {
    List<String> order = documentedOrder(Files.readString(DOC));
    assertTrue(order.size() >= 10, "docs/ARCHITECTURE.md lists too few packages: " + order);
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Paths.get("src/main/java"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        sources.put(f.toString(), Files.readString(f));
      }
    }
    List<String> problems = violations(order, sources);
    assertTrue(problems.isEmpty(), "architecture violations (see docs/ARCHITECTURE.md):\n" + String.join("\n", problems));
  }

  @Test
  void theCheckCatchesUpwardReferencesCyclesAndUnlistedPackages() {
    List<String> order = List.of("io.jkeras.low", "io.jkeras.high");
    Map<String, String> sources = new TreeMap<>();
    sources.put("Low.java", "package io.jkeras.low;\n// io.jkeras.high.Ignored in a comment\nimport io.jkeras.high.High;\n"
        + "class Low { String s = \"io.jkeras.high.InString\"; }");
    sources.put("High.java", "package io.jkeras.high;\nclass High { io.jkeras.low.Low l; }");
    sources.put("Stray.java", "package io.jkeras.stray;\nclass Stray { Object o = io.jkeras.high.High.class; }");
    List<String> problems = violations(order, sources);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("Low.java: io.jkeras.low uses io.jkeras.high"), problems.toString());
    assertTrue(problems.get(1).contains("Stray.java: io.jkeras.stray is not in"), problems.toString());
  }

  /** The packages listed in the doc's "Packages, bottom to top" block, in order. */
  static List<String> documentedOrder(String doc) {
    int at = doc.indexOf("## Packages, bottom to top");
    assertTrue(at >= 0, "docs/ARCHITECTURE.md needs a '## Packages, bottom to top' section");
    int open = doc.indexOf("```", at);
    int close = doc.indexOf("```", open + 3);
    List<String> order = new ArrayList<>();
    for (String line : doc.substring(doc.indexOf('\n', open) + 1, close).split("\n")) {
      String first = line.strip().split("\\s+")[0];
      if (first.startsWith("io.jkeras")) order.add(first);
    }
    return order;
  }

  static List<String> violations(List<String> order, Map<String, String> sources) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      String code = stripCommentsAndStrings(e.getValue());
      Matcher pm = PACKAGE.matcher(code);
      if (!pm.find()) continue;
      String pkg = pm.group(1);
      int rank = order.indexOf(pkg);
      if (rank < 0) {
        problems.add(e.getKey() + ": " + pkg + " is not in the documented package order");
        continue;
      }
      TreeSet<String> up = new TreeSet<>();
      Matcher m = REFERENCE.matcher(code);
      while (m.find()) {
        String used = packageOf(m.group());
        if (!used.equals(pkg) && order.indexOf(used) >= rank) up.add(used);
        if (order.indexOf(used) < 0) up.add(used + " (unlisted)");
      }
      for (String u : up) problems.add(e.getKey() + ": " + pkg + " uses " + u + ", which is not below it");
    }
    return problems;
  }

  private static String packageOf(String qualified) {
    StringBuilder p = new StringBuilder();
    for (String part : qualified.split("\\.")) {
      if (Character.isUpperCase(part.charAt(0))) break;
      if (p.length() > 0) p.append('.');
      p.append(part);
    }
    return p.toString();
  }

  /** Code only: comments, string and char literals blanked (text blocks included). */
  static String stripCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (s.startsWith("//", i)) {
        while (i < s.length() && s.charAt(i) != '\n') i++;
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
        out.append(' ');
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        i = end < 0 ? s.length() : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < s.length() && s.charAt(i) != c) i += s.charAt(i) == '\\' ? 2 : 1;
        i++;
        out.append("\"\"");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
