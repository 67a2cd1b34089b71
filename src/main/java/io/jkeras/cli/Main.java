package io.jkeras.cli;

import io.jkeras.config.KerasFormatException;
import io.jkeras.utils.ResourceLimitException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code jkeras} command. Exit codes: 0 ok, 2 usage or config error (bad arguments, job
 * fields, files), 1 runtime error (training or prediction failed).
 */
@Command(name = "jkeras", mixinStandardHelpOptions = true, version = "jkeras 0.1.0 (TensorFlow 2.18 via TensorFlow Java 1.1.0)",
    description = "Keras models in Java: train from a JSON job, evaluate, predict, inspect, generate text, convert and export model files.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, InspectCommand.class, GenerateCommand.class, ConvertCommand.class,
        ExportCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int RUNTIME_ERROR = 1;
  public static final int USAGE_ERROR = 2;

  // Read by QuietLaunch before picocli runs; declared here so that every command accepts it.
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "show TensorFlow's native logging (hidden by default; also JKERAS_VERBOSE=1, or your own TF_CPP_MIN_LOG_LEVEL)")
  boolean verbose;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(QuietLaunch.main(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      err.println("jkeras: error: " + ex.getMessage());
      err.flush();
      if (Boolean.getBoolean("jkeras.debug")) ex.printStackTrace();
      return isUsage(ex) ? USAGE_ERROR : RUNTIME_ERROR;
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("jkeras: " + ex.getMessage());
      ex.getCommandLine().usage(err);
      return USAGE_ERROR;
    });
    return cl.execute(args);
  }

  private static boolean isUsage(Throwable ex) {
    return ex instanceof ConfigException || ex instanceof KerasFormatException || ex instanceof NoSuchFileException
        || ex instanceof ResourceLimitException;
  }
}
