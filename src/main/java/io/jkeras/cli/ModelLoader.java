package io.jkeras.cli;

import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.ModelFiles;
import io.jkeras.saving.savedmodel.SavedModelImport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens any model the command line accepts as a jkeras model: a jkeras model directory, a
 * SavedModel that carries a Keras config, a Keras 3 {@code .keras} archive, a full-model Keras
 * {@code .h5}, or a Keras JSON config (with {@code weights}, a {@code .weights.h5} or legacy
 * weights {@code .h5}; without, freshly initialized).
 */
final class ModelLoader {
  private ModelLoader() {}

  static final String FORMATS = "a jkeras model directory, a SavedModel, a Keras .keras archive, a Keras .h5 model, or a"
      + " Keras .json config (with --weights FILE.h5)";

  /** True for a SavedModel directory that is not also a jkeras model directory. */
  static boolean isPlainSavedModel(Path path) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve("saved_model.pb")) && !ModelFiles.isModelDir(path);
  }

  static Sequential open(Path path) {
    return open(path, null);
  }

  static Sequential open(Path path, Path weights) {
    if (!Files.exists(path)) throw new ConfigException(path + ": no such model file or directory");
    if (weights != null && !Files.isRegularFile(weights)) throw new ConfigException(weights + ": no such weights file");
    String name = path.getFileName().toString();
    if (Files.isDirectory(path)) {
      if (weights != null) throw new ConfigException("--weights goes with a .json config, not with the model directory " + path);
      if (ModelFiles.isModelDir(path)) return ModelFiles.load(path);
      if (SavedModelImport.hasKerasConfig(path)) return SavedModelImport.loadTrainable(path);
      throw new ConfigException(path + ": not a model directory this jkeras can open as a Keras model (expected "
          + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ", or a SavedModel with a Keras config)");
    }
    if (name.endsWith(".json")) {
      if (weights != null) return KerasModels.load(path, weights);
      return KerasJson.read(path);
    }
    if (weights != null) throw new ConfigException("--weights goes with a .json config; " + path + " holds its own weights");
    if (name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5")) return KerasModels.load(path);
    throw new ConfigException(path + ": unsupported model format (expected " + FORMATS + ")");
  }
}
