package io.jkeras.optimizers;

import io.jkeras.data.FloatArray;
import io.jkeras.utils.Names;
import io.jkeras.utils.Shapes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * A Keras optimizer: its class name, Keras defaults and config, backed by the TensorFlow Java
 * framework optimizer that does the update, or by Keras 3's own rule in graph ops where the
 * framework's differs ({@link KerasUpdate}: Nadam, SGD momentum, Adagrad). Two things the
 * framework classes lack are added here, once for all of them:
 * <ul>
 *   <li>Slots are shared by every train function of a model (one per sequence length), so Adam's
 *       moments are the same variables whatever length a batch has.</li>
 *   <li>The learning rate can change between steps (schedulers, ReduceLROnPlateau): the framework
 *       bakes it into constants, so the optimizer is built with a sentinel rate and the constants
 *       holding it are fed with the current rate at every step.</li>
 *   <li>A step count ({@code iterations}) and the state in Keras 3's layout
 *       ({@link #stateLayout}, {@link OptimizerState}): saved with a model and restored into
 *       the framework's slots, so that training resumes where it stopped. State set before the
 *       slots exist is held and written when the first train function creates them.</li>
 * </ul>
 */
public abstract class Optimizer {
  /** An improbable learning rate that marks the constants to feed. */
  static final float SENTINEL_LR = 0.000123456789f;

  protected float learningRate;
  private org.tensorflow.framework.optimizers.Optimizer impl;
  private boolean slotsCreated;
  private final List<Output<TFloat32>> lrFeeds = new ArrayList<>();
  private TFloat32 lrTensor;
  private float lrTensorValue = Float.NaN;
  private Variable<TInt64> iterations;
  private List<Output<TFloat32>> boundVariables;
  private OptimizerState pending;
  private final Map<Output<?>, Placeholder<?>> stateInputs = new HashMap<>();
  private final Map<Output<?>, Op> stateAssigns = new HashMap<>();

  protected Optimizer(float learningRate) {
    this.learningRate = learningRate;
  }

  /** The Keras class name ("Adam"). */
  public abstract String className();

  /** Creates the framework optimizer with {@code lr} as its learning rate. */
  protected abstract org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr);

  /** The optimizer-specific Keras config entries (beta_1, epsilon...). */
  protected abstract void addConfig(Map<String, Object> config);

  /** For subclasses' framework optimizers: true only the first time slots are created. */
  protected final boolean firstSlotCreation() {
    if (slotsCreated) return false;
    slotsCreated = true;
    return true;
  }

  public float learningRate() {
    return learningRate;
  }

  /** Changes the learning rate from the next step on. */
  public void setLearningRate(float lr) {
    if (!(lr >= 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + lr);
    if (impl != null && lrFeeds.isEmpty() && lr != learningRate) {
      throw new UnsupportedOperationException(className() + " cannot change its learning rate after compile");
    }
    this.learningRate = lr;
  }

  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", Names.toSnakeCase(className()));
    c.put("learning_rate", (double) learningRate);
    addConfig(c);
    // Hyperparameters are float32 here; write them as the decimals they were given as (0.9, not 0.8999999761581421).
    c.replaceAll((k, v) -> v instanceof Double ? Double.valueOf(Float.toString((float) (double) (Double) v)) : v);
    return c;
  }

  /**
   * Builds the op that applies {@code gradients} to {@code variables}. Called once per train
   * function; every call shares the same slots.
   */
  public synchronized Op applyGradients(Graph graph, Ops tf, List<Output<TFloat32>> gradients,
      List<Output<TFloat32>> variables, String name) {
    if (impl == null) {
      impl = create(graph, SENTINEL_LR);
      boundVariables = List.copyOf(variables);
      Ops init = tf.withInitScope();
      iterations = init.withName("optimizer_iterations").variable(Shape.scalar(), TInt64.class);
      init.assign(iterations, init.constant(0L));
    } else if (!variables.equals(boundVariables)) {
      throw new IllegalStateException(className() + ": every train function must update the same weights");
    }
    Set<String> before = constNames(graph);
    List<org.tensorflow.framework.optimizers.Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      pairs.add(new org.tensorflow.framework.optimizers.Optimizer.GradAndVar<>(gradients.get(i), variables.get(i)));
    }
    Op update = impl.applyGradients(pairs, name + "_update");
    findLearningRateConstants(graph, before);
    if (lrFeeds.isEmpty()) {
      throw new IllegalStateException(className() + ": the learning rate could not be found in the graph built by the framework optimizer");
    }
    // Keras counts a step once its update is done.
    Ops after = tf.withControlDependencies(List.of(update));
    Op count = after.assignAdd(iterations, after.constant(1L));
    return tf.withName(name).withControlDependencies(List.of(update, count)).noOp();
  }

  private static Set<String> constNames(Graph graph) {
    Set<String> names = new HashSet<>();
    Iterator<GraphOperation> it = graph.operations();
    while (it.hasNext()) {
      Operation op = it.next();
      if (op.type().equals("Const")) names.add(op.name());
    }
    return names;
  }

  /**
   * Finds the scalar float constants created since {@code before} whose value is the sentinel.
   * Their values are read from the graph definition, not by running them: most framework
   * optimizers create the rate under control dependencies on the gradients, so running the
   * constant would need the batch placeholders.
   */
  @SuppressWarnings("unchecked")
  private void findLearningRateConstants(Graph graph, Set<String> before) {
    Iterator<GraphOperation> it = graph.operations();
    while (it.hasNext()) {
      GraphOperation op = it.next();
      if (!op.type().equals("Const") || before.contains(op.name())) continue;
      Output<?> o = op.output(0);
      if (o.dataType() != DataType.DT_FLOAT || o.shape().numDimensions() != 0) continue;
      TensorProto t = op.attributes().getAttrValueProto("value").getTensor();
      float v;
      if (t.getFloatValCount() > 0) {
        v = t.getFloatVal(0);
      } else if (t.getTensorContent().size() == 4) {
        v = ByteBuffer.wrap(t.getTensorContent().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getFloat();
      } else {
        continue;
      }
      if (v == SENTINEL_LR) lrFeeds.add((Output<TFloat32>) o);
    }
  }

  /** Feeds the current learning rate into a train step. */
  public synchronized void feed(Session.Runner runner) {
    if (lrFeeds.isEmpty()) return;
    if (lrTensor == null || lrTensorValue != learningRate) {
      if (lrTensor != null) lrTensor.close();
      lrTensor = TFloat32.scalarOf(learningRate);
      lrTensorValue = learningRate;
    }
    for (Output<TFloat32> o : lrFeeds) runner.feed(o, lrTensor);
  }

  /** Frees the fed learning-rate tensor (the model does this when it closes). */
  public synchronized void release() {
    if (lrTensor != null) {
      lrTensor.close();
      lrTensor = null;
    }
  }

  /** Whether this optimizer has been bound to a graph. */
  public boolean isBound() {
    return impl != null;
  }


  // ----- state in Keras 3's layout -----

  /** Keras's per-weight variables of this configuration, in the order Keras creates them ("momentum", "velocity"). */
  protected abstract List<String> kerasSlots();

  /**
   * Whether Keras creates the slots weight by weight (Adam: m0, v0, m1, v1...) rather than
   * slot kind by slot kind (RMSprop: every velocity, then every momentum): Keras 3 interleaves
   * the slots created by one {@code add_optimizer_variables} call.
   */
  protected boolean interleaved() {
    return true;
  }

  /** The framework's slot name for Keras's {@code kerasSlot}. */
  protected abstract String frameworkSlot(String kerasSlot);

  /** A fresh slot's value (Adagrad's accumulator starts at initial_accumulator_value). */
  protected float initialSlotValue(String kerasSlot) {
    return 0f;
  }

  /** Keras's scalar variables after the slots (Nadam's u_product), by name. */
  protected List<String> kerasScalars() {
    return List.of();
  }

  /** Their initial values. */
  protected float initialScalarValue(String name) {
    return 0f;
  }

  /** The framework's variables holding {@link #kerasScalars()}, once bound. */
  protected List<Output<TFloat32>> scalarVariables() {
    return List.of();
  }

  /** Framework scalars that follow from the step count (Adam's beta powers), with their values after {@code steps} steps. */
  protected Map<Output<TFloat32>, Float> iterationScalars(long steps) {
    return Map.of();
  }

  /**
   * The Keras 3 variables after {@code iteration} and {@code learning_rate} for trainable
   * weights {@code paths} of {@code shapes} (Keras's {@code model.trainable_variables}).
   */
  public List<OptimizerState.Slot> stateLayout(List<String> paths, List<long[]> shapes) {
    List<OptimizerState.Slot> r = new ArrayList<>();
    List<String> kinds = kerasSlots();
    if (interleaved()) {
      for (int i = 0; i < paths.size(); i++) {
        for (String k : kinds) r.add(new OptimizerState.Slot(slotName(paths.get(i), k), shapes.get(i), k, i));
      }
    } else {
      for (String k : kinds) {
        for (int i = 0; i < paths.size(); i++) r.add(new OptimizerState.Slot(slotName(paths.get(i), k), shapes.get(i), k, i));
      }
    }
    for (String n : kerasScalars()) r.add(new OptimizerState.Slot(n, new long[0], null, -1));
    return r;
  }

  private static String slotName(String path, String kind) {
    return path.replace('/', '_') + "_" + kind;
  }

  /** The state of a fresh optimizer (what Keras's {@code optimizer.build} creates). */
  public OptimizerState initialState(List<String> paths, List<long[]> shapes) {
    List<OptimizerState.Slot> layout = stateLayout(paths, shapes);
    List<String> names = new ArrayList<>();
    List<FloatArray> values = new ArrayList<>();
    int perWeight = layout.size() - kerasScalars().size();
    for (int j = 0; j < layout.size(); j++) {
      OptimizerState.Slot s = layout.get(j);
      float v = j < perWeight ? initialSlotValue(kindOf(j, paths.size())) : initialScalarValue(s.name);
      names.add(s.name);
      values.add(filled(s.shape, v));
    }
    return new OptimizerState(0, learningRate, names, values);
  }

  private static FloatArray filled(long[] shape, float v) {
    float[] d = new float[Math.toIntExact(Shapes.product(shape))];
    Arrays.fill(d, v);
    return new FloatArray(d, shape.length == 0 ? new long[] {1} : shape);
  }

  /** The Keras slot kind of per-weight entry {@code j} of the layout. */
  private String kindOf(int j, int weights) {
    List<String> kinds = kerasSlots();
    return interleaved() ? kinds.get(j % kinds.size()) : kinds.get(j / weights);
  }

  /** The trainable weight of per-weight entry {@code j}. */
  private int weightOf(int j, int weights) {
    return interleaved() ? j / kerasSlots().size() : j % weights;
  }

  /**
   * Null if {@code state} fits {@code layout}, else why not (the first variable that differs).
   * Shapes (1) and () are the same here, as FloatArray holds a scalar as (1).
   */
  public static String mismatch(OptimizerState state, List<OptimizerState.Slot> layout) {
    if (state.values().size() != layout.size()) {
      return "it has " + (state.values().size() + 2) + " variables where the optimizer has " + (layout.size() + 2);
    }
    for (int j = 0; j < layout.size(); j++) {
      long[] want = layout.get(j).shape;
      long[] got = state.values().get(j).shape();
      if (!Arrays.equals(want.length == 0 ? new long[] {1} : want, got)) {
        return "variable " + (j + 2) + " (" + layout.get(j).name + ") has shape " + Shapes.toString(got)
            + " where the optimizer needs " + Shapes.toString(want);
      }
    }
    return null;
  }

  /**
   * Sets the state to restore (the learning rate at once, as Keras restores its learning_rate
   * variable); the variables are written when the slots exist ({@link #restorePending}).
   */
  public synchronized void setPendingState(OptimizerState state, List<String> paths, List<long[]> shapes) {
    String why = mismatch(state, stateLayout(paths, shapes));
    if (why != null) throw new IllegalArgumentException(className() + " state does not fit the model: " + why);
    setLearningRate(state.learningRate());
    pending = state;
  }

  /** Writes a state held by {@link #setPendingState} into the slots, once they exist. */
  public synchronized void restorePending(Ops tf, Session session) {
    if (pending == null || impl == null) return;
    OptimizerState s = pending;
    pending = null;
    write(s, tf, session);
  }

  /** The current state (a pending one, or a fresh one before the first train function). */
  public synchronized OptimizerState state(Session session, List<String> paths, List<long[]> shapes) {
    if (impl == null) return pending != null ? pending : initialState(paths, shapes);
    if (pending != null) return pending;
    if (paths.size() != boundVariables.size()) {
      throw new IllegalArgumentException(className() + " updates " + boundVariables.size() + " weights, not " + paths.size());
    }
    List<OptimizerState.Slot> layout = stateLayout(paths, shapes);
    List<Output<TFloat32>> sources = sources(layout.size());
    Session.Runner r = session.runner().fetch(iterations);
    for (Output<TFloat32> o : sources) r.fetch(o);
    List<String> names = new ArrayList<>();
    List<FloatArray> values = new ArrayList<>();
    long steps;
    try (Result res = r.run()) {
      steps = ((TInt64) res.get(0)).getObject();
      for (int j = 0; j < layout.size(); j++) {
        names.add(layout.get(j).name);
        values.add(FloatArray.fromTensor((TFloat32) res.get(j + 1)));
      }
    }
    return new OptimizerState(steps, learningRate, names, values);
  }

  /** The framework variable behind each layout entry. */
  private List<Output<TFloat32>> sources(int size) {
    List<Output<TFloat32>> r = new ArrayList<>();
    int weights = boundVariables.size();
    int perWeight = size - kerasScalars().size();
    for (int j = 0; j < perWeight; j++) {
      String kind = kindOf(j, weights);
      Output<TFloat32> var = boundVariables.get(weightOf(j, weights));
      Variable<TFloat32> slot = impl.getSlot(var, frameworkSlot(kind)).orElseThrow(() -> new IllegalStateException(
          className() + ": the framework optimizer has no slot '" + frameworkSlot(kind) + "' for " + var.op().name()));
      r.add(slot.asOutput());
    }
    r.addAll(scalarVariables());
    return r;
  }

  private void write(OptimizerState s, Ops tf, Session session) {
    List<Output<TFloat32>> targets = sources(s.values().size());
    Map<Output<?>, Object> values = new LinkedHashMap<>();
    // Every slot holds Keras's own variable (Keras 3's rules run where TensorFlow's keep another unit).
    for (int j = 0; j < targets.size(); j++) values.put(targets.get(j), s.values().get(j));
    for (Map.Entry<Output<TFloat32>, Float> e : iterationScalars(s.iterations()).entrySet()) {
      values.put(e.getKey(), new FloatArray(new float[] {e.getValue()}, 1));
    }
    values.put(iterations.asOutput(), s.iterations());
    Session.Runner r = session.runner();
    List<AutoCloseable> tensors = new ArrayList<>();
    try {
      for (Map.Entry<Output<?>, Object> e : values.entrySet()) {
        Output<?> target = e.getKey();
        Placeholder<?> in = stateInputs.get(target);
        if (in == null) {
          Ops st = tf.withSubScope("optimizer_state");
          if (target.type() == TInt64.class) {
            @SuppressWarnings("unchecked")
            Output<TInt64> t = (Output<TInt64>) target;
            Placeholder<TInt64> p = st.placeholder(TInt64.class, Placeholder.shape(t.shape()));
            stateAssigns.put(target, st.assign(t, p));
            in = p;
          } else {
            @SuppressWarnings("unchecked")
            Output<TFloat32> t = (Output<TFloat32>) target;
            Placeholder<TFloat32> p = st.placeholder(TFloat32.class, Placeholder.shape(t.shape()));
            stateAssigns.put(target, st.assign(t, p));
            in = p;
          }
          stateInputs.put(target, in);
        }
        Object v = e.getValue();
        if (v instanceof Long) {
          TInt64 t = TInt64.scalarOf((Long) v);
          tensors.add(t);
          r.feed(in, t);
        } else {
          FloatArray a = (FloatArray) v;
          TFloat32 t = TFloat32.tensorOf(target.shape(), DataBuffers.of(a.data(), true, false));
          tensors.add(t);
          r.feed(in, t);
        }
        r.addTarget(stateAssigns.get(target));
      }
      r.run();
    } finally {
      for (AutoCloseable t : tensors) {
        try {
          t.close();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }
    }
  }

  /** Writes {@code state} now if the slots exist, else holds it until they do. */
  public synchronized void setState(OptimizerState state, List<String> paths, List<long[]> shapes, Ops tf, Session session) {
    setPendingState(state, paths, shapes);
    if (impl != null) restorePending(tf, session);
  }
}
