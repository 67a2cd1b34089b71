package io.jkeras.bench;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dropout;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * EXPERIMENT: where the time of one step goes. Builds a workload's model through the library,
 * takes its compiled train (or predict) function, and times (a) the library's own step
 * (fit / predict), (b) Session.run of the same function with tensors made once, and (c) one
 * traced run, summed per op type (TensorFlow step stats). Usage: {@code Probe char|word|predict|alphabet}.
 */
public final class Probe {
  private Probe() {}

  public static void main(String[] args) throws Exception {
    String w = args[0];
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Keras.setRandomSeed(7);
    Random r = new Random(1);
    Sequential m;
    FloatArray x;
    FloatArray y;
    int batch;
    switch (w) {
      case "char":
      case "predict":
        m = JkerasBench.charModel(w.equals("char"));
        batch = w.equals("char") ? 64 : 1;
        x = rand(r, batch, 50, 1);
        y = oneHot(r, batch, 40);
        break;
      case "alphabet":
        m = JkerasBench.alphabetModel();
        JkerasBench.compile(m, "categorical_crossentropy");
        batch = 1;
        x = rand(r, 1, 1, 1);
        y = oneHot(r, 1, 26);
        break;
      case "word":
        m = new Sequential();
        m.add(new Embedding(10000, 200).inputShape(30));
        m.add(new LSTM(200).returnSequences(true));
        m.add(new LSTM(200).returnSequences(true));
        m.add(new Dropout(0.5));
        m.add(new TimeDistributed(new Dense(10000).activation("softmax")));
        JkerasBench.compile(m, "categorical_crossentropy");
        batch = 20;
        float[] ids = new float[20 * 30];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(10000);
        x = new FloatArray(ids, 20, 30);
        float[] yy = new float[20 * 30 * 10000];
        for (int i = 0; i < 600; i++) yy[i * 10000 + r.nextInt(10000)] = 1;
        y = new FloatArray(yy, 20, 30, 10000);
        break;
      default:
        throw new IllegalArgumentException(w);
    }
    boolean train = !w.equals("predict");
    long t0;
    double[] lib = new double[reps];
    if (train) {
      FitOptions one = new FitOptions().epochs(1).batchSize(batch).shuffle(false).verbose(0);
      for (int i = 0; i < 3; i++) m.fit(x, y, one);
      for (int i = 0; i < reps; i++) {
        t0 = System.nanoTime();
        m.fit(x, y, one);
        lib[i] = (System.nanoTime() - t0) / 1e3;
      }
    } else {
      for (int i = 0; i < 50; i++) m.predict(x);
      for (int i = 0; i < reps; i++) {
        t0 = System.nanoTime();
        m.predict(x);
        lib[i] = (System.nanoTime() - t0) / 1e3;
      }
    }
    Object f = function(m, train ? "TRAIN" : "PREDICT");
    @SuppressWarnings("unchecked") Placeholder<TFloat32> px = (Placeholder<TFloat32>) JkerasBench.field(f, "x");
    @SuppressWarnings("unchecked") Placeholder<TFloat32> py = train ? (Placeholder<TFloat32>) JkerasBench.field(f, "y") : null;
    @SuppressWarnings("unchecked") Operand<TFloat32> fetch = (Operand<TFloat32>) JkerasBench.field(f, train ? "loss" : "output");
    @SuppressWarnings("unchecked") List<Op> targets = (List<Op>) JkerasBench.field(f, "targets");
    Session s = m.session();
    double[] raw = new double[reps];
    double[] caller = new double[reps];
    RunMetadata meta = null;
    try (TFloat32 tx = TFloat32.tensorOf(Shape.of(x.shape()), DataBuffers.of(x.data(), true, false));
         TFloat32 ty = TFloat32.tensorOf(Shape.of(y.shape()), DataBuffers.of(y.data(), true, false))) {
      for (int i = -3; i < reps + 1; i++) {
        Session.Runner run = s.runner().feed(px, tx).fetch(fetch);
        if (train) {
          run.feed(py, ty);
          m.optimizer().feed(run);
        }
        for (Op t : targets) run.addTarget(t);
        boolean trace = i == reps;
        if (trace) run.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        t0 = System.nanoTime();
        try (Result res = trace ? run.runAndFetchMetadata() : run.run()) {
          if (trace) meta = res.getMetadata().orElse(null);
        }
        if (i >= 0 && i < reps) raw[i] = (System.nanoTime() - t0) / 1e3;
        // The same step in the calling thread (RunOptions.inter_op_thread_pool = -1), alternating
        // with the pooled one so that both see the same machine state.
        Session.Runner run2 = s.runner().feed(px, tx).fetch(fetch).setOptions(CALLER_THREAD);
        if (train) {
          run2.feed(py, ty);
          m.optimizer().feed(run2);
        }
        for (Op t : targets) run2.addTarget(t);
        t0 = System.nanoTime();
        try (Result res = run2.run()) {
          if (i >= 0 && i < reps) caller[i] = (System.nanoTime() - t0) / 1e3;
        }
      }
    }
    System.out.printf(Locale.ROOT, "%s: library step median %.0f µs, raw Session.run median %.0f µs, in the calling thread %.0f µs"
        + " (%d reps)%n", w, Stats.median(lib), Stats.median(raw), Stats.median(caller), reps);
    if (meta != null) summarize(meta.getStepStats());
    m.close();
  }

  static final RunOptions CALLER_THREAD = RunOptions.newBuilder().setInterOpThreadPool(-1).build();

  static void summarize(StepStats ss) {
    Map<String, double[]> byType = new HashMap<>();
    long first = Long.MAX_VALUE;
    long last = 0;
    int nodes = 0;
    for (var dev : ss.getDevStatsList()) {
      for (NodeExecStats n : dev.getNodeStatsList()) {
        String type = n.getTimelineLabel().contains("= ") ? n.getTimelineLabel().replaceAll(".*= ([A-Za-z0-9_]+)\\(.*", "$1")
            : n.getNodeName();
        double us = n.getOpEndRelMicros() - n.getOpStartRelMicros();
        byType.computeIfAbsent(type, k -> new double[2]);
        byType.get(type)[0] += us;
        byType.get(type)[1]++;
        first = Math.min(first, n.getAllStartMicros());
        last = Math.max(last, n.getAllStartMicros() + n.getAllEndRelMicros());
        nodes++;
      }
    }
    double total = byType.values().stream().mapToDouble(v -> v[0]).sum();
    System.out.printf(Locale.ROOT, "traced: %d nodes, wall %d µs, sum of op times %.0f µs%n", nodes, last - first, total);
    List<Map.Entry<String, double[]>> es = new ArrayList<>(byType.entrySet());
    es.sort((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]));
    for (int i = 0; i < Math.min(25, es.size()); i++) {
      var e = es.get(i);
      System.out.printf(Locale.ROOT, "  %-28s %6.0f nodes %9.0f µs  %5.1f%%%n", e.getKey(), e.getValue()[1], e.getValue()[0],
          100 * e.getValue()[0] / total);
    }
  }

  static Object function(Model m, String kind) throws Exception {
    Field ff = Model.class.getDeclaredField("functions");
    ff.setAccessible(true);
    for (Map.Entry<?, ?> e : ((Map<?, ?>) ff.get(m)).entrySet()) {
      if (e.getKey().toString().startsWith(kind)) return e.getValue();
    }
    throw new IllegalStateException("no " + kind + " function");
  }

  static FloatArray rand(Random r, long... shape) {
    int n = 1;
    for (long d : shape) n *= (int) d;
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = r.nextFloat();
    return new FloatArray(a, shape);
  }

  static FloatArray oneHot(Random r, int n, int k) {
    float[] a = new float[n * k];
    for (int i = 0; i < n; i++) a[i * k + r.nextInt(k)] = 1;
    return new FloatArray(a, n, k);
  }
}
