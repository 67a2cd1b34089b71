package io.jkeras.cli;

import io.jkeras.models.Model;
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

  /** A Sequential model: a file that holds a Functional graph is a usage error. */
  static Sequential open(Path path) {
    return open(path, null);
  }

  static Sequential open(Path path, Path weights) {
    Model m = openModel(path, weights);
    if (m instanceof Sequential) return (Sequential) m;
    String what = describe(m);
    m.close();
    throw new ConfigException(path + ": holds " + what + "; a Sequential model is needed here");
  }

  /** Any model the file holds: Sequential or Functional. */
  static Model openModel(Path path) {
    return openModel(path, null);
  }

  static Model openModel(Path path, Path weights) {
    if (!Files.exists(path)) throw new ConfigException(path + ": no such model file or directory");
    if (weights != null && !Files.isRegularFile(weights)) throw new ConfigException(weights + ": no such weights file");
    if (weights != null && (Files.isDirectory(path) || !path.getFileName().toString().endsWith(".json"))) {
      throw new ConfigException("--weights goes with a .json config"
          + (Files.isDirectory(path) ? ", not with the model directory " + path : "; " + path + " holds its own weights"));
    }
    lastOpened = path;
    return SavingApi.loadModel(path, weights);
  }

  /**
   * The model file this command opened last, or null: a model that builds after it is opened
   * (a Sequential read from a config) can still be refused by the resource budget, and the
   * error message names the file ({@link Main}).
   */
  static volatile Path lastOpened;

  /** "a Functional model with inputs (a, b) and outputs (x, y)", for messages. */
  static String describe(Model m) {
    return "a Functional model with input" + (m.inputCount() == 1 ? " " : "s ") + String.join(", ", m.inputNames())
        + " and output" + (m.outputCount() == 1 ? " " : "s ") + String.join(", ", m.outputNames());
  }
}
