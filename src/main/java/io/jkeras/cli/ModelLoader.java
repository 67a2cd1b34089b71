package io.jkeras.cli;

import io.jkeras.models.Sequential;
import io.jkeras.saving.KerasJson;
import io.jkeras.saving.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens any model the command line accepts: a jkeras model directory or a Keras JSON config. */
final class ModelLoader {
  private ModelLoader() {}

  static Sequential open(Path path) {
    if (!Files.exists(path)) throw new ConfigException(path + ": no such model file or directory");
    if (Files.isDirectory(path)) {
      if (ModelFiles.isModelDir(path)) return ModelFiles.load(path);
      throw new ConfigException(path + ": not a model directory this jkeras can open (expected "
          + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ")");
    }
    if (path.toString().endsWith(".json")) return KerasJson.read(path);
    throw new ConfigException(path + ": unsupported model format (a jkeras model directory or a Keras .json config)");
  }
}
