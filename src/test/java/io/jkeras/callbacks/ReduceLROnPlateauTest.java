package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ReduceLROnPlateau on crafted monitor sequences; the expected rates worked out by hand from Keras 3's algorithm. */
class ReduceLROnPlateauTest {
  static final double[] FLAT = {1, 1, 1, 1, 1, 1, 1, 1};

  /** The learning rate logged at each epoch end (before that epoch's reduction, as Keras). */
  static List<Double> rates(ReduceLROnPlateau r, String key, double... seq) {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      return m.fit(Tiny.X, Tiny.Y, Tiny.quiet(seq.length).callbacks(Tiny.inject(key, seq), r)).get("learning_rate");
    }
  }

  static List<Double> f32(double... v) {
    Double[] r = new Double[v.length];
    for (int i = 0; i < v.length; i++) r[i] = (double) (float) v[i];
    return List.of(r);
  }

  /**
   * The logged rates when the rate starts at {@code lr0} and is multiplied by {@code factor} after
   * the epochs in {@code reductionsBefore} (each entry: how many reductions precede that epoch),
   * as Keras computes it: float32 rate widened to a double, times the factor, stored as float32.
   */
  static List<Double> chain(float lr0, double factor, int... reductionsBefore) {
    Double[] r = new Double[reductionsBefore.length];
    for (int i = 0; i < r.length; i++) {
      float lr = lr0;
      for (int k = 0; k < reductionsBefore[i]; k++) lr = (float) ((double) lr * factor);
      r[i] = (double) lr;
    }
    return List.of(r);
  }

  @Test
  void reducesAfterPatienceEpochsWithoutImprovement() {
    // best at epoch 0; epochs 1, 2 do not improve: reduce at the end of epoch 2, again at 4, 6.
    ReduceLROnPlateau r = new ReduceLROnPlateau().patience(2).factor(0.5);
    assertEquals(f32(0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125), rates(r, "val_loss", FLAT));
  }

  @Test
  void improvementsResetTheWait() {
    // Improves by more than min_delta (1e-4) at epochs 2 and 4; 0.79995 at epoch 5 is within
    // min_delta of 0.8: epochs 5, 6 wait, reduce at the end of epoch 6 (logged from epoch 7 on).
    ReduceLROnPlateau r = new ReduceLROnPlateau().patience(2).factor(0.5);
    assertEquals(f32(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05), rates(r, "val_loss", 1, 1, 0.9, 0.9, 0.8, 0.79995, 0.8, 0.8));
  }

  @Test
  void cooldownDelaysTheNextReduction() {
    // Without cooldown: reductions at the ends of epochs 2, 4, 6. With cooldown 2: reduce at 2;
    // epoch 3 in cooldown (counter 2 -> 1); epoch 4 leaves it (1 -> 0) and waits 1; epoch 5
    // waits 2: reduce at 5, so the second reduction comes one epoch later.
    ReduceLROnPlateau r = new ReduceLROnPlateau().patience(2).factor(0.5).cooldown(2);
    assertEquals(f32(0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025), rates(r, "val_loss", FLAT));
  }

  @Test
  void neverBelowMinLr() {
    ReduceLROnPlateau r = new ReduceLROnPlateau().patience(1).factor(0.1).minLr(0.05);
    assertEquals(f32(0.1, 0.1, 0.05, 0.05, 0.05), rates(r, "val_loss", 1, 1, 1, 1, 1));
  }

  @Test
  void autoModeMaximizesAccuracyNames() {
    // Rising "val_acc": improvements in auto (max) mode, no reduction; in min mode it reduces.
    double[] rising = {0.1, 0.2, 0.3, 0.4, 0.5};
    assertEquals(f32(0.1, 0.1, 0.1, 0.1, 0.1), rates(new ReduceLROnPlateau().monitor("val_acc").patience(1), "val_acc", rising));
    assertEquals(chain(0.1f, 0.1, 0, 0, 1, 2, 3),
        rates(new ReduceLROnPlateau().monitor("val_acc").mode("min").patience(1), "val_acc", rising));
  }

  @Test
  void verboseMessageAndMissingMonitorWarning() {
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      String[] io = Tiny.capture(() -> m.fit(Tiny.X, Tiny.Y, Tiny.quiet(3).callbacks(
          Tiny.inject("loss", 1, 1, 1), new ReduceLROnPlateau().monitor("loss").patience(1).verbose(1))));
      // new rate = old float32 rate as a Python float * 0.1, printed with repr (from CPython).
      assertEquals("\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.010000000149011612.\n"
          + "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.0009999999776482583.\n", io[0].replace("\r\n", "\n"));
    }
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      String[] io = Tiny.capture(() -> m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(new ReduceLROnPlateau())));
      assertEquals("UserWarning: Learning rate reduction is conditioned on metric `val_loss` which is not available. "
          + "Available metrics are: loss,learning_rate.\n", io[1].replace("\r\n", "\n"));
    }
  }

  @Test
  void factorOfOneOrMoreIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().factor(1.0));
  }
}
