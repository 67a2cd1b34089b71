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
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Preprocessing;
import io.jkeras.losses.Loss;
import io.jkeras.losses.Losses;
import io.jkeras.metrics.Metrics;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.optimizers.OptimizerState;
import io.jkeras.optimizers.Optimizers;
import io.jkeras.models.ExportOptions;
import io.jkeras.utils.ResourceBudget;
import io.jkeras.utils.ShapeMath;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * What every model does (Keras's {@code Model} / trainer): compile, fit, evaluate, predict and the
 * per-batch variants, weights and optimizer state. The work behind them has its own classes, as in
 * Keras 3: {@code InputChecks} checks the data, {@code StepFunctions} builds the train, test and
 * predict functions into the model's TensorFlow graph (once per kind and input shape) and runs
 * them, and {@code CompileMetrics} adds the compiled metrics and averages them into the logs.
 */
public abstract class Model implements AutoCloseable, CallbackModel {
  private ModelRuntime runtime;
  private Optimizer optimizer;
  private CompileLoss losses;
  private final CompileMetrics metrics = new CompileMetrics();
  private final StepFunctions functions = new StepFunctions(this, metrics);
  private final InputChecks checks = new InputChecks(this);
  private volatile boolean stopTraining;
  private boolean closed;
  private Random shuffleRandom;

  // ----- Functional models -----

  /** Keras's {@code Model(inputs, outputs)}: a Functional model of the layer calls from {@code input} to {@code output}. */
  public static Functional of(KerasTensor input, KerasTensor output) {
    return new Functional(List.of(input), List.of(output), null);
  }

  /** {@link #of(KerasTensor, KerasTensor)} with several inputs and outputs, in order. */
  public static Functional of(List<KerasTensor> inputs, List<KerasTensor> outputs) {
    return new Functional(inputs, outputs, null);
  }

  /** A named Functional model. */
  public static Functional of(List<KerasTensor> inputs, List<KerasTensor> outputs, String name) {
    return new Functional(inputs, outputs, name);
  }

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

  // ----- several inputs or outputs (a Functional model overrides these; one of each by default) -----

  /** Keras's {@code model.get_layer(name)}. */
  public Layer<?> getLayer(String layerName) {
    for (Layer<?> l : layers()) if (l.name().equals(layerName)) return l;
    throw new IllegalArgumentException("model " + name() + " has no layer '" + layerName + "'");
  }

  /** How many inputs the model takes. */
  public int inputCount() {
    return 1;
  }

  /** How many outputs the model gives. */
  public int outputCount() {
    return 1;
  }

  /** The inputs' names (Keras's {@code model.input_names}): the keys of data given as a map. */
  public abstract List<String> inputNames();

  /** The outputs' names (Keras's {@code model.output_names}): the output layers' names. */
  public List<String> outputNames() {
    return List.of(layers().get(layers().size() - 1).name());
  }

  /** Each input's shape with batch (declared, else as built), or null where unknown. */
  public List<long[]> inputSpecs() {
    long[] s = inputBatchShape() != null ? inputBatchShape() : layers().get(0).builtInputShape();
    return Collections.singletonList(s);
  }

  /** The first layer fed by input {@code i} (it checks raw data: an Embedding its ids), or null. */
  public Layer<?> firstLayerOf(int i) {
    return layers().get(0);
  }

  /** Builds every layer for the inputs' shapes. */
  protected void buildLayers(ModelRuntime runtime, List<long[]> batchInputShapes) {
    buildLayers(runtime, batchInputShapes.get(0));
  }

  /** The forward pass from every input to every output. */
  protected List<Operand<TFloat32>> forwardAll(CallContext ctx, List<Operand<TFloat32>> inputs) {
    return List.of(forward(ctx, inputs.get(0)));
  }

  /** The outputs' shapes (batch first) for the inputs' shapes. */
  public List<long[]> computeOutputShapes(List<long[]> batchInputShapes) {
    return List.of(computeOutputShape(batchInputShapes.get(0)));
  }

  // ----- building -----

  /** The model's TensorFlow state, created on first build. */
  public final ModelRuntime runtime() {
    if (closed || runtime != null && runtime.isClosed()) throw new IllegalStateException("model " + name() + " has been closed");
    if (runtime == null) runtime = new ModelRuntime();
    return runtime;
  }

  /**
   * Runs this model in {@code shared}, the runtime its already-built layers live in (a model made
   * from layers of another model, such as an encoder taken out of a trained seq2seq model).
   */
  /** Whether this model has its runtime yet (without creating one). */
  boolean hasRuntime() {
    return runtime != null;
  }

  void shareRuntime(ModelRuntime shared) {
    if (runtime != null) throw new IllegalStateException("model " + name() + " already has its runtime");
    runtime = shared.share();
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

  /** Builds the model, if need be, for its declared input shapes or else the shapes of {@code xs}. */
  void ensureBuilt(List<FloatArray> xs) {
    runtime();
    if (isBuilt()) return;
    if (layers().isEmpty()) throw new IllegalStateException("model " + name() + " has no layers");
    List<long[]> declared = inputSpecs();
    List<long[]> shapes = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      long[] d = declared.get(i);
      shapes.add(d != null ? d : Shapes.withBatch(-1, Shapes.dropBatch(xs.get(i).shape())));
    }
    buildLayers(runtime(), shapes);
  }

  /** Fixed batch size of a stateful model, or -1. */
  long fixedBatchSize() {
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
    checkOptimizer(optimizer);
    for (String m : metrics) Metrics.check(m);
    this.optimizer = optimizer;
    this.losses = CompileLoss.of(loss);
    this.metrics.compile(List.of(metrics));
    // Functions built for the previous loss/metrics are stale.
    functions.dropCompiled();
  }

  /**
   * Keras's {@code compile} for a model with several outputs, by output name: {@code losses} maps
   * each output to a loss (a {@link Loss} or its name), {@code lossWeights} (may be null) weights
   * each output's loss in the total, {@code metrics} (may be null) lists each output's metrics.
   */
  public void compile(Optimizer optimizer, Map<String, ?> losses, Map<String, Double> lossWeights,
      Map<String, List<String>> metrics) {
    List<Object> l = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    List<List<String>> ms = new ArrayList<>();
    CompileLoss.byName(this, losses, lossWeights, metrics, l, w, ms);
    compile(optimizer, l, w, ms);
  }

  /** {@link #compile(Optimizer, Map, Map, Map)} with lists in the outputs' order. */
  public void compile(Optimizer optimizer, List<?> losses, List<Double> lossWeights, List<List<String>> metrics) {
    if (optimizer == null || losses == null) throw new IllegalArgumentException("compile needs an optimizer and a loss");
    CompileLoss resolved = CompileLoss.of(this, losses, lossWeights, metrics);
    checkOptimizer(optimizer);
    if (metrics != null) for (List<String> ms : metrics) if (ms != null) for (String m : ms) Metrics.check(m);
    this.optimizer = optimizer;
    this.losses = resolved;
    this.metrics.compilePerOutput(metrics == null ? List.of() : metrics);
    functions.dropCompiled();
  }

  private void checkOptimizer(Optimizer optimizer) {
    if (this.optimizer != null && this.optimizer != optimizer && this.optimizer.isBound()) {
      throw new IllegalStateException("model " + name() + " was already trained with another optimizer; "
          + "recompiling with a new optimizer is not supported yet");
    }
  }

  /** The loss of each output, in order (with one loss compiled, that loss for every output). */
  public List<Loss> losses() {
    List<Loss> r = new ArrayList<>();
    for (int o = 0; o < outputCount(); o++) r.add(lossFor(o));
    return r;
  }

  /** True when compiled with a loss per output (Keras's dict or list form). */
  public boolean hasLossPerOutput() {
    return losses != null && losses.perOutput();
  }

  /** The weight of each output's loss, or null when none were given (all 1). */
  public List<Double> lossWeights() {
    return losses == null ? null : losses.weights();
  }

  /** The metric names compiled for output {@code o}, as given to compile (not prefixed). */
  public List<String> metricsOf(int o) {
    return metrics.namesFor(o);
  }

  /** The loss of output {@code o} (in {@link #outputNames()} order). */
  public Loss lossFor(int o) {
    return losses == null ? null : losses.lossFor(o);
  }

  /** The weight of output {@code o}'s loss in the total (Keras's {@code loss_weights}; 1 by default). */
  double lossWeightFor(int o) {
    return losses.weightFor(o);
  }

  public boolean isCompiled() {
    return optimizer != null;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public Loss loss() {
    return losses == null ? null : losses.loss();
  }

  public List<String> metricNames() {
    return metrics.names(outputCount() > 1 ? outputNames() : List.of(""));
  }

  void requireCompiled(String what) {
    if (optimizer == null) {
      throw new IllegalStateException("model " + name() + " must be compiled before " + what + ": call compile(optimizer, loss)");
    }
  }

  // ----- fit -----

  public History fit(Object x, Object y) {
    return fit(x, y, new FitOptions());
  }

  /** Keras's {@code fit}. Returns the History of per-epoch logs. */
  public History fit(Object x, Object y, FitOptions options) {
    InputChecks.Data data = checks.inputsAndTargets("fit", x, y);
    try {
      return fitArrays(data, options);
    } finally {
      if (isBuilt()) runtime().markWeightsChanged(); // training changed the weights: predict checks them again
    }
  }

  private History fitArrays(InputChecks.Data data, FitOptions options) {
    List<FloatArray> xa = data.xs();
    List<FloatArray> ya = data.ys();
    List<FloatArray> vx = null;
    List<FloatArray> vy = null;
    if (options.validationX != null) {
      vx = checks.arrays(options.validationX, inputCount(), this::inputNames, "validation x", "input", "fit");
      vy = checks.arrays(options.validationY, outputCount(), this::outputNames, "validation y", "output", "fit");
      checks.inputsAndTargets(vx, vy, "validation x", "validation data");
    } else if (options.validationSplit > 0) {
      int total = xa.get(0).length();
      int split = (int) (total * (1 - options.validationSplit));
      if (split <= 0 || split >= total) {
        throw new IllegalArgumentException("validation_split " + options.validationSplit + " leaves no training or no validation samples out of " + total);
      }
      vx = slices(xa, split, total);
      vy = slices(ya, split, total);
      xa = slices(xa, 0, split);
      ya = slices(ya, 0, split);
    }
    int n = xa.get(0).length();
    if (n == 0) throw new IllegalArgumentException("fit: x has no samples");
    int batchSize = Math.min(options.batchSize, n);
    if (fixedBatchSize() > 0) batchSize = options.batchSizeSet ? options.batchSize : (int) fixedBatchSize();
    checks.batch(batchSize, n, "fit");
    if (vx != null) checks.batch(batchSize, vx.get(0).length(), "validation data");
    int steps = (n + batchSize - 1) / batchSize;

    GraphFunction f = functions.get(GraphFunction.Kind.TRAIN, xa, ya);
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
      CompileMetrics.Tracker agg = metrics.track(f, runtime());
      try (Batches batches = new Batches(xa, ya, order, batchSize, options.prefetch)) {
        for (int step = 0; step < steps; step++) {
          callbacks.onBatchBegin(step, Map.of());
          float[] v;
          long samples;
          try (Batches.Batch b = batches.next()) {
            samples = b.x().shape().get(0);
            v = functions.run(f, b.xs(), b.ys());
          }
          agg.add((int) samples, v);
          callbacks.onBatchEnd(step, agg.logs(""));
          if (stopTraining) break;
        }
      }
      epochLogs = agg.logs("");
      if (vx != null && !stopTraining) {
        epochLogs.putAll(evaluateArrays(vx, vy, batchSize, "val_"));
      }
      callbacks.onEpochEnd(epoch, epochLogs);
    }
    callbacks.onTrainEnd(epochLogs);
    return history;
  }

  private static List<FloatArray> slices(List<FloatArray> as, int from, int to) {
    List<FloatArray> r = new ArrayList<>();
    for (FloatArray a : as) r.add(a.slice(from, to));
    return r;
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
    InputChecks.Data data = checks.inputsAndTargets("evaluate", x, y);
    return evaluateArrays(data.xs(), data.ys(), batchSize, "");
  }

  private Map<String, Double> evaluateArrays(List<FloatArray> xa, List<FloatArray> ya, int batchSize, String prefix) {
    int n = xa.get(0).length();
    int bs = checks.batchSize(batchSize, n, "evaluate");
    GraphFunction f = functions.get(GraphFunction.Kind.TEST, xa, ya);
    CompileMetrics.Tracker agg = metrics.track(f, runtime());
    for (int from = 0; from < n; from += bs) {
      int to = Math.min(n, from + bs);
      try (Batches.Batch b = Batches.Batch.slice(xa, ya, from, to)) {
        agg.add(to - from, functions.run(f, b.xs(), b.ys()));
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
    if (outputCount() != 1) {
      throw new IllegalArgumentException("predict: model " + name() + " has " + outputCount() + " outputs ("
          + String.join(", ", outputNames()) + "): use predictMulti");
    }
    return predictMulti(x, batchSize).get(0);
  }

  /** Keras's {@code predict} for a model with several outputs: one array per output, in order. */
  public List<FloatArray> predictMulti(Object x) {
    return predictMulti(x, defaultBatchSize());
  }

  public List<FloatArray> predictMulti(Object x, int batchSize) {
    List<FloatArray> xa = checks.inputs(x);
    int n = xa.get(0).length();
    int bs = checks.batchSize(batchSize, n, "predict");
    List<long[]> in = new ArrayList<>();
    for (FloatArray a : xa) in.add(Shapes.withBatch(n, Shapes.dropBatch(a.shape())));
    List<long[]> outShapes = computeOutputShapes(in);
    // the outputs are allocated whole: checked against the budget before the graph is even built
    List<Integer> outSizes = new ArrayList<>();
    for (int o = 0; o < outShapes.size(); o++) {
      long[] s = outShapes.get(o);
      s[0] = n;
      String what = "predict on model " + name() + ": output " + (outShapes.size() == 1 ? "" : o + " ") + "for " + n + " samples";
      outSizes.add(ShapeMath.toIntSize(ResourceBudget.current().checkTensor(what, s, Float.BYTES), what));
    }
    checkFinite(xa);
    GraphFunction f = functions.get(GraphFunction.Kind.PREDICT, xa, null);
    List<float[]> outs = new ArrayList<>();
    for (int size : outSizes) outs.add(new float[size]);
    for (int from = 0; from < n; from += bs) {
      int to = Math.min(n, from + bs);
      try (Batches.Batch b = Batches.Batch.slice(xa, List.of(), from, to)) {
        List<FloatArray> p = functions.predict(f, b.xs());
        for (int o = 0; o < outs.size(); o++) {
          int rowOut = outs.get(o).length / n;
          System.arraycopy(p.get(o).data(), 0, outs.get(o), from * rowOut, (to - from) * rowOut);
        }
      }
    }
    List<FloatArray> r = new ArrayList<>();
    for (int o = 0; o < outs.size(); o++) r.add(new FloatArray(outs.get(o), outShapes.get(o)));
    return r;
  }

  // ----- non-finite values (NonFinite) -----

  private NonFinite.Policy nonFinitePolicy = NonFinite.Policy.fromSystemProperty();
  private long finiteCheckedVersion = -1;
  private List<String> weightProblems = List.of();

  /** What predict does about NaN/infinite inputs and weights (default: warn, or {@code -Djkeras.nonFinite}). */
  public Model nonFinitePolicy(NonFinite.Policy policy) {
    if (policy == null) throw new IllegalArgumentException("policy is null");
    this.nonFinitePolicy = policy;
    return this;
  }

  public NonFinite.Policy nonFinitePolicy() {
    return nonFinitePolicy;
  }

  /** Applies the policy to the inputs and (once per change of their values) the weights. */
  private void checkFinite(List<FloatArray> xa) {
    if (nonFinitePolicy == NonFinite.Policy.IGNORE) return;
    List<String> problems = new ArrayList<>();
    List<String> names = inputNames();
    for (int i = 0; i < xa.size(); i++) {
      String label = xa.size() == 1 ? "the input" : "input '" + (i < names.size() ? names.get(i) : String.valueOf(i)) + "'";
      problems.add(NonFinite.describe(label, xa.get(i)));
    }
    long version = runtime().weightsVersion();
    if (version != finiteCheckedVersion) {
      List<String> w = new ArrayList<>();
      runtime().readEach(weights(), (weight, value) -> {
        String p = NonFinite.describe("weight " + weight.path(), value);
        if (p != null) w.add(p.replaceFirst(" \\(first at sample \\d+\\)$", ""));
      });
      weightProblems = w;
      finiteCheckedVersion = version;
    }
    problems.addAll(weightProblems);
    NonFinite.report(nonFinitePolicy, "predict on model " + name(), problems);
  }

  /** Keras's {@code train_on_batch}: one update on exactly these samples; returns the logs. */
  public Map<String, Double> trainOnBatch(Object x, Object y) {
    InputChecks.Data data = checks.inputsAndTargets("trainOnBatch", x, y);
    if (isBuilt()) runtime().markWeightsChanged();
    List<FloatArray> xa = data.xs();
    List<FloatArray> ya = data.ys();
    int n = xa.get(0).length();
    checks.batch(n, n, "trainOnBatch");
    GraphFunction f = functions.get(GraphFunction.Kind.TRAIN, xa, ya);
    CompileMetrics.Tracker agg = metrics.track(f, runtime());
    try (Batches.Batch b = Batches.Batch.slice(xa, ya, 0, n)) {
      agg.add(n, functions.run(f, b.xs(), b.ys()));
    }
    return agg.logs("");
  }

  /** Keras's {@code test_on_batch}. */
  public Map<String, Double> testOnBatch(Object x, Object y) {
    InputChecks.Data data = checks.inputsAndTargets("testOnBatch", x, y);
    return evaluateArrays(data.xs(), data.ys(), Math.max(1, data.xs().get(0).length()), "");
  }

  /** Keras's {@code predict_on_batch}. */
  public FloatArray predictOnBatch(Object x) {
    if (inputCount() > 1) return predict(x, Math.max(1, checks.inputs(x).get(0).length()));
    if (firstLayerOf(0) instanceof Preprocessing) {
      FloatArray ids = checks.inputs(x).get(0); // raw text: encoded by the layer
      return predict(ids, Math.max(1, ids.length()));
    }
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

  /** Keras's {@code get_weights}: each layer's values, in {@link #weights()} order. */
  public List<FloatArray> getWeights() {
    List<FloatArray> r = new ArrayList<>();
    for (Layer<?> l : layers()) r.addAll(l.getWeights());
    return r;
  }

  /** Keras's {@code set_weights}: one value per weight, in {@link #weights()} order. */
  public void setWeights(List<FloatArray> values) {
    List<Weight> ws = weights();
    if (values.size() != ws.size()) {
      throw new IllegalArgumentException("model " + name() + " has " + ws.size() + " weights but " + values.size() + " values were given");
    }
    // Each layer takes its own run of the values (the count is right, so only shapes are checked).
    int from = 0;
    for (Layer<?> l : layers()) {
      int n = l.weights().size();
      l.setWeights(values.subList(from, from + n));
      from += n;
    }
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
    if (closed) return;
    closed = true;
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

  /**
   * The forward pass from every input to every output, in {@link #inputNames()} and
   * {@link #outputNames()} order, for code that builds its own graphs of any model (export).
   */
  public BiFunction<CallContext, List<Operand<TFloat32>>, List<Operand<TFloat32>>> forwardAllFunction() {
    return this::forwardAll;
  }

  /** Used by Tensor-level APIs that need the session (export, benchmarks). */
  public Session session() {
    return runtime().session();
  }

}
