package io.jkeras.callbacks;

import java.util.Map;

/**
 * Keras's {@code TerminateOnNaN}: after each batch, if the loss in the logs (the epoch's running
 * mean) is NaN or infinite, prints {@code Batch <b>: Invalid loss, terminating training} and asks
 * fit to stop; fit then ends the epoch, calls the end hooks and returns the History. With
 * {@code raiseError} it throws instead, skipping the other callbacks' end hooks, as Keras's
 * {@code raise_error=True}.
 */
public final class TerminateOnNaN extends Callback {
  private final boolean raiseError;

  public TerminateOnNaN() {
    this(false);
  }

  public TerminateOnNaN(boolean raiseError) {
    this.raiseError = raiseError;
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    Double loss = logs == null ? null : logs.get("loss");
    if (loss == null || !(loss.isNaN() || loss.isInfinite())) return;
    if (raiseError) {
      throw new IllegalStateException("NaN or Inf loss encountered at batch " + batch + ". Loss value: "
          + PyCompat.repr(loss) + ". Terminating training immediately.");
    }
    PyCompat.print("Batch " + batch + ": Invalid loss, terminating training");
    model().stopTraining(true);
  }
}
