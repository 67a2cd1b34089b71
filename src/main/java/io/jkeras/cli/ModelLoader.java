package io.jkeras.cli;

import io.jkeras.models.Sequential;
import io.jkeras.saving.SavingApi;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command line's model argument: {@link SavingApi#loadModel}, with its errors as usage errors. */
final class ModelLoader {
  private ModelLoader() {}

  static final String FORMATS = SavingApi.FORMATS;

  static boolean isPlainSavedModel(Path path) {
    return SavingApi.isPlainSavedModel(path);
  }

  static Sequential open(Path path) {
    return open(path, null);
  }

  static Sequential open(Path path, Path weights) {
    if (!Files.exists(path)) throw new ConfigException(path + ": no such model file or directory");
    if (weights != null && !Files.isRegularFile(weights)) throw new ConfigException(weights + ": no such weights file");
    if (weights != null && (Files.isDirectory(path) || !path.getFileName().toString().endsWith(".json"))) {
      throw new ConfigException("--weights goes with a .json config"
          + (Files.isDirectory(path) ? ", not with the model directory " + path : "; " + path + " holds its own weights"));
    }
    return SavingApi.loadModel(path, weights);
  }
}
