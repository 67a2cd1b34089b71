package io.jkeras.reliability;

import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.SavingApi;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.savedmodel.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The soak and concurrency scenarios, run in a child JVM by {@link CaseRunner}
 * ({@code api:scenario NAME ARGS...}) so that a native crash is counted, not fatal to the test
 * JVM. Each returns its figures as a one-line summary and throws when a requirement fails.
 */
public final class Scenarios {
  private Scenarios() {}

  /** LSTM(8) -> Dense(3) on (6, 4) inputs, compiled with Adam and MSE. */
  static Sequential model() {
    Sequential m = new Sequential(new InputLayer(6, 4), new LSTM(8).name("lstm"), new Dense(3).name("dense"));
    m.build(new long[] {-1, 6, 4});
    m.compile("adam", "mse");
    return m;
  }

  static FloatArray random(long seed, long... shape) {
    Random r = new Random(seed);
    long n = 1;
    for (long d : shape) n *= d;
    float[] a = new float[(int) n];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
    return new FloatArray(a, shape);
  }

  /** Resident set size of this process in KiB (Linux /proc), after a GC. */
  static long rssKiB() {
    System.gc();
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    } catch (IOException e) {
      // not Linux: no figure
    }
    return -1;
  }

  public static String run(String name, String[] args) throws Exception {
    Path work = Path.of(args[0]);
    Files.createDirectories(work);
    long n = Long.parseLong(args[1]);
    switch (name) {
      case "train-steps":
        return trainSteps(n);
      case "predicts":
        return predicts(n);
      case "load-close":
        return loadClose(work, n);
      case "export-reload":
        return exportReload(work, n);
      case "threads-model":
        return threadsModel(Integer.parseInt(args[2]), n);
      case "threads-model-cold":
        return threadsModelCold(Integer.parseInt(args[2]), n);
      case "threads-savedmodel":
        return threadsSavedModel(work, Integer.parseInt(args[2]), n);
      case "close-during-predict-model":
        return closeDuringPredict(work, false, Integer.parseInt(args[2]));
      case "close-during-predict-savedmodel":
        return closeDuringPredict(work, true, Integer.parseInt(args[2]));
      default:
        throw new IllegalArgumentException("unknown scenario " + name);
    }
  }

  /** Runs {@code step} {@code n} times; RSS after the first 10% (warm-up) and at the end must differ by less than 5%. */
  private static String rssFlat(String what, long n, Runnable step) {
    long warm = Math.max(1, n / 10);
    long t0 = System.nanoTime();
    long before = -1;
    long peak = 0;
    for (long i = 0; i < n; i++) {
      if (i == warm) before = rssKiB();
      step.run();
      if (i > warm && i % Math.max(1, n / 10) == 0) peak = Math.max(peak, rssKiB());
    }
    long after = rssKiB();
    if (before < 0) before = after;
    double growth = before > 0 ? 100.0 * (after - before) / before : 0;
    String s = String.format("%s: %d in %.1f s; RSS after warm-up %d MiB, at the end %d MiB (%+.2f%%), highest sample %d MiB", what, n,
        (System.nanoTime() - t0) / 1e9, before >> 10, after >> 10, growth, Math.max(peak, after) >> 10);
    if (growth >= 5.0) throw new IllegalStateException("RSS grew 5% or more after warm-up: " + s);
    return s;
  }

  static String trainSteps(long n) {
    try (Sequential m = model()) {
      FloatArray x = random(1, 16, 6, 4);
      FloatArray y = random(2, 16, 3);
      return rssFlat("training steps (trainOnBatch, batch 16)", n, () -> m.trainOnBatch(x, y));
    }
  }

  static String predicts(long n) {
    try (Sequential m = model()) {
      FloatArray x = random(3, 1, 6, 4);
      return rssFlat("predicts (batch 1)", n, () -> m.predict(x));
    }
  }

  static String loadClose(Path work, long n) {
    Path file = work.resolve("soak.keras");
    try (Sequential m = model()) {
      KerasModels.saveKeras(m, file);
    }
    FloatArray x = random(4, 2, 6, 4);
    return rssFlat("load/predict/close cycles (.keras)", n, () -> {
      try (Model m = SavingApi.loadModel(file)) {
        m.predict(x);
      }
    });
  }

  static String exportReload(Path work, long n) {
    FloatArray x = random(5, 2, 6, 4);
    try (Sequential m = model()) {
      AtomicInteger i = new AtomicInteger();
      return rssFlat("export/reload cycles (SavedModel)", n, () -> {
        Path dir = work.resolve("sm-" + (i.getAndIncrement() % 2));
        try {
          if (Files.exists(dir)) ForkedCases.deleteTree(dir);
          m.export(dir);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        try (SavedModel sm = SavedModel.load(dir)) {
          sm.predict(x);
        }
      });
    }
  }

  /** {@code threads} threads each predict {@code perThread} times on one model; every output must equal the single-threaded one. */
  private static String threads(String what, int threads, long perThread, Function<FloatArray, FloatArray> predict) throws Exception {
    int k = 8;
    List<FloatArray> xs = new ArrayList<>();
    List<float[]> want = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      xs.add(random(100 + i, 1 + i % 4, 6, 4));
      want.add(predict.apply(xs.get(i)).data());
    }
    AtomicLong mismatches = new AtomicLong();
    AtomicLong done = new AtomicLong();
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int id = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (long i = 0; i < perThread; i++) {
            int j = (int) ((i + id) % k);
            float[] got = predict.apply(xs.get(j)).data();
            if (!Arrays.equals(got, want.get(j))) mismatches.incrementAndGet();
            done.incrementAndGet();
          }
        } catch (Throwable e) {
          errors.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
        }
      });
      th.start();
      ts.add(th);
    }
    long t0 = System.nanoTime();
    go.countDown();
    for (Thread th : ts) th.join();
    double s = (System.nanoTime() - t0) / 1e9;
    String r = String.format("%s: %d threads x %d predicts = %d in %.1f s (%.0f/s), %d differ from single-threaded, errors %s", what,
        threads, perThread, done.get(), s, done.get() / s, mismatches.get(), errors);
    if (mismatches.get() > 0 || !errors.isEmpty() || done.get() != threads * perThread) throw new IllegalStateException(r);
    return r;
  }

  static String threadsModel(int threads, long perThread) throws Exception {
    try (Sequential m = model()) {
      return threads("jkeras model", threads, perThread, m::predict);
    }
  }

  /**
   * The first calls on a fresh model, from many threads at once, with inputs of different sequence
   * lengths (each builds its own predict function in the graph): the outputs must equal those
   * computed single-threaded afterwards.
   */
  static String threadsModelCold(int threads, long perThread) throws Exception {
    try (Sequential m = new Sequential(new InputLayer(-1, 4), new LSTM(8).name("lstm"), new Dense(3).name("dense"))) {
      m.build(new long[] {-1, -1, 4});
      int k = 6;
      List<FloatArray> xs = new ArrayList<>();
      for (int i = 0; i < k; i++) xs.add(random(300 + i, 1 + i % 3, 3 + i, 4));
      float[][][] got = new float[threads][k][];
      Map<String, Integer> errors = new ConcurrentHashMap<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int id = t;
        Thread th = new Thread(() -> {
          try {
            go.await();
            for (long i = 0; i < perThread; i++) {
              int j = (int) ((i + id) % k);
              float[] y = m.predict(xs.get(j)).data();
              if (got[id][j] == null) got[id][j] = y;
              else if (!Arrays.equals(got[id][j], y)) errors.merge("output changed between calls", 1, Integer::sum);
            }
          } catch (Throwable e) {
            errors.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
          }
        });
        th.start();
        ts.add(th);
      }
      go.countDown();
      for (Thread th : ts) th.join();
      long mismatches = 0;
      for (int j = 0; j < k; j++) {
        float[] want = m.predict(xs.get(j)).data();
        for (int t = 0; t < threads; t++) if (got[t][j] != null && !Arrays.equals(got[t][j], want)) mismatches++;
      }
      String r = "jkeras model, cold (" + k + " sequence lengths built concurrently): " + threads + " threads x " + perThread + " predicts, "
          + mismatches + " differ from single-threaded, errors " + errors;
      if (mismatches > 0 || !errors.isEmpty()) throw new IllegalStateException(r);
      return r;
    }
  }

  static String threadsSavedModel(Path work, int threads, long perThread) throws Exception {
    Path dir = work.resolve("threads_sm");
    if (Files.exists(dir)) ForkedCases.deleteTree(dir);
    try (Sequential m = model()) {
      m.export(dir);
    }
    try (SavedModel sm = SavedModel.load(dir)) {
      return threads("SavedModel", threads, perThread, sm::predict);
    }
  }

  /**
   * {@code threads} threads predict in a loop while the main thread closes the model: every thread
   * must stop with an IllegalStateException (the model is closed), none with anything else, and
   * the JVM must live on.
   */
  static String closeDuringPredict(Path work, boolean savedModel, int threads) throws Exception {
    AutoCloseable closeable;
    Function<FloatArray, FloatArray> predict;
    if (savedModel) {
      Path dir = work.resolve("close_sm");
      if (Files.exists(dir)) ForkedCases.deleteTree(dir);
      try (Sequential m = model()) {
        m.export(dir);
      }
      SavedModel sm = SavedModel.load(dir);
      closeable = sm;
      predict = sm::predict;
    } else {
      Sequential m = model();
      closeable = m;
      predict = m::predict;
    }
    Map<String, Integer> endings = new TreeMap<>();
    AtomicLong ok = new AtomicLong();
    CountDownLatch started = new CountDownLatch(threads);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int id = t;
      Thread th = new Thread(() -> {
        FloatArray x = random(200 + id, 1 + id % 3, 6, 4);
        started.countDown();
        String end;
        try {
          while (true) {
            predict.apply(x);
            ok.incrementAndGet();
          }
        } catch (Throwable e) {
          end = e.getClass().getSimpleName();
        }
        synchronized (endings) {
          endings.merge(end, 1, Integer::sum);
        }
      });
      th.start();
      ts.add(th);
    }
    started.await();
    // Close only once predicts are flowing on every thread (the first call builds the graph).
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (ok.get() < 20L * threads && System.nanoTime() < deadline) Thread.sleep(10);
    long before = ok.get();
    closeable.close();
    for (Thread th : ts) th.join(30_000);
    String r = (savedModel ? "SavedModel" : "jkeras model") + ": close() after " + before + " concurrent predicts on " + threads
        + " threads; the threads ended with " + endings;
    boolean clean = endings.size() == 1 && endings.containsKey("IllegalStateException") && endings.get("IllegalStateException") == threads;
    if (!clean) throw new IllegalStateException(r);
    return r;
  }
}
