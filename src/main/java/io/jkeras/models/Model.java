package io.jkeras.models;

import io.jkeras.Keras;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.callbacks.Callback;
import io.jkeras.callbacks.CallbackList;
import io.jkeras.callbacks.CallbackModel;
import io.jkeras.callbacks.History;
import io.jkeras.callbacks.ProgbarLogger;
import io.jkeras.data.Batches;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Layer;
import io.jkeras.losses.Loss;
import io.jkeras.losses.Losses;
import io.jkeras.metrics.Metric;
import io.jkeras.metrics.Metrics;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.optimizers.OptimizerState;
import io.jkeras.optimizers.Optimizers;
import io.jkeras.models.ExportOptions;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * What every model does (Keras's {@code Model} / trainer): compile, fit, evaluate, predict and the
 * per-batch variants, on functions built into the model's TensorFlow graph. A function is built
 * once per (kind, input shape) and cached, so training never rebuilds graphs per step; a new
 * sequence length gets its own function, sharing the weights and optimizer slots.
 */
public abstract class Model implements AutoCloseable, CallbackModel {
  private ModelRuntime runtime;
  private Optimizer optimizer;
  private Loss loss;
  private List<String> metricNames = List.of();
  private final Map<String, GraphFunction> functions = new HashMap<>();
  private List<Metric> resolvedMetrics;
  private final Map<String, org.tensorflow.framework.metrics.Metric> statefulMetrics = new HashMap<>();
  private final Map<String, Op> statefulResets = new HashMap<>();
  private volatile boolean stopTraining;
  private Random shuffleRandom;

  // ----- what a concrete model supplies -----

  /** The model's name ("sequential"). */
  public abstract String name();

  /** The layers that compute the model, in order (no InputLayer). */
  public abstract List<Layer<?>> layers();

  /** The input shape with batch dimension, or null if not yet known. */
  public abstract long[] inputBatchShape();

  /** The input dtype the model's files and SavedModels declare ("float32", "int32" or "int64"). */
  public String inputDtype() {
    return "float32";
  }

  /** Builds every layer for {@code batchInputShape}. */
  protected abstract void buildLayers(ModelRuntime runtime, long[] batchInputShape);

  /** The forward pass. */
  protected abstract Operand<TFloat32> forward(CallContext ctx, Operand<TFloat32> inputs);

  /** The output shape (batch first) for {@code batchInputShape}. */
  public abstract long[] computeOutputShape(long[] batchInputShape);

  // ----- building -----

  /** The model's TensorFlow state, created on first build. */
  public final ModelRuntime runtime() {
    if (runtime == null) runtime = new ModelRuntime();
    if (runtime.isClosed()) throw new IllegalStateException("model " + name() + " has been closed");
    return runtime;
  }

  public boolean isBuilt() {
    return !layers().isEmpty() && layers().get(layers().size() - 1).isBuilt();
  }

  /** Creates the weights for {@code batchInputShape} (Keras's {@code model.build}). */
  public void build(long... batchInputShape) {
    if (isBuilt()) return;
    if (layers().isEmpty()) throw new IllegalStateException("model " + name() + " has no layers");
    buildLayers(runtime(), batchInputShape);
  }

  private void ensureBuilt(FloatArray x) {
    runtime();
    if (isBuilt()) return;
    long[] declared = inputBatchShape();
    if (declared != null) {
      build(declared);
    } else {
      long[] s = x.shape();
      s[0] = -1;
      build(s);
    }
  }

  /** Fixed batch size of a stateful model, or -1. */
  private long fixedBatchSize() {
    for (Layer<?> l : layers()) {
      if (l.isStateful()) {
        long[] s = inputBatchShape();
        return s == null ? -1 : s[0];
      }
    }
    return -1;
  }

  // ----- compile -----

  /** Keras's {@code compile(optimizer, loss, metrics)} by name. */
  public void compile(String optimizer, String loss, String... metrics) {
    compile(Optimizers.get(optimizer), Losses.get(loss), metrics);
  }

  public void compile(Optimizer optimizer, String loss, String... metrics) {
    compile(optimizer, Losses.get(loss), metrics);
  }

  public void compile(Optimizer optimizer, Loss loss, String... metrics) {
    if (optimizer == null || loss == null) throw new IllegalArgumentException("compile needs an optimizer and a loss");
    if (this.optimizer != null && this.optimizer != optimizer && this.optimizer.isBound()) {
      throw new IllegalStateException("model " + name() + " was already trained with another optimizer; "
          + "recompiling with a new optimizer is not supported yet");
    }
    for (String m : metrics) Metrics.check(m);
    this.optimizer = optimizer;
    this.loss = loss;
    this.metricNames = List.of(metrics);
    this.resolvedMetrics = null;
    // Functions built for the previous loss/metrics are stale.
    functions.values().removeIf(f -> f.kind != GraphFunction.Kind.PREDICT);
  }

  public boolean isCompiled() {
    return optimizer != null;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public Loss loss() {
    return loss;
  }

  public List<String> metricNames() {
    return metricNames;
  }

  private void requireCompiled(String what) {
    if (optimizer == null) {
      throw new IllegalStateException("model " + name() + " must be compiled before " + what + ": call compile(optimizer, loss)");
    }
  }

  // ----- validation (before anything reaches TensorFlow) -----

  private void checkInput(FloatArray x, String what) {
    long[] spec = inputBatchShape() != null ? inputBatchShape() : layers().get(0).builtInputShape();
    if (spec == null) return;
    long[] s = x.shape();
    if (s.length != spec.length) {
      throw new IllegalArgumentException(what + " has shape " + Shapes.toString(s) + " (rank " + s.length
          + ") but model " + name() + " expects input of shape " + Shapes.toString(spec) + " (rank " + spec.length + ")");
    }
    long[] specNoBatch = Arrays.copyOf(spec, spec.length);
    specNoBatch[0] = -1;
    if (!Shapes.compatible(specNoBatch, s)) {
      throw new IllegalArgumentException(what + " has shape " + Shapes.toString(s) + " but model " + name()
          + " expects input of shape " + Shapes.toString(spec));
    }
    for (int i = 1; i < s.length; i++) {
      if (s[i] == 0) throw new IllegalArgumentException(what + " has an empty dimension: " + Shapes.toString(s));
    }
    layers().get(0).checkInputData(x);
  }

  private void checkTargets(FloatArray x, FloatArray y, String what) {
    if (x.length() != y.length()) {
      throw new IllegalArgumentException(what + ": x has " + x.length() + " samples but y has " + y.length());
    }
    long[] out = computeOutputShape(withBatch(x.shape(), -1));
    long[] ys = y.shape();
    ys[0] = -1;
    if (loss.isSparse()) {
      boolean ok = ys.length == out.length - 1 || (ys.length == out.length && ys[ys.length - 1] == 1);
      if (!ok || !Shapes.compatible(Arrays.copyOf(out, ys.length - (ys.length == out.length ? 1 : 0)),
          Arrays.copyOf(ys, ys.length - (ys.length == out.length ? 1 : 0)))) {
        throw new IllegalArgumentException(what + ": " + loss.name() + " expects integer labels of shape "
            + Shapes.toString(Arrays.copyOf(out, out.length - 1)) + " but y has shape " + Shapes.toString(y.shape()));
      }
      float[] d = y.data();
      long classes = out[out.length - 1];
      for (int i = 0; i < d.length; i++) {
        if (d[i] < 0 || d[i] >= classes || d[i] != Math.rint(d[i])) {
          throw new IllegalArgumentException(what + ": label " + d[i] + " at flat index " + i
              + " is not a class id in [0, " + classes + ")");
        }
      }
    } else if (!Shapes.compatible(out, ys)) {
      throw new IllegalArgumentException(what + ": y has shape " + Shapes.toString(y.shape()) + " but model " + name()
          + " outputs " + Shapes.toString(out) + " (loss " + loss.name() + ")");
    }
  }

  private void checkBatch(int batchSize, int samples, String what) {
    long fixed = fixedBatchSize();
    if (fixed > 0) {
      if (batchSize != fixed) {
        throw new IllegalArgumentException(what + ": model " + name() + " is stateful with a fixed batch size of " + fixed
            + " but batch_size is " + batchSize);
      }
      if (samples % fixed != 0) {
        throw new IllegalArgumentException(what + ": model " + name() + " is stateful with a fixed batch size of " + fixed
            + "; the number of samples (" + samples + ") must be a multiple of it");
      }
    }
  }

  private static long[] withBatch(long[] s, long batch) {
    long[] r = s.clone();
    r[0] = batch;
    return r;
  }

  // ----- functions -----

  private long[] placeholderShape(long[] dataShape) {
    long[] s = withBatch(dataShape, fixedBatchSize() > 0 ? fixedBatchSize() : -1);
    return s;
  }

  private GraphFunction function(GraphFunction.Kind kind, FloatArray x, FloatArray y) {
    String key = kind + Arrays.toString(Shapes.dropBatch(x.shape()))
        + (y == null ? "" : Arrays.toString(Shapes.dropBatch(y.shape())));
    GraphFunction f = functions.get(key);
    if (f == null) {
      f = buildFunction(kind, x.shape(), y == null ? null : y.shape());
      functions.put(key, f);
    }
    return f;
  }

  private GraphFunction buildFunction(GraphFunction.Kind kind, long[] xShape, long[] yShape) {
    ModelRuntime rt = runtime();
    Ops tf = rt.tf().withSubScope(kind.name().toLowerCase());
    GraphFunction f = new GraphFunction(kind);
    f.x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(placeholderShape(xShape))));
    CallContext ctx = new CallContext(rt, rt.tf(), kind == GraphFunction.Kind.TRAIN);
    // Fetched through an Identity: a model that passes its input through (Dropout at inference)
    // must not fetch its own feed. Loss and metrics see the raw output, whose Softmax/Sigmoid op
    // tells them to work from the logits, as Keras 3 does.
    Operand<TFloat32> raw = forward(ctx, f.x);
    f.output = tf.withName("output").identity(raw);
    if (kind == GraphFunction.Kind.PREDICT) {
      f.targets.addAll(ctx.stateUpdates());
      return f;
    }
    f.y = tf.withName("y").placeholder(TFloat32.class, Placeholder.shape(Shape.of(placeholderShape(yShape))));
    f.loss = loss.call(tf.withSubScope("loss"), f.y, raw);
    for (Metric m : metrics(yShape, raw.shape().asArray())) {
      Ops mt = tf.withSubScope("metrics");
      long seed = Keras.nextSeed();
      if (m.isStateful()) {
        org.tensorflow.framework.metrics.Metric sm = statefulMetrics.computeIfAbsent(m.name(), k -> m.newStateful(seed));
        Ops root = rt.tf();
        List<Op> updates = sm.updateStateList(root, f.y, raw, null);
        // The result must read the variables after this batch's update: built under the control
        // dependency (an identity of a result built outside it could read the previous state).
        Ops afterUpdates = root.withControlDependencies(updates);
        f.metricValues.add(afterUpdates.identity(sm.result(afterUpdates, TFloat32.class)));
        f.metricCounts.add(0L);
        statefulResets.computeIfAbsent(m.name(), k -> sm.resetStates(root));
      } else {
        f.metricValues.add(m.valueSum(mt, seed, f.y, raw));
        f.metricCounts.add(m.valuesPerSample(mt, seed, f.y, raw));
      }
    }
    if (kind != GraphFunction.Kind.PREDICT) {
      // Weight regularization penalties count in the reported loss, as in Keras.
      Operand<TFloat32> total = f.loss;
      for (Weight w : weights()) {
        if (w.regularizer() == null) continue;
        Operand<TFloat32> read = ctx.reads().get(w);
        if (read == null) read = w.variable();
        total = tf.math.add(total, w.regularizer().call(tf.withSubScope("regularization"), read));
      }
      f.loss = total;
    }
    if (kind == GraphFunction.Kind.TRAIN) {
      List<Weight> trainable = trainableWeights();
      if (trainable.isEmpty()) throw new IllegalStateException("model " + name() + " has no trainable weights");
      List<Output<TFloat32>> vars = new ArrayList<>();
      List<Output<TFloat32>> reads = new ArrayList<>();
      for (Weight w : trainable) {
        Operand<TFloat32> read = ctx.reads().get(w);
        if (read == null) throw new IllegalStateException("weight " + w.path() + " is not used by the forward pass");
        vars.add(w.variable().asOutput());
        reads.add(read.asOutput());
      }
      // Gradients with respect to this step's snapshot of each weight (see CallContext.read).
      Output<?>[] grads = rt.graph().addGradients(f.loss.asOutput(), reads.toArray(new Output<?>[0]));
      List<Output<TFloat32>> gradList = new ArrayList<>();
      for (int i = 0; i < grads.length; i++) {
        if (grads[i] == null) {
          throw new IllegalStateException("weight " + trainable.get(i).path() + " gets no gradient from the loss");
        }
        @SuppressWarnings("unchecked")
        Output<TFloat32> g = (Output<TFloat32>) grads[i];
        gradList.add(g);
      }
      Op train = optimizer.applyGradients(rt.graph(), rt.tf(), gradList, vars, "train_step");
      // A state loaded with the model (a saved Adam's moments) goes into the slots just created.
      optimizer.restorePending(rt.tf(), rt.session());
      List<Op> constrained = new ArrayList<>();
      Ops afterUpdate = rt.tf().withControlDependencies(List.of(train));
      for (Weight w : trainable) {
        if (w.constraint() != null) {
          constrained.add(afterUpdate.assign(w.variable(), w.constraint().call(afterUpdate, afterUpdate.identity(w.variable()))));
        }
      }
      if (!constrained.isEmpty()) train = rt.tf().withControlDependencies(constrained).noOp();
      f.targets.add(train);
      // Stateful RNNs keep this batch's final states only after the update has read the old ones.
      Ops after = rt.tf().withControlDependencies(List.of(train));
      for (Op u : ctx.stateUpdates()) f.targets.add(after.withControlDependencies(List.of(u)).noOp());
    } else {
      f.targets.addAll(ctx.stateUpdates());
    }
    return f;
  }

  private List<Metric> metrics(long[] yShape, long[] outShape) {
    if (resolvedMetrics == null) {
      List<Metric> r = new ArrayList<>();
      for (String n : metricNames) {
        r.add(Metrics.get(n, yShape.length, yShape[yShape.length - 1], outShape.length, outShape[outShape.length - 1]));
      }
      resolvedMetrics = r;
    }
    return resolvedMetrics;
  }

  // ----- running steps -----

  /** Running means of the loss and mean metrics over an epoch, Keras's way (weighted by samples). */
  private final class Aggregator {
    final GraphFunction f;
    double lossSum;
    long samples;
    final double[] sums;
    final double[] counts;
    final double[] latest;

    Aggregator(GraphFunction f) {
      this.f = f;
      sums = new double[f.metricValues.size()];
      counts = new double[sums.length];
      latest = new double[sums.length];
    }

    void add(int batch, float lossValue, float[] metricValues) {
      lossSum += (double) lossValue * batch;
      samples += batch;
      for (int i = 0; i < sums.length; i++) {
        long per = f.metricCounts.get(i);
        if (per == 0) {
          latest[i] = metricValues[i];
        } else {
          sums[i] += metricValues[i];
          counts[i] += (double) per * batch;
        }
      }
    }

    Map<String, Double> logs(String prefix) {
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put(prefix + "loss", samples == 0 ? Double.NaN : lossSum / samples);
      for (int i = 0; i < sums.length; i++) {
        Metric m = resolvedMetrics.get(i);
        double v = f.metricCounts.get(i) == 0 ? latest[i] : sums[i] / counts[i];
        if (m.sqrtOfMean()) v = Math.sqrt(v);
        logs.put(prefix + m.name(), v);
      }
      return logs;
    }
  }

  private void resetStatefulMetrics() {
    runtime().runTargets(new ArrayList<>(statefulResets.values()));
  }

  /** Runs one train or test step; returns [loss, metric values...]. */
  private float[] runStep(GraphFunction f, TFloat32 xb, TFloat32 yb) {
    Session.Runner r = runtime().runner(xb.shape().get(0)).feed(f.x, xb).feed(f.y, yb);
    if (f.kind == GraphFunction.Kind.TRAIN) optimizer.feed(r);
    r.fetch(f.loss);
    for (Operand<TFloat32> m : f.metricValues) r.fetch(m);
    for (Op t : f.targets) r.addTarget(t);
    try (Result res = r.run()) {
      float[] out = new float[1 + f.metricValues.size()];
      for (int i = 0; i < out.length; i++) out[i] = ((TFloat32) res.get(i)).getFloat();
      return out;
    }
  }

  private FloatArray runPredict(GraphFunction f, TFloat32 xb) {
    Session.Runner r = runtime().runner(xb.shape().get(0)).feed(f.x, xb).fetch(f.output);
    for (Op t : f.targets) r.addTarget(t);
    try (Result res = r.run()) {
      return FloatArray.fromTensor((TFloat32) res.get(0));
    }
  }

  // ----- fit -----

  public History fit(Object x, Object y) {
    return fit(x, y, new FitOptions());
  }

  /** Keras's {@code fit}. Returns the History of per-epoch logs. */
  public History fit(Object x, Object y, FitOptions options) {
    requireCompiled("fit");
    FloatArray xa = FloatArray.of(x);
    FloatArray ya = FloatArray.of(y);
    ensureBuilt(xa);
    checkInput(xa, "x");
    checkTargets(xa, ya, "fit");
    FloatArray vx = null;
    FloatArray vy = null;
    if (options.validationX != null) {
      vx = FloatArray.of(options.validationX);
      vy = FloatArray.of(options.validationY);
      checkInput(vx, "validation x");
      checkTargets(vx, vy, "validation data");
    } else if (options.validationSplit > 0) {
      int split = (int) (xa.length() * (1 - options.validationSplit));
      if (split <= 0 || split >= xa.length()) {
        throw new IllegalArgumentException("validation_split " + options.validationSplit + " leaves no training or no validation samples out of " + xa.length());
      }
      vx = xa.slice(split, xa.length());
      vy = ya.slice(split, ya.length());
      xa = xa.slice(0, split);
      ya = ya.slice(0, split);
    }
    int n = xa.length();
    if (n == 0) throw new IllegalArgumentException("fit: x has no samples");
    int batchSize = Math.min(options.batchSize, n);
    if (fixedBatchSize() > 0) batchSize = options.batchSizeSet ? options.batchSize : (int) fixedBatchSize();
    checkBatch(batchSize, n, "fit");
    if (vx != null) checkBatch(batchSize, vx.length(), "validation data");
    int steps = (n + batchSize - 1) / batchSize;

    GraphFunction f = function(GraphFunction.Kind.TRAIN, xa, ya);
    History history = new History();
    // Keras's order: the user's callbacks first, then History and the progress bar, so that what
    // a callback adds to the epoch logs (LearningRateScheduler's "learning_rate") is recorded.
    List<Callback> cbs = new ArrayList<>(options.callbacks);
    cbs.add(history);
    if (options.verbose > 0) cbs.add(new ProgbarLogger(options.verbose, options.epochs, steps));
    CallbackList callbacks = new CallbackList(cbs, this);
    if (shuffleRandom == null) shuffleRandom = new Random(Keras.nextSeed());

    stopTraining = false;
    callbacks.onTrainBegin(new LinkedHashMap<>());
    Map<String, Double> epochLogs = new LinkedHashMap<>();
    int[] order = new int[n];
    for (int epoch = options.initialEpoch; epoch < options.epochs && !stopTraining; epoch++) {
      callbacks.onEpochBegin(epoch, new LinkedHashMap<>());
      for (int i = 0; i < n; i++) order[i] = i;
      if (options.shuffle) shuffle(order);
      resetStatefulMetrics();
      Aggregator agg = new Aggregator(f);
      try (Batches batches = new Batches(xa, ya, order, batchSize, options.prefetch)) {
        for (int step = 0; step < steps; step++) {
          callbacks.onBatchBegin(step, Map.of());
          float[] v;
          long samples;
          try (Batches.Batch b = batches.next()) {
            samples = b.x().shape().get(0);
            v = runStep(f, b.x(), b.y());
          }
          agg.add((int) samples, v[0], Arrays.copyOfRange(v, 1, v.length));
          callbacks.onBatchEnd(step, agg.logs(""));
          if (stopTraining) break;
        }
      }
      epochLogs = agg.logs("");
      if (vx != null && !stopTraining) {
        epochLogs.putAll(evaluateArrays(vx, vy, batchSize, "val_", null));
      }
      callbacks.onEpochEnd(epoch, epochLogs);
    }
    callbacks.onTrainEnd(epochLogs);
    return history;
  }

  private void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = shuffleRandom.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Asks fit to stop after the current batch (Keras's {@code model.stop_training = True}). */
  public void stopTraining(boolean stop) {
    this.stopTraining = stop;
  }

  public boolean stopTraining() {
    return stopTraining;
  }

  // ----- evaluate / predict -----

  /** Keras's {@code evaluate(x, y, return_dict=True)} with batch size 32 (a stateful model: its fixed batch size). */
  public Map<String, Double> evaluate(Object x, Object y) {
    return evaluate(x, y, defaultBatchSize());
  }

  public Map<String, Double> evaluate(Object x, Object y, int batchSize) {
    requireCompiled("evaluate");
    FloatArray xa = FloatArray.of(x);
    FloatArray ya = FloatArray.of(y);
    ensureBuilt(xa);
    checkInput(xa, "x");
    checkTargets(xa, ya, "evaluate");
    return evaluateArrays(xa, ya, batchSize, "", null);
  }

  private Map<String, Double> evaluateArrays(FloatArray xa, FloatArray ya, int batchSize, String prefix, CallbackList cb) {
    int n = xa.length();
    int bs = fixedBatchSize() > 0 ? batchSize : Math.max(1, Math.min(batchSize, n));
    checkBatch(bs, n, "evaluate");
    GraphFunction f = function(GraphFunction.Kind.TEST, xa, ya);
    resetStatefulMetrics();
    Aggregator agg = new Aggregator(f);
    for (int from = 0; from < n; from += bs) {
      int to = Math.min(n, from + bs);
      try (TFloat32 xb = xa.sliceTensor(from, to); TFloat32 yb = ya.sliceTensor(from, to)) {
        float[] v = runStep(f, xb, yb);
        agg.add(to - from, v[0], Arrays.copyOfRange(v, 1, v.length));
      }
    }
    return agg.logs(prefix);
  }

  /** Keras's default batch size: 32, or the fixed batch size of a stateful model. */
  private int defaultBatchSize() {
    return fixedBatchSize() > 0 ? (int) fixedBatchSize() : 32;
  }

  /** Keras's {@code predict} with batch size 32 (a stateful model: its fixed batch size). */
  public FloatArray predict(Object x) {
    return predict(x, defaultBatchSize());
  }

  public FloatArray predict(Object x, int batchSize) {
    FloatArray xa = FloatArray.of(x);
    ensureBuilt(xa);
    checkInput(xa, "x");
    int n = xa.length();
    int bs = fixedBatchSize() > 0 ? batchSize : Math.max(1, Math.min(batchSize, n));
    checkBatch(bs, n, "predict");
    GraphFunction f = function(GraphFunction.Kind.PREDICT, xa, null);
    long[] outShape = computeOutputShape(withBatch(xa.shape(), n));
    float[] out = new float[Math.toIntExact(Shapes.product(outShape))];
    int rowOut = n == 0 ? 0 : out.length / n;
    for (int from = 0; from < n; from += bs) {
      int to = Math.min(n, from + bs);
      try (TFloat32 xb = xa.sliceTensor(from, to)) {
        FloatArray p = runPredict(f, xb);
        System.arraycopy(p.data(), 0, out, from * rowOut, (to - from) * rowOut);
      }
    }
    return new FloatArray(out, outShape);
  }

  /** Keras's {@code train_on_batch}: one update on exactly these samples; returns the logs. */
  public Map<String, Double> trainOnBatch(Object x, Object y) {
    requireCompiled("trainOnBatch");
    FloatArray xa = FloatArray.of(x);
    FloatArray ya = FloatArray.of(y);
    ensureBuilt(xa);
    checkInput(xa, "x");
    checkTargets(xa, ya, "trainOnBatch");
    checkBatch(xa.length(), xa.length(), "trainOnBatch");
    GraphFunction f = function(GraphFunction.Kind.TRAIN, xa, ya);
    resetStatefulMetrics();
    Aggregator agg = new Aggregator(f);
    try (TFloat32 xb = xa.sliceTensor(0, xa.length()); TFloat32 yb = ya.sliceTensor(0, ya.length())) {
      float[] v = runStep(f, xb, yb);
      agg.add(xa.length(), v[0], Arrays.copyOfRange(v, 1, v.length));
    }
    return agg.logs("");
  }

  /** Keras's {@code test_on_batch}. */
  public Map<String, Double> testOnBatch(Object x, Object y) {
    requireCompiled("testOnBatch");
    FloatArray xa = FloatArray.of(x);
    FloatArray ya = FloatArray.of(y);
    ensureBuilt(xa);
    checkInput(xa, "x");
    checkTargets(xa, ya, "testOnBatch");
    return evaluateArrays(xa, ya, Math.max(1, xa.length()), "", null);
  }

  /** Keras's {@code predict_on_batch}. */
  public FloatArray predictOnBatch(Object x) {
    FloatArray xa = FloatArray.of(x);
    return predict(xa, Math.max(1, xa.length()));
  }

  /** Resets the states of every stateful layer (Keras's {@code model.reset_states()}). */
  public void resetStates() {
    for (Layer<?> l : layers()) l.resetStates();
  }

  // ----- weights -----

  /** All weights, layer by layer, in Keras's {@code model.weights} order. */
  public List<Weight> weights() {
    List<Weight> r = new ArrayList<>();
    for (Layer<?> l : layers()) r.addAll(l.weights());
    return r;
  }

  public List<Weight> trainableWeights() {
    List<Weight> r = new ArrayList<>();
    for (Layer<?> l : layers()) r.addAll(l.trainableWeights());
    return r;
  }

  public List<FloatArray> getWeights() {
    List<FloatArray> r = new ArrayList<>();
    for (Weight w : weights()) r.add(w.value());
    return r;
  }

  /** Keras's {@code set_weights}: one value per weight, in {@link #weights()} order. */
  public void setWeights(List<FloatArray> values) {
    List<Weight> ws = weights();
    if (values.size() != ws.size()) {
      throw new IllegalArgumentException("model " + name() + " has " + ws.size() + " weights but " + values.size() + " values were given");
    }
    for (int i = 0; i < ws.size(); i++) ws.get(i).assign(values.get(i));
  }

  /**
   * The optimizer's state in Keras 3's layout ({@code optimizer.variables}: iteration,
   * learning_rate, then the slots of {@link #trainableWeights()}). Before the first training
   * step it is the state the optimizer will start from.
   */
  public OptimizerState optimizerState() {
    requireCompiled("its optimizer state is read");
    List<Weight> t = trainableWeights();
    return optimizer.state(optimizer.isBound() ? runtime().session() : null, paths(t), shapes(t));
  }

  /**
   * Restores the optimizer's state (as {@link #optimizerState()} gives it, or as read from a
   * Keras file), learning rate included, so that training resumes where it stopped. Checked
   * against the trainable weights first; written into the slots now, or when the first train
   * function creates them.
   */
  public void setOptimizerState(OptimizerState state) {
    requireCompiled("its optimizer state is set");
    if (!isBuilt()) throw new IllegalStateException("model " + name() + " must be built before its optimizer state is set");
    List<Weight> t = trainableWeights();
    ModelRuntime rt = runtime();
    optimizer.setState(state, paths(t), shapes(t), rt.tf(), optimizer.isBound() ? rt.session() : null);
  }

  private static List<String> paths(List<Weight> ws) {
    List<String> r = new ArrayList<>();
    for (Weight w : ws) r.add(w.path());
    return r;
  }

  private static List<long[]> shapes(List<Weight> ws) {
    List<long[]> r = new ArrayList<>();
    for (Weight w : ws) r.add(w.shape());
    return r;
  }

  public long countParams() {
    long n = 0;
    for (Layer<?> l : layers()) n += l.countParams();
    return n;
  }

  /** Frees the graph, session and every native buffer of this model. */
  @Override
  public void close() {
    if (optimizer != null) optimizer.release();
    if (runtime != null) runtime.close();
    functions.clear();
  }

  /**
   * Writes this model as a TensorFlow SavedModel in {@code dir}: tag "serve", signature
   * "serving_default", through {@link ModelSaving}.
   */
  public void export(Path dir) throws IOException {
    export(dir, new ExportOptions());
  }

  /** {@link #export(Path)} with options, e.g. Keras 3's output name {@code output_0}. */
  public void export(Path dir, ExportOptions options) throws IOException {
    ModelSaving.get().export(this, dir, options);
  }

  /** A jkeras model directory (with a SavedModel inside if asked), as {@code ModelCheckpoint} writes it. */
  @Override
  public void saveCheckpoint(Path dir, boolean withSavedModel) {
    ModelSaving.get().saveCheckpoint(this, dir, withSavedModel);
  }

  /** The forward pass as a function, for code that builds its own graphs of this model (export). */
  public BiFunction<CallContext, Operand<TFloat32>, Operand<TFloat32>> forwardFunction() {
    return this::forward;
  }

  /** Used by Tensor-level APIs that need the session (export, benchmarks). */
  public Session session() {
    return runtime().session();
  }

}
