package io.jkeras.cli;

import io.jkeras.models.Sequential;
import io.jkeras.saving.KerasJson;
import io.jkeras.saving.ModelFiles;
import io.jkeras.saving.SavedModelImport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens any model the command line accepts as a jkeras model: a model directory written by
 * train, a SavedModel that carries a Keras config, or a Keras JSON config (no weights).
 */
final class ModelLoader {
  private ModelLoader() {}

  /** True for a SavedModel directory that is not also a jkeras model directory. */
  static boolean isPlainSavedModel(Path path) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve("saved_model.pb")) && !ModelFiles.isModelDir(path);
  }

  static Sequential open(Path path) {
    if (!Files.exists(path)) throw new ConfigException(path + ": no such model file or directory");
    if (Files.isDirectory(path)) {
      if (ModelFiles.isModelDir(path)) return ModelFiles.load(path);
      if (SavedModelImport.hasKerasConfig(path)) return SavedModelImport.loadTrainable(path);
      throw new ConfigException(path + ": not a model directory this jkeras can open as a Keras model (expected "
          + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ", or a SavedModel with a Keras config)");
    }
    if (path.toString().endsWith(".json")) return KerasJson.read(path);
    throw new ConfigException(path + ": unsupported model format (a jkeras model directory, a SavedModel or a Keras .json config)");
  }
}
