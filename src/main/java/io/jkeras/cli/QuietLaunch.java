package io.jkeras.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps TensorFlow's native INFO logging (oneDNN notice, SavedModel reader, cpu_feature_guard,
 * MLIR pass) out of the command's output. TensorFlow reads {@code TF_CPP_MIN_LOG_LEVEL} from the
 * process environment, which a running JVM cannot change, and part of its logging goes through
 * absl, which ignores that variable. So {@code jkeras} runs the command in a child JVM (same
 * java, JVM options and classpath) with {@code TF_CPP_MIN_LOG_LEVEL=1} and drops absl's lines
 * below that level from the child's standard error. Standard input and output pass through
 * untouched; an interrupt (Ctrl-C) reaches the child, which stops as it would alone.
 *
 * <p>Nothing is hidden with {@code --verbose} or {@code JKERAS_VERBOSE=1} (the command then
 * runs in this JVM, as before), and a {@code TF_CPP_MIN_LOG_LEVEL} the user set is kept: 0
 * shows everything, 2 hides warnings too.
 */
final class QuietLaunch {
  static final String CHILD_ENV = "JKERAS_CHILD";
  static final String VERBOSE_ENV = "JKERAS_VERBOSE";
  static final String DEFAULT_LEVEL = "1";

  /** absl's format: {@code I0000 00:00:1796183995.382789    7526 file.cc:401] message}. */
  private static final Pattern ABSL = Pattern.compile("^([IWEF])\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+\\s+\\d+ [^\\]\\s]+:\\d+\\] .*");
  private static final String ABSL_NOTICE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR";

  private QuietLaunch() {}

  /** Runs the command line, in a child JVM when TensorFlow's logging is to be kept quiet. */
  static int main(String[] args) {
    String level = System.getenv("TF_CPP_MIN_LOG_LEVEL");
    if (System.getenv(CHILD_ENV) != null || verbose(args) || "0".equals(level) || !usesTensorFlow(args)) {
      return Main.run(args);
    }
    Process child;
    try {
      child = start(args, level == null ? DEFAULT_LEVEL : level);
    } catch (IOException | RuntimeException e) {
      return Main.run(args); // no child JVM possible: run here, logs and all
    }
    Thread pump = new Thread(() -> filter(child, minSeverity(level == null ? DEFAULT_LEVEL : level), System.err), "jkeras-stderr");
    pump.start();
    // Ctrl-C / kill: the child gets SIGTERM and stops as it would alone (train still writes
    // its model); this JVM waits for it and for the last of its output.
    Thread hook = new Thread(() -> {
      child.toHandle().destroy(); // SIGTERM; Process.destroy() would also close its output pipes

      awaitQuietly(child, pump);
    });
    Runtime.getRuntime().addShutdownHook(hook);
    awaitQuietly(child, pump);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is already running
    }
    return child.exitValue();
  }

  static boolean verbose(String[] args) {
    String v = System.getenv(VERBOSE_ENV);
    if (v != null && (v.equals("1") || v.equalsIgnoreCase("true"))) return true;
    return Arrays.asList(args).contains("--verbose");
  }

  /** Help and version print without loading TensorFlow: no child needed. */
  private static boolean usesTensorFlow(String[] args) {
    if (args.length == 0) return false;
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version") || a.equals("help")) return false;
    }
    return true;
  }

  private static Process start(String[] args, String level) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) cmd.add(a); // a debugger port cannot be shared
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = pb.environment();
    env.put("TF_CPP_MIN_LOG_LEVEL", level);
    env.put(CHILD_ENV, "1");
    return pb.start();
  }

  /** 0 INFO, 1 WARNING, 2 ERROR, 3 FATAL, as TensorFlow reads TF_CPP_MIN_LOG_LEVEL. */
  static int minSeverity(String level) {
    try {
      return Math.max(0, Math.min(3, Integer.parseInt(level.trim())));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Whether a line of standard error is native logging below {@code minSeverity}. */
  static boolean hidden(String line, int minSeverity) {
    if (minSeverity <= 0) return false;
    if (line.equals(ABSL_NOTICE)) return true;
    // TF's BlockLSTM kernel warns on odd batch and input sizes (a speed note, not a problem): the
    // last batch of most runs is odd, so at the default level it would appear in most trainings.
    if (minSeverity == 1 && line.contains("BlockLSTMOp is inefficient")) return true;
    var m = ABSL.matcher(line);
    return m.matches() && "IWEF".indexOf(m.group(1).charAt(0)) < minSeverity;
  }

  private static void filter(Process child, int minSeverity, PrintStream out) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!hidden(line, minSeverity)) {
          out.println(line);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  private static void awaitQuietly(Process child, Thread pump) {
    boolean interrupted = false;
    while (true) {
      try {
        child.waitFor();
        pump.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }
}
