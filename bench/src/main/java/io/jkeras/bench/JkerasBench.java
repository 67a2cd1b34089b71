package io.jkeras.bench;

import io.jkeras.Keras;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.callbacks.Callback;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dropout;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.types.TFloat32;

/**
 * The jkeras side of the benchmarks, through the public API (Sequential, compile, fit, predict),
 * in its own JVM. Settings come from system properties so the harness can run a matrix:
 * <ul>
 *   <li>{@code jkeras.fusedLstm}: the library's own switch; {@code false} trains the LSTM through
 *       the unrolled cell instead of TensorFlow's fused BlockLSTMV2 op;
 *   <li>{@code bench.prefetch}: fit's prefetch (batches copied ahead on a background thread);
 *   <li>{@code bench.jit}: {@code on} sets ConfigProto graph_options.optimizer_options.global_jit_level
 *       = ON_1 (XLA) on the model's session (installed before first use, by reflection);
 *   <li>{@code jkeras.intraOpThreads} / {@code jkeras.interOpThreads}: the library's own settings;
 *   <li>environment TF_ENABLE_ONEDNN_OPTS, TF_XLA_FLAGS: read by TensorFlow when it loads.
 * </ul>
 * Usage: {@code JkerasBench [workload...]}: alphabet, char, word, word-sparse, predict, matmul.
 */
public final class JkerasBench {
  private JkerasBench() {}

  static final boolean JIT = "on".equals(System.getProperty("bench.jit", "off"));
  /** EXPERIMENT: {@code bench.staticBatch=true} gives the training models a fixed batch dimension ({@link StaticBatch}). */
  static final boolean STATIC_BATCH = Boolean.getBoolean("bench.staticBatch");
  static final int PREFETCH = Integer.getInteger("bench.prefetch", 0);

  public static void main(String[] args) throws Exception {
    List<String> w = args.length == 0 ? List.of("matmul", "alphabet", "char", "word", "predict") : List.of(args);
    Stats.emit(Stats.map("side", "jkeras", "kind", "env", "tf", TensorFlow.version(), "config", config()));
    for (String name : w) {
      switch (name) {
        case "alphabet": alphabet(); break;
        case "char": charLstm(); break;
        case "word": wordLm(false); break;
        case "word-sparse": wordLm(true); break;
        case "predict": predict(); break;
        case "matmul": matmul(); break;
        default: throw new IllegalArgumentException("unknown workload " + name);
      }
    }
  }

  static Map<String, Object> config() {
    return Stats.map("fused_lstm", System.getProperty("jkeras.fusedLstm", "true"), "prefetch", PREFETCH,
        "static_batch", STATIC_BATCH, "jit", JIT ? "ON_1" : "off",
        "intra", System.getProperty("jkeras.intraOpThreads", "default"),
        "inter", System.getProperty("jkeras.interOpThreads", "default"),
        "onednn", System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "default"),
        "xla_flags", System.getenv().getOrDefault("TF_XLA_FLAGS", ""));
  }

  static Map<String, Object> result(String workload, Object... kv) {
    Map<String, Object> m = Stats.map("side", "jkeras", "workload", workload);
    m.put("config", config());
    m.putAll(Stats.map(kv));
    return m;
  }

  /** Compiles with Adam(0.001) and the given loss, and installs the session if jit is on. */
  static void compile(Sequential m, String loss) {
    m.compile(new Adam(0.001f), loss);
    m.build(m.inputBatchShape());
    if (JIT) installSession(m.runtime());
  }

  static void installSession(ModelRuntime rt) {
    ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(true)
        .setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(
            OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
    String intra = System.getProperty("jkeras.intraOpThreads");
    String inter = System.getProperty("jkeras.interOpThreads");
    if (intra != null) b.setIntraOpParallelismThreads(Integer.parseInt(intra));
    if (inter != null) b.setInterOpParallelismThreads(Integer.parseInt(inter));
    try {
      Field f = ModelRuntime.class.getDeclaredField("session");
      f.setAccessible(true);
      if (f.get(rt) != null) throw new IllegalStateException("session already created");
      f.set(rt, new Session(rt.graph(), b.build()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records the wall time of every fit batch (copying the batch in, the step, the logs). */
  static final class StepTimer extends Callback {
    final List<Double> ms = new ArrayList<>();
    long t0;

    @Override
    public void onBatchBegin(int batch, Map<String, Double> logs) {
      t0 = System.nanoTime();
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
      ms.add(Stats.ms(System.nanoTime() - t0));
    }

    double[] after(int skip) {
      return ms.subList(skip, ms.size()).stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  // ----- workloads -----

  static Sequential alphabetModel() {
    Sequential m = new Sequential();
    m.add(new LSTM(50).batchInputShape(1, 1, 1).stateful(true));
    m.add(new Dense(26).activation("softmax"));
    return m;
  }

  static void alphabet() {
    Keras.setRandomSeed(7);
    float[] x = new float[25];
    float[] y = new float[25 * 26];
    for (int i = 0; i < 25; i++) {
      x[i] = i / 26f;
      y[i * 26 + i + 1] = 1;
    }
    FloatArray xa = new FloatArray(x, 25, 1, 1);
    FloatArray ya = new FloatArray(y, 25, 26);
    try (Sequential m = alphabetModel()) {
      compile(m, "categorical_crossentropy");
      StepTimer timer = new StepTimer();
      FitOptions one = new FitOptions().epochs(1).batchSize(1).shuffle(false).verbose(0).callbacks(timer);
      for (int e = 0; e < 20; e++) {
        m.fit(xa, ya, one);
        m.resetStates();
      }
      int epochs = Integer.getInteger("bench.alphabetEpochs", 100);
      double[] perStep = new double[epochs];
      double loss = 0;
      for (int e = 0; e < epochs; e++) {
        long t0 = System.nanoTime();
        loss = m.fit(xa, ya, one).last("loss");
        m.resetStates();
        perStep[e] = Stats.ms(System.nanoTime() - t0) / 25;
      }
      double[] batchMs = timer.after(20 * 25);
      Stats.emit(result("alphabet-stateful", "params", m.countParams(), "ms_per_step", Stats.median(perStep),
          "in_fit_batch_ms_median", Stats.median(batchMs),
          "min_ms", min(perStep), "loss", loss,
          "gflops", Flops.train(Flops.alphabetForward()) / (Stats.median(perStep) / 1000) / 1e9));
    }
  }

  static Sequential charModel(boolean compileIt) {
    Sequential m = new Sequential();
    if (STATIC_BATCH && compileIt) m.add(new StaticBatch().batchInputShape(64, 50, 1));
    m.add(new LSTM(256).inputShape(50, 1).returnSequences(true));
    m.add(new Dropout(0.2));
    m.add(new LSTM(256));
    m.add(new Dropout(0.2));
    m.add(new Dense(40).activation("softmax"));
    if (compileIt) compile(m, "categorical_crossentropy");
    return m;
  }

  static void charLstm() {
    Keras.setRandomSeed(7);
    Random r = new Random(1);
    int n = 64 * 4;
    float[] x = new float[n * 50];
    float[] y = new float[n * 40];
    for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
    for (int i = 0; i < n; i++) y[i * 40 + r.nextInt(40)] = 1;
    try (Sequential m = charModel(true)) {
      StepTimer timer = new StepTimer();
      int steps = Integer.getInteger("bench.steps", 24);
      var h = m.fit(new FloatArray(x, n, 50, 1), new FloatArray(y, n, 40),
          new FitOptions().epochs((steps + 3) / 4 + 1).batchSize(64).verbose(0).prefetch(PREFETCH).callbacks(timer));
      double med = Stats.median(timer.after(4));
      Stats.emit(result("char-lstm", "params", m.countParams(), "ms_per_step", med, "min_ms", min(timer.after(4)), "samples_per_s", 64 / (med / 1000),
          "gflops", Flops.train(Flops.charLstmForward(64)) / (med / 1000) / 1e9, "first_step_ms", timer.ms.get(0),
          "loss", h.last("loss")));
    }
  }

  static void wordLm(boolean sparse) {
    Keras.setRandomSeed(7);
    Random r = new Random(2);
    int n = 20 * 3;
    float[] x = new float[n * 30];
    float[] y = new float[sparse ? n * 30 : n * 30 * 10000];
    for (int i = 0; i < n * 30; i++) {
      x[i] = r.nextInt(10000);
      int label = r.nextInt(10000);
      if (sparse) y[i] = label; else y[i * 10000 + label] = 1;
    }
    try (Sequential m = new Sequential()) {
      if (STATIC_BATCH) m.add(new StaticBatch().batchInputShape(20, 30));
      m.add(new Embedding(10000, 200).inputShape(30));
      m.add(new LSTM(200).returnSequences(true));
      m.add(new LSTM(200).returnSequences(true));
      m.add(new Dropout(0.5));
      m.add(new TimeDistributed(new Dense(10000).activation("softmax")));
      compile(m, sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy");
      StepTimer timer = new StepTimer();
      int steps = Integer.getInteger("bench.steps", 24);
      FloatArray ya = sparse ? new FloatArray(y, n, 30) : new FloatArray(y, n, 30, 10000);
      var h = m.fit(new FloatArray(x, n, 30), ya,
          new FitOptions().epochs((steps + 2) / 3 + 1).batchSize(20).verbose(0).prefetch(PREFETCH).callbacks(timer));
      double med = Stats.median(timer.after(3));
      Stats.emit(result(sparse ? "word-lm-sparse-labels" : "word-lm", "params", m.countParams(), "ms_per_step", med,
          "min_ms", min(timer.after(3)),
          "tokens_per_s", 600 / (med / 1000), "gflops", Flops.train(Flops.wordLmForward()) / (med / 1000) / 1e9,
          "first_step_ms", timer.ms.get(0), "loss", h.last("loss")));
    }
  }

  static void predict() throws Exception {
    Keras.setRandomSeed(7);
    Random r = new Random(3);
    float[] one = new float[50];
    for (int i = 0; i < 50; i++) one[i] = r.nextFloat();
    float[] many = new float[256 * 50];
    for (int i = 0; i < many.length; i++) many[i] = r.nextFloat();
    FloatArray x1 = new FloatArray(one, 1, 50, 1);
    FloatArray x256 = new FloatArray(many, 256, 50, 1);
    int warm = Integer.getInteger("bench.predictWarmup", 300);
    int calls = Integer.getInteger("bench.predictCalls", 3000);
    try (Sequential m = charModel(false)) {
      m.build(-1, 50, 1);
      if (JIT) installSession(m.runtime());
      for (int i = 0; i < warm; i++) m.predict(x1);
      // The same graph through TensorFlow Java directly: the predict function's placeholder and
      // output, one input tensor made once, Session.run and reading the 40 floats out. Calls
      // alternate between the two so that both see the same machine state.
      Object f = predictFunction(m);
      @SuppressWarnings("unchecked")
      Placeholder<TFloat32> ph = (Placeholder<TFloat32>) field(f, "x");
      @SuppressWarnings("unchecked")
      Operand<TFloat32> out = (Operand<TFloat32>) field(f, "output");
      Session s = m.session();
      // The library runs batch-1 steps in the calling thread (ModelRuntime.runner): the raw run
      // uses the same RunOptions, so that the difference is the library's own overhead.
      org.tensorflow.proto.RunOptions opts = org.tensorflow.proto.RunOptions.newBuilder()
          .setInterOpThreadPool(1 <= ModelRuntime.CALLER_THREAD_MAX_BATCH ? -1 : 0).build();
      double[] us = new double[calls];
      double[] rawUs = new double[calls];
      float[] buf = new float[40];
      try (TFloat32 t = TFloat32.tensorOf(Shape.of(1, 50, 1), DataBuffers.of(one, true, false))) {
        for (int i = 0; i < warm; i++) {
          try (Result res = s.runner().setOptions(opts).feed(ph, t).fetch(out).run()) {
            ((TFloat32) res.get(0)).copyTo(DataBuffers.of(buf, false, false));
          }
        }
        for (int i = 0; i < calls; i++) {
          long t0 = System.nanoTime();
          FloatArray p = m.predict(x1);
          us[i] = (System.nanoTime() - t0) / 1e3;
          if (p.data().length != 40) throw new IllegalStateException();
          t0 = System.nanoTime();
          try (Result res = s.runner().setOptions(opts).feed(ph, t).fetch(out).run()) {
            ((TFloat32) res.get(0)).copyTo(DataBuffers.of(buf, false, false));
          }
          rawUs[i] = (System.nanoTime() - t0) / 1e3;
        }
      }
      // The same model exported as a SavedModel and loaded back through the library's SavedModel
      // class (what a Java service loading a model does).
      double[] smUs = new double[calls];
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jkeras-bench-sm");
      try {
        m.export(dir.resolve("model"));
        try (io.jkeras.saving.savedmodel.SavedModel sm = io.jkeras.saving.savedmodel.SavedModel.load(dir.resolve("model"))) {
          for (int i = 0; i < warm; i++) sm.predict(x1);
          for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            FloatArray p = sm.predict(x1);
            smUs[i] = (System.nanoTime() - t0) / 1e3;
            if (p.data().length != 40) throw new IllegalStateException();
          }
        }
      } finally {
        try (var files = java.nio.file.Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        }
      }
      for (int i = 0; i < 3; i++) m.predict(x256, 256);
      int reps = 20;
      double[] bms = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        m.predict(x256, 256);
        bms[i] = Stats.ms(System.nanoTime() - t0);
      }
      double bmed = Stats.median(bms);
      Stats.emit(result("predict-latency", "params", m.countParams(), "calls", calls,
          "p50_us", Stats.percentile(us, 50), "p99_us", Stats.percentile(us, 99),
          "raw_tf_p50_us", Stats.percentile(rawUs, 50), "raw_tf_p99_us", Stats.percentile(rawUs, 99),
          "savedmodel_p50_us", Stats.percentile(smUs, 50), "savedmodel_p99_us", Stats.percentile(smUs, 99),
          "batch256_ms", bmed, "batch256_samples_per_s", 256 / (bmed / 1000)));
    }
  }

  static double min(double[] a) {
    return java.util.Arrays.stream(a).min().orElse(Double.NaN);
  }

  /** The model's cached PREDICT function (Model.functions is private: reflection, bench only). */
  static Object predictFunction(Model m) throws Exception {
    Field ff = Model.class.getDeclaredField("functions");
    ff.setAccessible(true);
    Map<?, ?> fns = (Map<?, ?>) ff.get(m);
    for (Map.Entry<?, ?> e : fns.entrySet()) {
      if (e.getKey().toString().startsWith("PREDICT")) return e.getValue();
    }
    throw new IllegalStateException("no predict function built");
  }

  static Object field(Object o, String name) throws Exception {
    Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  /** float32 MatMul GFLOP/s through TensorFlow: n x n times n x n, best of several runs. */
  static void matmul() {
    for (int n : new int[] {1024, 2048, 4096}) {
      Random r = new Random(4);
      float[] a = new float[n * n];
      for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
      try (Graph g = new Graph(); Session s = new Session(g, sessionConfig());
           TFloat32 ta = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(a, true, false))) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> pa = tf.placeholder(TFloat32.class);
        Placeholder<TFloat32> pb = tf.placeholder(TFloat32.class);
        // Reduce to a scalar so that fetching the result costs nothing.
        Operand<TFloat32> prod = tf.linalg.matMul(pa, pb);
        Operand<TFloat32> sum = tf.reduceSum(tf.slice(prod, tf.constant(new int[] {0, 0}), tf.constant(new int[] {1, 1})),
            tf.constant(new int[] {0, 1}));
        int reps = n >= 4096 ? 4 : 10;
        double best = Double.MAX_VALUE;
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < reps + 2; i++) {
          long t0 = System.nanoTime();
          try (Result res = s.runner().feed(pa, ta).feed(pb, ta).fetch(sum).run()) {
            res.get(0);
          }
          double sec = (System.nanoTime() - t0) / 1e9;
          if (i >= 2) {
            all.add(sec);
            best = Math.min(best, sec);
          }
        }
        double flops = 2.0 * n * n * n;
        double med = Stats.median(all.stream().mapToDouble(Double::doubleValue).toArray());
        Stats.emit(result("matmul", "n", n, "best_gflops", flops / best / 1e9, "median_gflops", flops / med / 1e9));
      }
    }
  }

  static ConfigProto sessionConfig() {
    ConfigProto.Builder b = ConfigProto.newBuilder();
    String intra = System.getProperty("jkeras.intraOpThreads");
    String inter = System.getProperty("jkeras.interOpThreads");
    if (intra != null) b.setIntraOpParallelismThreads(Integer.parseInt(intra));
    if (inter != null) b.setInterOpParallelismThreads(Integer.parseInt(inter));
    return b.build();
  }
}
