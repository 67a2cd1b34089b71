package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.docs.DocsCompileTest;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.AutoComplete;
import picocli.CommandLine;

/** The launcher script that `mvn package` copies to target/jkeras, and the bash completion it generates. */
class LauncherTest {
  @TempDir Path dir;

  static String exec(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    return p.exitValue() + "\n" + out;
  }

  @Test
  void scriptRunsTheJarBesideItThroughASymlinkToo() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("dist"));
    Path script = bin.resolve("jkeras");
    Files.copy(Path.of("src/main/sh/jkeras"), script);
    // a jkeras.jar as the build makes it: Main-Class, and a Class-Path (here: this test's classpath)
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    List<String> urls = new ArrayList<>();
    for (String e : DocsCompileTest.classPath().split(File.pathSeparator)) {
      if (!e.isEmpty() && Files.exists(Path.of(e))) urls.add(Path.of(e).toUri().toString());
    }
    mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try (OutputStream o = Files.newOutputStream(bin.resolve("jkeras.jar")); JarOutputStream j = new JarOutputStream(o, mf)) {
      // the manifest is the whole jar
    }
    String r = exec(dir, "sh", script.toString(), "--version");
    assertTrue(r.startsWith("0\n") && r.contains("jkeras 0.1.0"), r);
    Path link = Files.createDirectories(dir.resolve("elsewhere")).resolve("jkeras");
    Files.createSymbolicLink(link, script);
    r = exec(dir.resolve("elsewhere"), "sh", link.toString(), "inspect", "no-such-model");
    assertTrue(r.startsWith("2\n") && r.contains("no-such-model: no such model"), r);
  }

  @Test
  void bashCompletionKnowsCommandsAndOptions() throws Exception {
    String script = AutoComplete.bash("jkeras", new CommandLine(new Main()));
    for (String w : new String[] {"train", "evaluate", "predict", "inspect", "export", "convert", "generate", "--top-k", "--decode"}) {
      assertTrue(script.contains(w), w);
    }
    Path f = dir.resolve("jkeras_completion");
    Files.writeString(f, script);
    String r = exec(dir, "bash", "-c", "source " + f + " && complete -p jkeras");
    assertTrue(r.startsWith("0\n") && r.contains("jkeras"), r);
  }
}
