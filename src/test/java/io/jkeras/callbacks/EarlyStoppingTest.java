package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.testing.Weights;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EarlyStopping on crafted monitor sequences (injected into the epoch logs by a callback placed
 * before it), with the epochs Keras 3's algorithm stops at worked out by hand in each test.
 */
class EarlyStoppingTest {
  /** Fits up to 10 epochs with {@code es} watching "val_loss" = {@code seq}; returns the epochs run. */
  static int epochsRun(EarlyStopping es, double... seq) {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy", "accuracy")) {
      return m.fit(Tiny.X, Tiny.Y, Tiny.quiet(10).callbacks(Tiny.inject("val_loss", seq), es)).epochs().size();
    }
  }

  @Test
  void stopsWhenPatienceIsExhausted() {
    // best 0.8 at epoch 1; epochs 2 and 3 do not improve: wait reaches 2 at epoch 3.
    EarlyStopping es = new EarlyStopping().patience(2);
    assertEquals(4, epochsRun(es, 1.0, 0.8, 0.9, 0.85, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1));
    assertEquals(3, es.stoppedEpoch());
    assertEquals(1, es.bestEpoch());
    assertEquals(0.8, es.best());
  }

  @Test
  void defaultPatienceZeroStopsAtTheFirstEpochWithoutImprovement() {
    assertEquals(3, epochsRun(new EarlyStopping(), 1.0, 0.9, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.01));
  }

  @Test
  void improvementsSmallerThanMinDeltaDoNotCount() {
    double[] seq = {1.0, 0.95, 0.90, 0.85, 0.80, 0.75, 0.70, 0.65, 0.60, 0.55};
    // Each epoch improves by 0.05: not by min_delta 0.1, stop at epoch 1 (patience 1)...
    assertEquals(2, epochsRun(new EarlyStopping().minDelta(0.1).patience(1), seq));
    // ...but by more than 0.01: never stops. A negative min_delta counts as its absolute value.
    assertEquals(10, epochsRun(new EarlyStopping().minDelta(-0.01).patience(1), seq));
  }

  @Test
  void modeMaxAndAutoForAccuracy() {
    double[] rising = {0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
    EarlyStopping max = new EarlyStopping().mode("max").patience(1);
    assertEquals(4, epochsRun(max, rising));
    // mode min on the same sequence: 0.2 is no improvement over 0.1.
    assertEquals(2, epochsRun(new EarlyStopping().mode("min").patience(1), rising));
    // auto on "val_accuracy": the compiled metric "accuracy" increases, as mode max.
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy", "accuracy")) {
      int n = m.fit(Tiny.X, Tiny.Y, Tiny.quiet(10).callbacks(Tiny.inject("val_accuracy", rising),
          new EarlyStopping().monitor("val_accuracy").patience(1))).epochs().size();
      assertEquals(4, n);
    }
  }

  @Test
  void baselineNotBeatenKeepsTheWaitRunning() {
    // Without baseline: 0.9 improves (wait 0), 0.95 and 0.97 do not: stop at epoch 2.
    assertEquals(3, epochsRun(new EarlyStopping().patience(2), 0.9, 0.95, 0.97, 0.99, 1, 1, 1, 1, 1, 1));
    // Baseline 0.5: 0.9 improves on the best but not on the baseline, the wait is not reset: stop at epoch 1.
    assertEquals(2, epochsRun(new EarlyStopping().patience(2).baseline(0.5), 0.9, 0.95, 0.97, 0.99, 1, 1, 1, 1, 1, 1));
  }

  @Test
  void startFromEpochSkipsTheWarmUp() {
    double[] worsening = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(2, epochsRun(new EarlyStopping(), worsening));
    // Epochs 0 and 1 are ignored; 3 is the first best; epoch 3 does not improve.
    assertEquals(4, epochsRun(new EarlyStopping().startFromEpoch(2), worsening));
  }

  @Test
  void restoresTheWeightsOfTheBestEpoch() {
    try (Sequential m = Tiny.binary(new SGD(0.5f), "binary_crossentropy")) {
      Tiny.WeightRecorder rec = new Tiny.WeightRecorder();
      EarlyStopping es = new EarlyStopping().patience(2).restoreBestWeights(true).verbose(1);
      String[] io = new String[2];
      int n = Tiny.captured(() -> m.fit(Tiny.X, Tiny.Y, Tiny.quiet(10).callbacks(
          Tiny.inject("val_loss", 1.0, 0.5, 0.7, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), rec, es)).epochs().size(), io);
      assertEquals(4, n);
      float[] best = Weights.flat(rec.perEpoch.get(1));
      float[] last = Weights.flat(rec.perEpoch.get(3));
      assertFalse(java.util.Arrays.equals(best, last), "training did not move the weights between epochs 1 and 3");
      assertArrayEquals(best, Weights.flat(m.getWeights()));
      assertEquals("Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n",
          io[0].replace("\r\n", "\n"));
    }
  }

  @Test
  void withoutRestoreTheLastWeightsStay() {
    try (Sequential m = Tiny.binary(new SGD(0.5f), "binary_crossentropy")) {
      Tiny.WeightRecorder rec = new Tiny.WeightRecorder();
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(10).callbacks(Tiny.inject("val_loss", 1.0, 0.5, 0.7, 0.8), rec,
          new EarlyStopping().patience(2)));
      assertArrayEquals(Weights.flat(rec.perEpoch.get(3)), Weights.flat(m.getWeights()));
    }
  }

  @Test
  void monitorsTheRealLogsOfFit() {
    // No injection: the real training loss of SGD decreases, so in mode max epoch 1 is no
    // improvement over epoch 0 and patience 0 stops there. val_loss is still computed.
    try (Sequential m = Tiny.binary(new SGD(0.1f), "mse")) {
      EarlyStopping es = new EarlyStopping().monitor("loss").mode("max");
      io.jkeras.callbacks.History h = m.fit(Tiny.X, Tiny.Y, Tiny.quiet(10).validationData(Tiny.X, Tiny.Y).callbacks(es));
      assertTrue(h.get("loss").get(1) < h.get("loss").get(0));
      assertEquals(List.of(0, 1), h.epochs());
      assertEquals(2, h.get("val_loss").size());
    }
  }

  @Test
  void missingMonitorWarnsOnStderrAndTrainingGoesOn() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      String[] io = new String[2];
      int n = Tiny.captured(() -> m.fit(Tiny.X, Tiny.Y, Tiny.quiet(3).callbacks(new EarlyStopping())).epochs().size(), io);
      assertEquals(3, n);
      assertEquals("UserWarning: Early stopping conditioned on metric `val_loss` which is not available. "
          + "Available metrics are: loss\n", io[1].replace("\r\n", "\n"), "warned once, as Python's default filter");
    }
  }

  @Test
  void autoModeFailsLikeKerasWhenTheDirectionIsUnknown() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy", "true_positives")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(new EarlyStopping().monitor("true_positives"))));
      assertTrue(e.getMessage().contains("mode='max'"), e.getMessage());
    }
  }

  @Test
  void unknownModeWarnsAndFallsBackToAuto() {
    String[] io = Tiny.capture(() -> new EarlyStopping().mode("sideways"));
    assertEquals("UserWarning: EarlyStopping mode sideways is unknown, fallback to auto mode.\n", io[1].replace("\r\n", "\n"));
  }
}
