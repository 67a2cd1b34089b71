package io.jkeras.models;

import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.data.FloatArray;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
  private final Map<String, GraphFunction> cache = new HashMap<>();

  StepFunctions(Model model, CompileMetrics metrics) {
    this.model = model;
    this.metrics = metrics;
  }

  /** The function of {@code kind} for inputs shaped like {@code x} (and targets like {@code y}; null to predict). */
  GraphFunction get(GraphFunction.Kind kind, FloatArray x, FloatArray y) {
    String key = kind + Arrays.toString(Shapes.dropBatch(x.shape()))
        + (y == null ? "" : Arrays.toString(Shapes.dropBatch(y.shape())));
    GraphFunction f = cache.get(key);
    if (f == null) {
      f = build(kind, x.shape(), y == null ? null : y.shape());
      cache.put(key, f);
    }
    return f;
  }

  /** Forgets the train and test functions, built for the previous loss and metrics (on recompile). */
  void dropCompiled() {
    cache.values().removeIf(f -> f.kind != GraphFunction.Kind.PREDICT);
  }

  void clear() {
    cache.clear();
  }

  /** Runs one train or test step; returns [loss, metric values...]. */
  float[] run(GraphFunction f, TFloat32 xb, TFloat32 yb) {
    Session.Runner r = model.runtime().runner(xb.shape().get(0)).feed(f.x, xb).feed(f.y, yb);
    if (f.kind == GraphFunction.Kind.TRAIN) model.optimizer().feed(r);
    r.fetch(f.loss);
    for (Operand<TFloat32> m : f.metricValues) r.fetch(m);
    for (Op t : f.targets) r.addTarget(t);
    try (Result res = r.run()) {
      float[] out = new float[1 + f.metricValues.size()];
      for (int i = 0; i < out.length; i++) out[i] = ((TFloat32) res.get(i)).getFloat();
      return out;
    }
  }

  /** Runs the predict function on one batch. */
  FloatArray predict(GraphFunction f, TFloat32 xb) {
    Session.Runner r = model.runtime().runner(xb.shape().get(0)).feed(f.x, xb).fetch(f.output);
    for (Op t : f.targets) r.addTarget(t);
    try (Result res = r.run()) {
      return FloatArray.fromTensor((TFloat32) res.get(0));
    }
  }

  // ----- building -----

  /** A placeholder's shape: the data's, with the fixed batch size of a stateful model or an open one. */
  private long[] placeholderShape(long[] dataShape) {
    return Shapes.withBatch(model.fixedBatchSize() > 0 ? model.fixedBatchSize() : -1, Shapes.dropBatch(dataShape));
  }

  private GraphFunction build(GraphFunction.Kind kind, long[] xShape, long[] yShape) {
    ModelRuntime rt = model.runtime();
    Ops tf = rt.tf().withSubScope(kind.name().toLowerCase());
    GraphFunction f = new GraphFunction(kind);
    f.x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(placeholderShape(xShape))));
    CallContext ctx = new CallContext(rt, rt.tf(), kind == GraphFunction.Kind.TRAIN);
    // Fetched through an Identity: a model that passes its input through (Dropout at inference)
    // must not fetch its own feed. Loss and metrics see the raw output, whose Softmax/Sigmoid op
    // tells them to work from the logits, as Keras 3 does.
    Operand<TFloat32> raw = model.forward(ctx, f.x);
    f.output = tf.withName("output").identity(raw);
    if (kind == GraphFunction.Kind.PREDICT) {
      f.targets.addAll(ctx.stateUpdates());
      return f;
    }
    f.y = tf.withName("y").placeholder(TFloat32.class, Placeholder.shape(Shape.of(placeholderShape(yShape))));
    f.loss = model.loss().call(tf.withSubScope("loss"), f.y, raw);
    metrics.addTo(f, rt, tf, yShape, raw);
    f.loss = withRegularization(f.loss, tf, ctx);
    if (kind == GraphFunction.Kind.TRAIN) {
      addTrainStep(f, rt, ctx);
    } else {
      f.targets.addAll(ctx.stateUpdates());
    }
    return f;
  }

  /** Weight regularization penalties count in the reported loss, as in Keras. */
  private Operand<TFloat32> withRegularization(Operand<TFloat32> loss, Ops tf, CallContext ctx) {
    Operand<TFloat32> total = loss;
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
