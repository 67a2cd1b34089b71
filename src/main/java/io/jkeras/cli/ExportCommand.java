package io.jkeras.cli;

import io.jkeras.models.Sequential;
import io.jkeras.models.ExportOptions;
import java.nio.file.Path;
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

  @Option(names = "--keras3-names", description = "name the output 'output_0' as Keras 3's model.export() does (default: the output layer's name)")
  boolean keras3Names;

  @Override
  public Integer call() throws Exception {
    try (Sequential m = ModelLoader.open(model)) {
      if (!m.isBuilt() && m.inputBatchShape() == null) {
        throw new ConfigException(model + ": the model has no input shape and no weights: nothing to export");
      }
      m.export(out, new ExportOptions().keras3Names(keras3Names));
      System.out.println("Wrote SavedModel " + out + " (input '" + m.inputName() + "' " + m.inputDtype() + ", output '"
          + (keras3Names ? ExportOptions.KERAS3_OUTPUT_KEY : m.layers().get(m.layers().size() - 1).name()) + "')");
    }
    return Main.OK;
  }
}
