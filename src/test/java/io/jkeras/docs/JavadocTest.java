package io.jkeras.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DocumentationTool;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The API docs build clean, as `mvn javadoc:javadoc` does with the pom's settings (doclint all but "missing"). */
class JavadocTest {
  @Test
  void javadocHasNoErrorsOrWarnings() throws Exception {
    List<String> sources = new ArrayList<>();
    for (String root : new String[] {"src/main/java", "examples/src/main/java"}) {
      if (!Files.isDirectory(Path.of(root))) continue;
      try (Stream<Path> s = Files.walk(Path.of(root))) {
        s.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toString()));
      }
    }
    Path out = Files.createDirectories(Path.of("target", "javadoc-check"));
    List<String> options = List.of("-quiet", "-Xdoclint:all,-missing", "-d", out.toString(), "-classpath", DocsCompileTest.classPath());
    DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
    StringWriter log = new StringWriter();
    try (var files = javadoc.getStandardFileManager(null, null, null)) {
      javadoc.getTask(new PrintWriter(log), files, null, null, options, files.getJavaFileObjectsFromStrings(sources)).call();
    }
    String problems = log.toString().lines().filter(l -> l.contains("warning") || l.contains("error"))
        .reduce("", (a, b) -> a + b + "\n");
    assertEquals("", problems, "javadoc -Xdoclint:all,-missing");
  }
}
