package io.jkeras.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ```java block in README.md and docs/*.md compiles against jkeras, so that no example in the
 * docs goes stale. A block with its own import lines gets only those (a missing import is an
 * error, as for a reader who copies it); a fragment without imports gets jkeras's packages and
 * java.util/java.nio.file. Variables a fragment uses but does not declare are given by an HTML
 * comment right before the block: {@code <!-- given: float[][][] x, int[][] y -->}.
 */
public class DocsCompileTest {
  private static final Pattern BLOCK = Pattern.compile("(?:<!-- given: ([^>]*) -->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);
  static final String DEFAULT_IMPORTS = "import io.jkeras.*; import io.jkeras.layers.*; import io.jkeras.models.*;"
      + " import io.jkeras.callbacks.*; import io.jkeras.data.*; import io.jkeras.saving.*; import io.jkeras.saving.keras.*;"
      + " import io.jkeras.saving.savedmodel.*; import io.jkeras.config.*; import java.util.*;"
      + " import java.nio.file.*;";

  record Snippet(String file, int line, String given, String code) {}

  static List<Snippet> snippets() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> s = Files.list(Path.of("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<Snippet> r = new ArrayList<>();
    for (Path f : files) {
      String text = Files.readString(f);
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        int line = 1 + (int) text.substring(0, m.start(2)).chars().filter(c -> c == '\n').count();
        r.add(new Snippet(f.toString(), line, m.group(1) == null ? "" : m.group(1).trim(), m.group(2)));
      }
    }
    return r;
  }

  /** The snippet as a class: its imports on top, its statements in a method whose parameters are the given variables. */
  static String wrap(Snippet s, String className) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String l : s.code().split("\n", -1)) {
      if (l.startsWith("import ")) {
        imports.append(l).append(' ');
        body.append('\n');
      } else {
        body.append(l).append('\n');
      }
    }
    String head = imports.length() > 0 ? imports.toString() : DEFAULT_IMPORTS;
    // one line of header, so compiler line numbers map to the markdown's lines
    return head + " class " + className + " { static void snippet(" + s.given() + ") throws Exception {\n" + body + "}}\n";
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
    List<Snippet> all = snippets();
    assertTrue(all.size() >= 2, "README.md has the quick start and the SavedModel example");
    return all.stream().map(s -> DynamicTest.dynamicTest(s.file() + ":" + s.line(), () -> compile(s)));
  }

  static void compile(Snippet s) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String name = "Snippet" + s.line();
    String source = wrap(s, name);
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    Path out = Files.createDirectories(Path.of("target", "docs-snippets"));
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    List<String> options = List.of("-classpath", classPath(), "-d", out.toString(), "-proc:none");
    boolean ok = javac.getTask(null, null, diags, options, null, List.of(file)).call();
    StringBuilder msg = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) continue;
      long line = s.line() + d.getLineNumber() - 2;
      msg.append(s.file()).append(':').append(line).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
    }
    assertEquals("", msg.toString(), "the ```java block at " + s.file() + ":" + s.line() + " does not compile");
    assertTrue(ok);
  }

  /** The test classpath: surefire may hand it over in a manifest-only jar, so take its Class-Path too. */
  public static String classPath() throws IOException {
    List<String> parts = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    for (String p : List.copyOf(parts)) {
      if (!p.endsWith(".jar") || !Files.isRegularFile(Path.of(p))) continue;
      try (java.util.jar.JarFile j = new java.util.jar.JarFile(p)) {
        java.util.jar.Manifest mf = j.getManifest();
        String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
        if (cp == null) continue;
        for (String u : cp.trim().split("\\s+")) {
          try {
            parts.add(Path.of(URI.create(u).isAbsolute() ? URI.create(u) : Path.of(p).toUri().resolve(u)).toString());
          } catch (IllegalArgumentException e) {
            parts.add(u);
          }
        }
      }
    }
    String surefire = System.getProperty("surefire.test.class.path");
    if (surefire != null) parts.add(surefire);
    return String.join(File.pathSeparator, parts);
  }
}
