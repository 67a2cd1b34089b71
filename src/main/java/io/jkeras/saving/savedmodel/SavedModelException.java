package io.jkeras.saving.savedmodel;

/**
 * A SavedModel or checkpoint on disk that cannot be used: not a SavedModel, a missing tag set,
 * a truncated or corrupt {@code saved_model.pb}, {@code variables.index} or data shard, or a
 * failure reported by TensorFlow while loading. The message names the file and the problem.
 */
public class SavedModelException extends RuntimeException {
  public SavedModelException(String message) {
    super(message);
  }

  public SavedModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
