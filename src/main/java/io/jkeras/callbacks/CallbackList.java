package io.jkeras.callbacks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Dispatches each hook to every callback in order. */
public final class CallbackList extends Callback {
  private final List<Callback> callbacks = new ArrayList<>();

  public CallbackList(List<Callback> callbacks, CallbackModel model) {
    this.callbacks.addAll(callbacks);
    for (Callback c : this.callbacks) c.setModel(model);
    setModel(model);
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    for (Callback c : callbacks) c.onTrainBegin(logs);
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    for (Callback c : callbacks) c.onTrainEnd(logs);
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    for (Callback c : callbacks) c.onEpochBegin(epoch, logs);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    for (Callback c : callbacks) c.onEpochEnd(epoch, logs);
  }

  @Override
  public void onBatchBegin(int batch, Map<String, Double> logs) {
    for (Callback c : callbacks) c.onBatchBegin(batch, logs);
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    for (Callback c : callbacks) c.onBatchEnd(batch, logs);
  }

  @Override
  public void onTestBegin(Map<String, Double> logs) {
    for (Callback c : callbacks) c.onTestBegin(logs);
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    for (Callback c : callbacks) c.onTestEnd(logs);
  }

  @Override
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {
    for (Callback c : callbacks) c.onTestBatchEnd(batch, logs);
  }
}
