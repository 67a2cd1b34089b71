package io.jkeras.callbacks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keras's {@code History}: per-epoch values of the loss and every metric (and val_ ones). */
public final class History extends Callback {
  private final List<Integer> epochs = new ArrayList<>();
  private final Map<String, List<Double>> history = new LinkedHashMap<>();

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    epochs.add(epoch);
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
  }

  /** Epoch indices that completed. */
  public List<Integer> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** Keras's {@code history.history}. */
  public Map<String, List<Double>> history() {
    return Collections.unmodifiableMap(history);
  }

  /** Values of one key ("loss", "val_accuracy"...), empty if never logged. */
  public List<Double> get(String key) {
    return history.getOrDefault(key, List.of());
  }

  /** The last epoch's value of {@code key}. */
  public double last(String key) {
    List<Double> v = history.get(key);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("no '" + key + "' in history; keys: " + history.keySet());
    return v.get(v.size() - 1);
  }
}
