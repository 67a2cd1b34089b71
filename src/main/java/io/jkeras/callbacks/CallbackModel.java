package io.jkeras.callbacks;

import io.jkeras.data.FloatArray;
import io.jkeras.optimizers.Optimizer;
import java.nio.file.Path;
import java.util.List;

/**
 * The model as its callbacks see it (Keras's {@code callback.model}): what the built-in callbacks
 * read and change while {@code fit} runs. {@code io.jkeras.models.Model} implements it; callbacks
 * sit below the models (the models call them), so they name the model through this view.
 */
public interface CallbackModel {
  String name();

  /** The compiled optimizer, or null before {@code compile}. */
  Optimizer optimizer();

  /** The compiled metrics' names ("accuracy", ...), as they appear in logs. */
  List<String> metricNames();

  List<FloatArray> getWeights();

  void setWeights(List<FloatArray> values);

  /** Keras's {@code model.stop_training = stop}: fit ends after the current batch. */
  void stopTraining(boolean stop);

  boolean stopTraining();

  /** Keras's {@code model.reset_states()}: zeroes a stateful model's recurrent states (e.g. after each epoch). */
  void resetStates();

  /** Saves a jkeras model directory at {@code dir}, with a SavedModel in it if asked (ModelCheckpoint). */
  void saveCheckpoint(Path dir, boolean withSavedModel);
}
