package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real Python Keras 3 and TensorFlow as the test oracle. The Python is, in order: the system
 * property {@code jkeras.python}, the environment variable {@code JKERAS_PYTHON}, or the venv
 * {@code target/py} that {@code .ci/run} (and README) create from the local wheel mirror. Where
 * none of them can import keras and tensorflow, every test that asks is skipped with one line.
 * The scripts live in {@code src/test/python/}; what they write goes under {@code target/}.
 */
public final class KerasPython {
  private KerasPython() {}

  private static String python;
  private static String problem;

  /** The Python to run, or a skipped test when there is none with Keras 3 and TensorFlow. */
  public static synchronized String python() {
    if (python == null && problem == null) locate();
    assumeTrue(python != null, problem);
    return python;
  }

  /** Whether a Python with Keras is there, without skipping. */
  public static synchronized boolean available() {
    if (python == null && problem == null) locate();
    return python != null;
  }

  private static void locate() {
    List<String> candidates = new ArrayList<>();
    String p = System.getenv("JKERAS_PYTHON");
    if (p != null && !p.isBlank()) candidates.add(p);
    p = System.getProperty("jkeras.python");
    if (p != null && !p.isBlank()) candidates.add(p);
    String venv = Paths.get("target/py/bin/python").toAbsolutePath().toString();
    if (!candidates.contains(venv)) candidates.add(venv);
    for (String c : candidates) {
      if (!Files.isExecutable(Paths.get(c))) continue;
      try {
        Result r = exec(List.of(c, "-c", "import keras, tensorflow, h5py; print('keras', keras.__version__, 'tf', tensorflow.__version__)"),
            Map.of(), 180);
        if (r.exit == 0) {
          python = c;
          return;
        }
      } catch (IOException e) {
        // try the next candidate
      }
    }
    problem = "skipped: no Python with Keras 3 + TensorFlow (make target/py as README says, or set JKERAS_PYTHON); tried "
        + candidates;
    // Said once per test run: assumption failures in factories and @BeforeAll do not reach the Maven log.
    System.err.println("[jkeras tests] real-Keras interop tests " + problem);
  }

  /** The folder of the project's Python scripts. */
  public static Path scripts() {
    return Paths.get("src/test/python").toAbsolutePath();
  }

  /** A scratch folder under target/ for what Python and Java exchange in one test class. */
  public static Path work(String name) {
    Path d = Paths.get("target/interop", name).toAbsolutePath();
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  /** Output and exit status of one Python run. */
  public static final class Result {
    public final int exit;
    public final String output;

    Result(int exit, String output) {
      this.exit = exit;
      this.output = output;
    }
  }

  /**
   * Runs {@code src/test/python/<script>} with {@code args}; fails the test (showing Python's
   * output) unless it exits 0. Keras runs on the TensorFlow backend unless {@code env} says otherwise.
   */
  public static String run(String script, String... args) {
    return run(Map.of(), script, args);
  }

  public static String run(Map<String, String> env, String script, String... args) {
    Result r = runAllowingFailure(env, script, args);
    assertEquals(0, r.exit, () -> "python " + script + " " + Arrays.toString(args) + " failed:\n" + r.output);
    return r.output;
  }

  public static Result runAllowingFailure(Map<String, String> env, String script, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(python());
    Path s = scripts().resolve(script);
    assertTrue(Files.exists(s), "no script " + s);
    cmd.add(s.toString());
    cmd.addAll(Arrays.asList(args));
    try {
      return exec(cmd, env, 900);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result exec(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.put("TF_CPP_MIN_LOG_LEVEL", "2");
    e.put("CUDA_VISIBLE_DEVICES", "");
    e.put("PYTHONHASHSEED", "0");
    e.putIfAbsent("KERAS_BACKEND", "tensorflow");
    e.putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + new String(out, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException ie) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", ie);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
