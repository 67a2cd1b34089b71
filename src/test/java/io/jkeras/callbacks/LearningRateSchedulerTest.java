package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jkeras.testing.Weights;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateSchedulerTest {
  @Test
  void setsTheRateBeforeEachEpochAndLogsIt() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      List<Double> seen = new ArrayList<>();
      LearningRateScheduler s = new LearningRateScheduler((epoch, lr) -> {
        seen.add(lr);
        return epoch == 0 ? lr : lr * 0.5;
      });
      History h = m.fit(Tiny.X, Tiny.Y, Tiny.quiet(3).callbacks(s));
      // The schedule gets the float32 rate as a double, as Keras's float(optimizer.learning_rate).
      assertEquals(List.of((double) 0.1f, (double) 0.1f, (double) 0.05f), seen);
      assertEquals(List.of((double) 0.1f, (double) 0.05f, (double) 0.025f), h.get("learning_rate"));
      assertEquals(0.025f, m.optimizer().learningRate());
    }
  }

  @Test
  void theOptimizerTrainsWithTheScheduledRate() {
    // Rate 0 from epoch 1 on: the weights stop moving after epoch 0, whatever the optimizer's state.
    try (Sequential m = Tiny.binary(new Adam(0.05f), "binary_crossentropy")) {
      Tiny.WeightRecorder rec = new Tiny.WeightRecorder();
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(3).callbacks(new LearningRateScheduler((epoch, lr) -> epoch == 0 ? 0.05 : 0.0), rec));
      assertArrayEquals(Weights.flat(rec.perEpoch.get(0)), Weights.flat(m.getWeights()));
    }
    // Rate 0 in epoch 0 only: nothing moves in epoch 0, then training proceeds.
    try (Sequential m = Tiny.binary(new Adam(0.05f), "binary_crossentropy")) {
      m.build(-1, 2);
      float[] initial = Weights.flat(m.getWeights());
      Tiny.WeightRecorder rec = new Tiny.WeightRecorder();
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(LearningRateScheduler.ofEpoch(epoch -> epoch == 0 ? 0.0 : 0.05, 0), rec));
      assertArrayEquals(initial, Weights.flat(rec.perEpoch.get(0)));
      assertFalse(java.util.Arrays.equals(initial, Weights.flat(m.getWeights())));
    }
  }

  @Test
  void verbosePrintsKerasMessage() {
    try (Sequential m = Tiny.binary(new SGD(0.01f), "binary_crossentropy")) {
      String[] io = Tiny.capture(() -> m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(
          new LearningRateScheduler((epoch, lr) -> epoch == 0 ? lr : 0.001, 1))));
      assertEquals("\nEpoch 1: LearningRateScheduler setting learning rate to 0.009999999776482582.\n"
          + "\nEpoch 2: LearningRateScheduler setting learning rate to 0.001.\n", io[0].replace("\r\n", "\n"));
    }
  }
}
