package io.jkeras.cli;

import io.jkeras.layers.KerasTensor;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.savedmodel.SavedModelExporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jkeras export MODEL DIR}: writes a TensorFlow SavedModel that Python and TF Serving load. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a model as a TensorFlow SavedModel (tag serve, signatures serving_default and serve).")
final class ExportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "a model directory written by train, or a SavedModel with a Keras config")
  Path model;

  @Parameters(index = "1", paramLabel = "DIR", description = "the SavedModel directory to write (new, or an earlier export)")
  Path out;

  @Option(names = "--keras3-names", description = "name the output 'output_0' (several: output_0, output_1, ...) as Keras 3's"
      + " model.export() does (default: the output layer's name)")
  boolean keras3Names;

  @Override
  public Integer call() throws Exception {
    try (Model any = ModelLoader.openModel(model)) {
      if (!(any instanceof Sequential)) return exportGraph(any);
      Sequential m = (Sequential) any;
      if (!m.isBuilt() && m.inputBatchShape() == null) {
        throw new ConfigException(model + ": the model has no input shape and no weights: nothing to export");
      }
      m.export(out, new ExportOptions().keras3Names(keras3Names));
      System.out.println("Wrote SavedModel " + out + " (input '" + m.inputName() + "' " + m.inputDtype() + ", output '"
          + (keras3Names ? ExportOptions.KERAS3_OUTPUT_KEY : m.layers().get(m.layers().size() - 1).name()) + "')");
    }
    return Main.OK;
  }

  /** A Functional model: one signature input per model input (by its name), one output per model output. */
  private int exportGraph(Model m) throws Exception {
    ExportOptions options = new ExportOptions().keras3Names(keras3Names);
    m.export(out, options);
    List<String> inputs = new ArrayList<>();
    for (KerasTensor t : ((Functional) m).inputs()) {
      inputs.add("'" + t.layer().name() + "' " + (t.dtype() == null ? "float32" : t.dtype()));
    }
    List<String> outputs = new ArrayList<>();
    for (String k : SavedModelExporter.outputKeys(m, options, m.inputNames())) outputs.add("'" + k + "'");
    System.out.println("Wrote SavedModel " + out + " (input" + (inputs.size() == 1 ? " " : "s ") + String.join(", ", inputs)
        + "; output" + (outputs.size() == 1 ? " " : "s ") + String.join(", ", outputs) + ")");
    return Main.OK;
  }
}
