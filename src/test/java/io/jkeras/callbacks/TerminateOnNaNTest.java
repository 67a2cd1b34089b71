package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminateOnNaNTest {
  /** Six samples, the third (batch 1 at batch size 2) holding a NaN. */
  static float[][] xWithNaN() {
    float[][] x = new float[Tiny.X.length][];
    for (int i = 0; i < x.length; i++) x[i] = Tiny.X[i].clone();
    x[2][0] = Float.NaN;
    return x;
  }

  @Test
  void stopsAfterTheBatchWithANanLossAndReturnsTheHistory() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy", "accuracy")) {
      List<String> events = new ArrayList<>();
      Callback spy = LambdaCallback.builder()
          .onTrainBatchEnd((b, logs) -> events.add("batch " + b))
          .onEpochEnd((e, logs) -> events.add("epoch " + e))
          .onTrainEnd(logs -> events.add("end"))
          .build();
      String[] io = new String[2];
      History h = Tiny.captured(() -> m.fit(xWithNaN(), Tiny.Y, Tiny.quiet(5).callbacks(new TerminateOnNaN(), spy)), io);
      assertEquals("Batch 1: Invalid loss, terminating training\n", io[0].replace("\r\n", "\n"));
      // Batch 2 and epochs 1-4 never ran; the epoch end and train end hooks did.
      assertEquals(List.of("batch 0", "batch 1", "epoch 0", "end"), events);
      assertEquals(List.of(0), h.epochs());
      assertTrue(Double.isNaN(h.last("loss")));
      assertTrue(m.stopTraining());
      // The model is still usable afterwards (its weights are NaN now, as in Keras).
      assertEquals(6, m.predict(Tiny.X).length());
    }
  }

  @Test
  void infiniteLossAlsoStops() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "mse")) {
      float[][] y = {{1f}, {0f}, {3e38f}, {1f}, {0f}, {0f}};
      String[] io = new String[2];
      History h = Tiny.captured(() -> m.fit(Tiny.X, y, Tiny.quiet(5).callbacks(new TerminateOnNaN())), io);
      assertEquals("Batch 1: Invalid loss, terminating training\n", io[0].replace("\r\n", "\n"));
      assertEquals(1, h.epochs().size());
    }
  }

  @Test
  void finiteLossesDoNotStop() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      assertEquals(3, m.fit(Tiny.X, Tiny.Y, Tiny.quiet(3).callbacks(new TerminateOnNaN())).epochs().size());
    }
  }

  @Test
  void raiseErrorThrowsInstead() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> m.fit(xWithNaN(), Tiny.Y, Tiny.quiet(5).callbacks(new TerminateOnNaN(true))));
      assertEquals("NaN or Inf loss encountered at batch 1. Loss value: nan. Terminating training immediately.", e.getMessage());
    }
  }
}
