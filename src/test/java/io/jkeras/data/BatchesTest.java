package io.jkeras.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jkeras.Keras;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** Batch tensors: their content, with and without prefetch, and what happens on errors and early close. */
class BatchesTest {

  private static FloatArray random(long seed, long... shape) {
    Random r = new Random(seed);
    int n = 1;
    for (long d : shape) n *= (int) d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = r.nextFloat();
    return new FloatArray(v, shape);
  }

  /** Sample {@code indices[i]} of {@code a}, computed element by element. */
  private static float[] expected(FloatArray a, int[] indices, int from, int to) {
    int row = a.rowSize();
    float[] r = new float[(to - from) * row];
    for (int i = from; i < to; i++) for (int k = 0; k < row; k++) r[(i - from) * row + k] = a.data()[indices[i] * row + k];
    return r;
  }

  private static float[] content(TFloat32 t) {
    return FloatArray.fromTensor(t).data();
  }

  @Test
  void batchTensorGathersSamplesSmallAndLargeRows() {
    int[] order = {4, 0, 3, 1, 2};
    for (FloatArray a : List.of(random(1, 5, 3, 2), random(2, 5, 3, 5000))) { // rows below and above the direct-write size
      try (TFloat32 t = a.batchTensor(order, 1, 4)) {
        assertArrayEquals(new long[] {3, 3, a.shape()[2]}, t.shape().asArray());
        assertArrayEquals(expected(a, order, 1, 4), content(t));
      }
      try (TFloat32 t = a.sliceTensor(2, 5)) {
        assertArrayEquals(expected(a, new int[] {0, 1, 2, 3, 4}, 2, 5), content(t));
      }
    }
  }

  @Test
  void prefetchedBatchesEqualDirectOnes() {
    FloatArray x = random(3, 11, 4);
    FloatArray y = random(4, 11, 5000);
    int[] order = {10, 3, 5, 1, 0, 2, 9, 8, 7, 6, 4};
    try (Batches direct = new Batches(x, y, order, 3, 0); Batches ahead = new Batches(x, y, order, 3, 2)) {
      assertEquals(4, direct.steps());
      for (int s = 0; s < direct.steps(); s++) {
        try (Batches.Batch a = direct.next(); Batches.Batch b = ahead.next()) {
          assertArrayEquals(content(a.x()), content(b.x()));
          assertArrayEquals(content(a.y()), content(b.y()));
          assertArrayEquals(expected(y, order, s * 3, Math.min(11, s * 3 + 3)), content(b.y()));
        }
      }
      assertThrows(IllegalStateException.class, ahead::next);
    }
  }

  @Test
  void closingEarlyStopsTheThread() {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try (Batches b = new Batches(random(5, 100, 2), random(6, 100, 2), new int[100], 1, 2)) {
        b.next().close();
      }
    });
  }

  @Test
  void anErrorInTheThreadReachesTheCaller() {
    // y has fewer samples than the order asks for: the copy fails in the prefetch thread.
    int[] order = {0, 1, 2, 3, 4, 5};
    try (Batches b = new Batches(random(7, 6, 2), random(8, 3, 2), order, 2, 2)) {
      b.next().close();
      assertThrows(ArrayIndexOutOfBoundsException.class, b::next);
    }
  }

  @Test
  void fitWithPrefetchTrainsExactlyAsWithout() {
    FloatArray x = random(9, 40, 3, 2);
    FloatArray y = random(10, 40, 2);
    float[][] w = new float[2][];
    for (int run = 0; run < 2; run++) {
      Keras.setRandomSeed(3);
      try (Sequential m = new Sequential(new LSTM(4).inputShape(3, 2), new Dense(2))) {
        m.compile("adam", "mse");
        m.fit(x, y, new FitOptions().epochs(2).batchSize(7).verbose(0).prefetch(run == 0 ? 0 : 3));
        w[run] = m.predict(x).data();
      }
    }
    assertArrayEquals(w[0], w[1]);
  }
}
