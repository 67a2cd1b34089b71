package io.jkeras.cli;

import io.jkeras.config.KerasFormatException;
import io.jkeras.utils.ResourceBudget;
import io.jkeras.utils.ResourceLimitException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

  // The resource budget (ResourceBudget): inherited by every command, applied as they are parsed.
  @Option(names = "--max-tensor-bytes", paramLabel = "SIZE", scope = ScopeType.INHERIT,
      description = "most bytes one weight, input or output array may take (default 1g; also -Djkeras.maxTensorBytes)")
  void maxTensorBytes(String v) {
    ResourceBudget.setGlobal(ResourceBudget.global().withMaxTensorBytes(size("--max-tensor-bytes", v)));
  }

  @Option(names = "--max-params", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "most parameters a model may have (default 1g = 2^30; also -Djkeras.maxParams)")
  void maxParams(String v) {
    ResourceBudget.setGlobal(ResourceBudget.global().withMaxParams(size("--max-params", v)));
  }

  @Option(names = "--max-model-bytes", paramLabel = "SIZE", scope = ScopeType.INHERIT,
      description = "most bytes a model's variables may take (default 4g; also -Djkeras.maxModelBytes)")
  void maxModelBytes(String v) {
    ResourceBudget.setGlobal(ResourceBudget.global().withMaxModelBytes(size("--max-model-bytes", v)));
  }

  @Option(names = "--max-layers", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "most layers a model may have (default 10000; also -Djkeras.maxLayers)")
  void maxLayers(String v) {
    ResourceBudget.setGlobal(ResourceBudget.global().withMaxLayers(size("--max-layers", v)));
  }

  private static long size(String option, String v) {
    try {
      return ResourceBudget.parseSize(v);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(new Main()), option + ": " + e.getMessage());
    }
  }

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
      String msg = ex.getMessage();
      Path file = ModelLoader.lastOpened;
      if (ex instanceof ResourceLimitException && file != null && msg != null && !msg.startsWith(file.toString())) msg = file + ": " + msg;
      err.println("jkeras: error: " + msg);
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
    // --max-* options change the process-wide budget for this command only (tests run many in one JVM)
    ResourceBudget budget = ResourceBudget.global();
    ModelLoader.lastOpened = null;
    try {
      return cl.execute(args);
    } finally {
      ResourceBudget.setGlobal(budget);
    }
  }

  private static boolean isUsage(Throwable ex) {
    return ex instanceof ConfigException || ex instanceof KerasFormatException || ex instanceof NoSuchFileException
        || ex instanceof ResourceLimitException;
  }
}
