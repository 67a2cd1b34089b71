package io.jkeras.testing;

import io.jkeras.docs.DocsCompileTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The jkeras command in a child JVM, for inputs that may abort the process (TensorFlow's fatal
 * checks end it with SIGABRT, exit 134): an abort is counted as this run's result instead of
 * ending the test JVM. Output goes to files (no pipe to fill); a run past its time limit is
 * killed and reported as {@link #timedOut}.
 */
public final class ForkedCli {
  public int code;
  public String out;
  public String err;
  public boolean timedOut;
  public double seconds;

  /** True for TensorFlow's abort (SIGABRT, 128 + 6) or any other signal. */
  public boolean aborted() {
    return code == 134 || code > 128;
  }

  @Override
  public String toString() {
    return "exit " + code + (timedOut ? " (killed: time limit)" : "") + " after " + String.format("%.1f", seconds) + " s\nstdout: "
        + tail(out) + "\nstderr: " + tail(err);
  }

  private static String tail(String s) {
    return s.length() > 3000 ? "..." + s.substring(s.length() - 3000) : s;
  }

  /** Runs {@code jkeras args} in {@code dir} with {@code jvmOptions}, killed after {@code timeoutSeconds}. */
  public static ForkedCli run(Path dir, long timeoutSeconds, List<String> jvmOptions, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(DocsCompileTest.classPath());
    cmd.add("io.jkeras.cli.Main");
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    File o = Files.createTempFile(dir, "out", ".txt").toFile();
    File e = Files.createTempFile(dir, "err", ".txt").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(o).redirectError(e);
    pb.environment().put("JKERAS_CHILD", "1"); // no second child JVM for quiet logging
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "1");
    long t0 = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close();
    ForkedCli r = new ForkedCli();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      r.timedOut = true;
      p.destroyForcibly().waitFor();
    }
    r.seconds = (System.nanoTime() - t0) / 1e9;
    r.code = p.exitValue();
    r.out = Files.readString(o.toPath(), StandardCharsets.UTF_8);
    r.err = Files.readString(e.toPath(), StandardCharsets.UTF_8);
    Files.deleteIfExists(o.toPath());
    Files.deleteIfExists(e.toPath());
    return r;
  }

  public static ForkedCli run(Path dir, long timeoutSeconds, String... args) throws Exception {
    return run(dir, timeoutSeconds, List.of(), args);
  }
}
