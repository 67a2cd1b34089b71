package io.jkeras.cli;

import io.jkeras.models.Model;
import io.jkeras.saving.ModelFiles;
import io.jkeras.saving.keras.KerasModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jkeras convert SRC DEST}: reads any model {@code predict} reads and writes it as a Keras
 * 3 {@code .keras} archive, Keras 3 {@code .weights.h5} weights, or a jkeras model directory;
 * the format follows DEST's name unless {@code --format} says. The destination is replaced
 * only once the new file is complete.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Convert a model: .h5/.keras/.json(+--weights)/model dir -> .keras, .weights.h5 or a jkeras model directory.")
final class ConvertCommand implements Callable<Integer> {
  /** The output formats, by name. */
  private static final Map<String, ModelExporter> EXPORTERS = new LinkedHashMap<>();

  static {
    EXPORTERS.put("keras", (m, p) -> KerasModels.saveKeras(m, p));
    EXPORTERS.put("weights", (m, p) -> KerasModels.saveWeights(m, p));
    EXPORTERS.put("dir", ConvertCommand::saveDir);
    EXPORTERS.put("savedmodel", (m, p) -> m.export(p));
  }

  @Parameters(index = "0", paramLabel = "SRC", description = "the model to read: " + ModelLoader.FORMATS)
  Path source;

  @Parameters(index = "1", paramLabel = "DEST",
      description = "where to write: NAME.keras, NAME.weights.h5, or a directory (jkeras model directory)")
  Path destination;

  @Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json SRC: Keras .weights.h5 or legacy .h5")
  Path weights;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "keras, weights, dir or savedmodel (default: from DEST's name)")
  String format;

  static Map<String, ModelExporter> exporters() {
    return EXPORTERS;
  }

  @Override
  public Integer call() throws Exception {
    String f = format != null ? format.toLowerCase(Locale.ROOT) : formatOf(destination);
    ModelExporter exporter = exporters().get(f);
    if (exporter == null) {
      throw new ConfigException("--format " + f + ": unknown; available: " + exporters().keySet());
    }
    if (!Files.exists(source)) throw new ConfigException(source + ": no such model file or directory");
    try (Model m = ModelLoader.openModel(source, weights)) {
      exporter.export(m, destination);
      System.out.println("Wrote " + destination + " (" + f + ": " + m.layers().size() + " layers, "
          + String.format(Locale.ROOT, "%,d", m.countParams()) + " parameters" + (m.isCompiled() ? ", compiled" : "") + ")");
    }
    return Main.OK;
  }

  /** ModelFiles replaces a whole directory: refuse one that holds anything but a jkeras model. */
  private static void saveDir(Model m, Path dir) throws IOException {
    if (Files.isDirectory(dir) && !ModelFiles.isModelDir(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new ConfigException(dir + ": exists and is not a jkeras model directory; refusing to replace it"
              + " (give a new or empty directory)");
        }
      }
    }
    ModelFiles.save(m, dir);
  }

  /** The format DEST's name asks for. */
  static String formatOf(Path dest) {
    String name = dest.getFileName() == null ? "" : dest.getFileName().toString();
    if (name.endsWith(".keras")) return "keras";
    if (name.endsWith(".weights.h5")) return "weights";
    if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
      throw new ConfigException(dest + ": writing legacy Keras 2 .h5 files is not supported; write NAME.keras (which Keras 3"
          + " and tf.keras 2.13+ load) or NAME.weights.h5");
    }
    if (Files.isDirectory(dest) || !name.contains(".")) return "dir";
    throw new ConfigException(dest + ": cannot tell the format from the name; use NAME.keras, NAME.weights.h5, a directory,"
        + " or --format " + exporters().keySet());
  }
}
