package io.jkeras.callbacks;

import java.util.Map;

/**
 * Keras's {@code LambdaCallback}: a callback made of functions, each optional.
 *
 * <pre>{@code
 * Callback cb = LambdaCallback.builder()
 *     .onEpochEnd((epoch, logs) -> System.out.println(epoch + " " + logs.get("loss")))
 *     .onTrainEnd(logs -> System.out.println("done"))
 *     .build();
 * }</pre>
 *
 * Keras's {@code on_epoch_begin/end}, {@code on_train_begin/end} and
 * {@code on_train_batch_begin/end} have builder methods of the same names; the other hooks
 * Keras accepts as keyword arguments ({@code on_test_begin}...) do too.
 */
public final class LambdaCallback extends Callback {
  /** A hook that receives the logs ({@code on_train_begin(logs)}). */
  @FunctionalInterface
  public interface LogsHook {
    void call(Map<String, Double> logs);
  }

  /** A hook that receives an epoch or batch index and the logs ({@code on_epoch_end(epoch, logs)}). */
  @FunctionalInterface
  public interface IndexHook {
    void call(int index, Map<String, Double> logs);
  }

  private final IndexHook onEpochBegin;
  private final IndexHook onEpochEnd;
  private final LogsHook onTrainBegin;
  private final LogsHook onTrainEnd;
  private final IndexHook onTrainBatchBegin;
  private final IndexHook onTrainBatchEnd;
  private final LogsHook onTestBegin;
  private final LogsHook onTestEnd;
  private final IndexHook onTestBatchEnd;
  private final LogsHook onPredictBegin;
  private final LogsHook onPredictEnd;

  private LambdaCallback(Builder b) {
    onEpochBegin = b.onEpochBegin;
    onEpochEnd = b.onEpochEnd;
    onTrainBegin = b.onTrainBegin;
    onTrainEnd = b.onTrainEnd;
    onTrainBatchBegin = b.onTrainBatchBegin;
    onTrainBatchEnd = b.onTrainBatchEnd;
    onTestBegin = b.onTestBegin;
    onTestEnd = b.onTestEnd;
    onTestBatchEnd = b.onTestBatchEnd;
    onPredictBegin = b.onPredictBegin;
    onPredictEnd = b.onPredictEnd;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the hooks; any left out does nothing. */
  public static final class Builder {
    private IndexHook onEpochBegin;
    private IndexHook onEpochEnd;
    private LogsHook onTrainBegin;
    private LogsHook onTrainEnd;
    private IndexHook onTrainBatchBegin;
    private IndexHook onTrainBatchEnd;
    private LogsHook onTestBegin;
    private LogsHook onTestEnd;
    private IndexHook onTestBatchEnd;
    private LogsHook onPredictBegin;
    private LogsHook onPredictEnd;

    private Builder() {}

    public Builder onEpochBegin(IndexHook f) {
      onEpochBegin = f;
      return this;
    }

    public Builder onEpochEnd(IndexHook f) {
      onEpochEnd = f;
      return this;
    }

    public Builder onTrainBegin(LogsHook f) {
      onTrainBegin = f;
      return this;
    }

    public Builder onTrainEnd(LogsHook f) {
      onTrainEnd = f;
      return this;
    }

    /** Keras's {@code on_train_batch_begin} (alias {@code on_batch_begin}). */
    public Builder onTrainBatchBegin(IndexHook f) {
      onTrainBatchBegin = f;
      return this;
    }

    /** Keras's {@code on_train_batch_end} (alias {@code on_batch_end}). */
    public Builder onTrainBatchEnd(IndexHook f) {
      onTrainBatchEnd = f;
      return this;
    }

    public Builder onTestBegin(LogsHook f) {
      onTestBegin = f;
      return this;
    }

    public Builder onTestEnd(LogsHook f) {
      onTestEnd = f;
      return this;
    }

    public Builder onTestBatchEnd(IndexHook f) {
      onTestBatchEnd = f;
      return this;
    }

    public Builder onPredictBegin(LogsHook f) {
      onPredictBegin = f;
      return this;
    }

    public Builder onPredictEnd(LogsHook f) {
      onPredictEnd = f;
      return this;
    }

    public LambdaCallback build() {
      return new LambdaCallback(this);
    }
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    if (onEpochBegin != null) onEpochBegin.call(epoch, logs);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (onEpochEnd != null) onEpochEnd.call(epoch, logs);
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    if (onTrainBegin != null) onTrainBegin.call(logs);
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (onTrainEnd != null) onTrainEnd.call(logs);
  }

  @Override
  public void onBatchBegin(int batch, Map<String, Double> logs) {
    if (onTrainBatchBegin != null) onTrainBatchBegin.call(batch, logs);
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    if (onTrainBatchEnd != null) onTrainBatchEnd.call(batch, logs);
  }

  @Override
  public void onTestBegin(Map<String, Double> logs) {
    if (onTestBegin != null) onTestBegin.call(logs);
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    if (onTestEnd != null) onTestEnd.call(logs);
  }

  @Override
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {
    if (onTestBatchEnd != null) onTestBatchEnd.call(batch, logs);
  }

  @Override
  public void onPredictBegin(Map<String, Double> logs) {
    if (onPredictBegin != null) onPredictBegin.call(logs);
  }

  @Override
  public void onPredictEnd(Map<String, Double> logs) {
    if (onPredictEnd != null) onPredictEnd.call(logs);
  }
}
