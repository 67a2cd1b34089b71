package io.jkeras.callbacks;

import java.util.Map;

/**
 * Keras's {@code Callback}: hooks called by {@code fit}, {@code evaluate} and {@code predict}.
 * {@code logs} maps metric names ("loss", "accuracy", "val_loss"...) to their current values.
 */
public abstract class Callback {
  private CallbackModel model;

  public void setModel(CallbackModel model) {
    this.model = model;
  }

  public CallbackModel model() {
    return model;
  }

  public void onTrainBegin(Map<String, Double> logs) {}

  public void onTrainEnd(Map<String, Double> logs) {}

  public void onEpochBegin(int epoch, Map<String, Double> logs) {}

  public void onEpochEnd(int epoch, Map<String, Double> logs) {}

  /** Keras's {@code on_train_batch_begin} (alias {@code on_batch_begin}). */
  public void onBatchBegin(int batch, Map<String, Double> logs) {}

  /** Keras's {@code on_train_batch_end} (alias {@code on_batch_end}). */
  public void onBatchEnd(int batch, Map<String, Double> logs) {}

  public void onTestBegin(Map<String, Double> logs) {}

  public void onTestEnd(Map<String, Double> logs) {}

  public void onTestBatchEnd(int batch, Map<String, Double> logs) {}

  public void onPredictBegin(Map<String, Double> logs) {}

  public void onPredictEnd(Map<String, Double> logs) {}
}
