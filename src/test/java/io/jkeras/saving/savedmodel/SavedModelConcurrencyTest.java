package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One SavedModel, one session, many threads calling predict at the same time. */
class SavedModelConcurrencyTest {

  @Test
  void concurrentPredictsGetTheirOwnAnswers() throws Exception {
    FloatArray x = npy("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    int threads = 8;
    int calls = 25;
    try (SavedModel m = SavedModel.load(path("savedmodel-tfnet-lstm-sequential"))) {
      // Reference answers, one sample at a time.
      float[][] single = new float[4][];
      for (int i = 0; i < 4; i++) single[i] = m.predict(x.slice(i, i + 1)).data();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          final int id = t;
          results.add(pool.submit(() -> {
            start.await();
            int checked = 0;
            for (int c = 0; c < calls; c++) {
              // Each thread asks for a different sample, or for all four in batches of varying size.
              int which = (id + c) % 5;
              if (which < 4) {
                assertArrayEquals(single[which], m.predict(x.slice(which, which + 1)).data(), "thread " + id + " call " + c);
              } else {
                FloatArray all = m.predict(x, 1 + c % 3);
                for (int i = 0; i < 4; i++) assertEquals(single[i][0], all.data()[i], 1e-6f, "thread " + id + " call " + c);
              }
              checked++;
            }
            return checked;
          }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> f : results) total += f.get(120, TimeUnit.SECONDS);
        assertEquals(threads * calls, total);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** close() waits for the runs in flight; calls after it fail cleanly. */
  @Test
  void closeWaitsForRunsInFlight() throws Exception {
    FloatArray x = npy("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    SavedModel m = SavedModel.load(path("savedmodel-tfnet-lstm-sequential"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int c = 0; c < 200; c++) {
            try {
              m.predict(x, 1);
            } catch (IllegalStateException e) {
              return "closed";
            }
          }
          return "done";
        }));
      }
      Thread.sleep(200);
      m.close();
      for (Future<String> f : results) {
        String r = f.get(120, TimeUnit.SECONDS);
        assertEquals(true, r.equals("closed") || r.equals("done"), r);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
