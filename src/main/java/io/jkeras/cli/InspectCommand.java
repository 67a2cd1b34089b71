package io.jkeras.cli;

import io.jkeras.models.Sequential;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jkeras inspect MODEL}: Keras's summary table. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a model's summary (layers, shapes, parameters).")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL",
      description = "a model directory written by train, a Keras .keras or .h5 model, or a Keras .json config")
  Path model;

  @Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json config: Keras .weights.h5 or legacy .h5")
  Path weights;

  @Override
  public Integer call() {
    try (Sequential m = ModelLoader.open(model, weights)) {
      if (m.inputBatchShape() == null) {
        System.out.println("Model: \"" + m.name() + "\" (input shape unknown: not built)");
        for (var l : m.layers()) System.out.println(" " + l.name() + " (" + l.className() + ")");
      } else {
        m.summary();
      }
      if (m.isCompiled()) {
        System.out.println("Compiled: optimizer " + m.optimizer().className() + " " + m.optimizer().getConfig()
            + ", loss " + m.loss().name() + ", metrics " + m.metricNames());
      }
    }
    return Main.OK;
  }
}
