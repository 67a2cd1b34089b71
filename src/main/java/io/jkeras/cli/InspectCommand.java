package io.jkeras.cli;

import io.jkeras.layers.KerasTensor;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.saving.savedmodel.SavedModelExporter;
import io.jkeras.saving.savedmodel.SavedModelImport;
import io.jkeras.utils.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jkeras inspect MODEL}: Keras's summary table (for a Functional model with the graph: what
 * each layer is connected to, the inputs and the outputs), or a SavedModel's signatures.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print a model's summary (layers, shapes, parameters) or a SavedModel's signatures.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "the model: " + ModelLoader.FORMATS)
  Path model;

  @picocli.CommandLine.Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json config: Keras .weights.h5 or legacy .h5")
  Path weights;

  @picocli.CommandLine.Option(names = "--safe-mode", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "SavedModel safe mode (on by default): refuse graphs with ops that can read or write files, run Python or"
          + " reach the network (ReadFile, WriteFile, MatchingFiles, checkpoint ops outside the model's own variables/, ...);"
          + " --no-safe-mode only for a model you trust")
  boolean safeMode = true;

  @Override
  public Integer call() {
    if (!Files.exists(model)) throw new ConfigException(model + ": no such model file or directory");
    if (Files.isRegularFile(model.resolve("saved_model.pb"))) {
      try (SavedModel sm = SavedModel.load(model, SavedModel.LoadOptions.DEFAULT.withSafeMode(safeMode))) {
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
    try (Model m = ModelLoader.openModel(model, weights)) {
      if (m instanceof Functional) {
        graph((Functional) m);
      } else if (m.inputBatchShape() == null) {
        System.out.println("Model: \"" + m.name() + "\" (input shape unknown: not built)");
        for (var l : m.layers()) System.out.println(" " + l.name() + " (" + l.className() + ")");
      } else {
        ((Sequential) m).summary();
      }
      if (m.isCompiled()) {
        String loss = m.loss().name();
        if (m.outputCount() > 1) {
          List<String> losses = new ArrayList<>();
          for (int o = 0; o < m.outputCount(); o++) losses.add(m.outputNames().get(o) + ": " + m.lossFor(o).name());
          loss = "{" + String.join(", ", losses) + "}";
        }
        System.out.println("Compiled: optimizer " + m.optimizer().className() + " " + m.optimizer().getConfig()
            + ", loss " + loss + ", metrics " + m.metricNames());
      }
    }
    return Main.OK;
  }

  /**
   * A Functional model: Keras's summary with its "Connected to" column (which layer output feeds
   * each layer), then the inputs to give ({@code predict --input NAME=FILE}) and the outputs
   * by the names predict writes them under.
   */
  private static void graph(Functional m) {
    m.summary();
    System.out.println("Inputs:");
    List<String> in = m.inputNames();
    for (int i = 0; i < in.size(); i++) {
      KerasTensor t = m.inputs().get(i);
      System.out.println("  " + in.get(i) + " " + Shapes.toString(t.shape()) + " " + (t.dtype() == null ? "float32" : t.dtype()));
    }
    System.out.println("Outputs:");
    List<String> out = SavedModelExporter.outputKeys(m, new ExportOptions(), List.of());
    for (int i = 0; i < out.size(); i++) {
      KerasTensor t = m.outputs().get(i);
      System.out.println("  " + out.get(i) + " " + Shapes.toString(t.shape()) + " (from " + t.layer().name() + "["
          + t.node().index() + "][" + t.tensorIndex() + "])");
    }
  }
}
