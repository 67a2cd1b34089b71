package io.jkeras.cli;

import io.jkeras.models.Sequential;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.saving.savedmodel.SavedModelImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jkeras inspect MODEL}: Keras's summary table, or a SavedModel's signatures. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print a model's summary (layers, shapes, parameters) or a SavedModel's signatures.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "the model: " + ModelLoader.FORMATS)
  Path model;

  @picocli.CommandLine.Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json config: Keras .weights.h5 or legacy .h5")
  Path weights;

  @Override
  public Integer call() {
    if (!Files.exists(model)) throw new ConfigException(model + ": no such model file or directory");
    if (Files.isRegularFile(model.resolve("saved_model.pb"))) {
      try (SavedModel sm = SavedModel.load(model)) {
        System.out.println("SavedModel " + model + " (tags " + sm.tags() + ", TensorFlow " + sm.tensorflowVersion() + ")");
        for (SavedModel.Signature s : sm.signatures().values()) {
          System.out.println("signature '" + s.name() + "' (" + s.methodName() + ")");
          for (SavedModel.TensorSpec t : s.inputs().values()) System.out.println("  input  " + t);
          for (SavedModel.TensorSpec t : s.outputs().values()) System.out.println("  output " + t);
        }
      }
      if (!SavedModelImport.hasKerasConfig(model)) return Main.OK;
      System.out.println();
    }
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
