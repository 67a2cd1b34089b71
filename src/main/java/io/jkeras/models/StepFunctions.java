package io.jkeras.models;

import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.data.FloatArray;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
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
 * A model's train, test and predict functions (Keras 3's {@code make_train_function} and kin):
 * each built into the model's graph once per (kind, input shape) and cached, so training never
 * rebuilds graphs per step; a new sequence length gets its own function, sharing the weights and
 * optimizer slots. Also runs one step of a function on one batch.
 */
final class StepFunctions {
  private final Model model;
  private final CompileMetrics metrics;
  private final Map<String, GraphFunction> cache = new ConcurrentHashMap<>();

  StepFunctions(Model model, CompileMetrics metrics) {
    this.model = model;
    this.metrics = metrics;
  }

  /** The function of {@code kind} for inputs shaped like {@code xs} (and targets like {@code ys}; null to predict). */
  GraphFunction get(GraphFunction.Kind kind, List<FloatArray> xs, List<FloatArray> ys) {
    StringBuilder key = new StringBuilder(kind.name());
    for (FloatArray x : xs) key.append(Arrays.toString(Shapes.dropBatch(x.shape())));
    if (ys != null) {
      key.append('/');
      for (FloatArray y : ys) key.append(Arrays.toString(Shapes.dropBatch(y.shape())));
    }
    // Building adds ops to the graph through each layer's call (which is not reentrant), so
    // concurrent first calls (predict from many threads) build one at a time, under the runtime's
    // lock: models that share layers share that runtime.
    synchronized (model.runtime()) {
      GraphFunction f = cache.get(key.toString());
      if (f == null) {
        f = build(kind, shapes(xs), ys == null ? null : shapes(ys));
        cache.put(key.toString(), f);
      }
      return f;
    }
  }

  private static List<long[]> shapes(List<FloatArray> as) {
    List<long[]> r = new ArrayList<>();
    for (FloatArray a : as) r.add(a.shape());
    return r;
  }

  /** Forgets the train and test functions, built for the previous loss and metrics (on recompile). */
  void dropCompiled() {
    cache.values().removeIf(f -> f.kind != GraphFunction.Kind.PREDICT);
  }

  void clear() {
    cache.clear();
  }

  /** Runs one train or test step; returns [loss, output losses..., metric values...]. */
  float[] run(GraphFunction f, List<TFloat32> xb, List<TFloat32> yb) {
    Session.Runner r = model.runtime().runner(xb.get(0).shape().get(0));
    for (int i = 0; i < xb.size(); i++) r.feed(f.xs.get(i), xb.get(i));
    for (int i = 0; i < yb.size(); i++) r.feed(f.ys.get(i), yb.get(i));
    if (f.kind == GraphFunction.Kind.TRAIN) model.optimizer().feed(r);
    r.fetch(f.loss);
    for (Operand<TFloat32> l : f.outputLosses) r.fetch(l);
    for (Operand<TFloat32> m : f.metricValues) r.fetch(m);
    for (Op t : f.targets) r.addTarget(t);
    try (Result res = r.run()) {
      float[] out = new float[1 + f.outputLosses.size() + f.metricValues.size()];
      for (int i = 0; i < out.length; i++) out[i] = ((TFloat32) res.get(i)).getFloat();
      return out;
    }
  }

  /** Runs the predict function on one batch: one array per model output. */
  List<FloatArray> predict(GraphFunction f, List<TFloat32> xb) {
    Session.Runner r = model.runtime().runner(xb.get(0).shape().get(0));
    for (int i = 0; i < xb.size(); i++) r.feed(f.xs.get(i), xb.get(i));
    for (Operand<TFloat32> o : f.outputs) r.fetch(o);
    for (Op t : f.targets) r.addTarget(t);
    try (Result res = r.run()) {
      List<FloatArray> out = new ArrayList<>();
      for (int i = 0; i < f.outputs.size(); i++) out.add(FloatArray.fromTensor((TFloat32) res.get(i)));
      return out;
    }
  }

  // ----- building -----

  /** A placeholder's shape: the data's, with the fixed batch size of a stateful model or an open one. */
  private long[] placeholderShape(long[] dataShape) {
    return Shapes.withBatch(model.fixedBatchSize() > 0 ? model.fixedBatchSize() : -1, Shapes.dropBatch(dataShape));
  }

  private GraphFunction build(GraphFunction.Kind kind, List<long[]> xShapes, List<long[]> yShapes) {
    ModelRuntime rt = model.runtime();
    Ops tf = rt.tf().withSubScope(kind.name().toLowerCase());
    GraphFunction f = new GraphFunction(kind);
    for (int i = 0; i < xShapes.size(); i++) {
      f.xs.add(tf.withName(i == 0 ? "x" : "x_" + i).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(placeholderShape(xShapes.get(i))))));
    }
    CallContext ctx = new CallContext(rt, rt.tf(), kind == GraphFunction.Kind.TRAIN);
    // Fetched through an Identity: a model that passes its input through (Dropout at inference)
    // must not fetch its own feed. Loss and metrics see the raw output, whose Softmax/Sigmoid op
    // tells them to work from the logits, as Keras 3 does.
    List<Operand<TFloat32>> raws = model.forwardAll(ctx, new ArrayList<>(f.xs));
    for (int i = 0; i < raws.size(); i++) f.outputs.add(tf.withName(i == 0 ? "output" : "output_" + i).identity(raws.get(i)));
    if (kind == GraphFunction.Kind.PREDICT) {
      f.targets.addAll(ctx.stateUpdates());
      return f;
    }
    boolean several = raws.size() > 1;
    List<String> outputNames = several ? model.outputNames() : List.of();
    Operand<TFloat32> total = null;
    for (int o = 0; o < raws.size(); o++) {
      Placeholder<TFloat32> y = tf.withName(o == 0 ? "y" : "y_" + o).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(placeholderShape(yShapes.get(o)))));
      f.ys.add(y);
      Operand<TFloat32> lossO = model.lossFor(o).call(tf.withSubScope(o == 0 ? "loss" : "loss_" + o), y, raws.get(o));
      if (several) {
        f.outputLosses.add(lossO);
        f.outputLossNames.add(outputNames.get(o) + "_loss");
      }
      double w = model.lossWeightFor(o);
      Operand<TFloat32> weighted = w == 1.0 ? lossO : tf.math.mul(lossO, tf.constant((float) w));
      total = total == null ? weighted : tf.math.add(total, weighted);
    }
    f.loss = total;
    for (int o = 0; o < raws.size(); o++) {
      metrics.addTo(f, rt, tf, o, several ? outputNames.get(o) + "_" : "", f.ys.get(o), yShapes.get(o), raws.get(o));
    }
    f.loss = withRegularization(f.loss, tf, ctx);
    if (kind == GraphFunction.Kind.TRAIN) {
      addTrainStep(f, rt, ctx);
    } else {
      f.targets.addAll(ctx.stateUpdates());
    }
    return f;
  }

  /**
   * Weight regularization penalties and the losses layers added in {@code call} (activity
   * regularization) count in the reported loss, as in Keras.
   */
  private Operand<TFloat32> withRegularization(Operand<TFloat32> loss, Ops tf, CallContext ctx) {
    Operand<TFloat32> total = loss;
    for (Operand<TFloat32> l : ctx.losses()) total = tf.math.add(total, l);
    for (Weight w : model.weights()) {
      if (w.regularizer() == null) continue;
      Operand<TFloat32> read = ctx.reads().get(w);
      if (read == null) read = w.variable();
      total = tf.math.add(total, w.regularizer().call(tf.withSubScope("regularization"), read));
    }
    return total;
  }

  /** The update of a train function: gradients, the optimizer's step, constraints, then state updates. */
  private void addTrainStep(GraphFunction f, ModelRuntime rt, CallContext ctx) {
    List<Weight> trainable = model.trainableWeights();
    if (trainable.isEmpty()) throw new IllegalStateException("model " + model.name() + " has no trainable weights");
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
    Optimizer optimizer = model.optimizer();
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
  }
}
