package io.jkeras.backend;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.initializers.Initializer;
import io.jkeras.utils.ResourceBudget;
import io.jkeras.utils.ShapeMath;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * One model's TensorFlow state: a Graph, the Session that runs it, and the model's weights.
 * Every function of the model (train, test, predict, at each sequence length) is built into
 * this one graph, so all of them share the variables. Closing it frees all native memory.
 */
public final class ModelRuntime implements AutoCloseable {
  private final Graph graph;
  private final Ops tf;
  private Session session;
  private final List<Weight> weights = new ArrayList<>();
  private final Map<Weight, Placeholder<TFloat32>> assignInputs = new HashMap<>();
  private final Map<Weight, Op> assignOps = new HashMap<>();
  private boolean closed;
  /**
   * Where initial values and assignments are built: one sub-scope each, made once. TensorFlow
   * Java's {@code withSubScope} walks every op of the graph to find the names in use, so a
   * sub-scope per weight made building a model quadratic in its layers (3000 Dense layers:
   * minutes); ops inside one scope get unique names from that scope's own counter.
   */
  private Ops initValues;
  /** Weight elements and bytes of all variables created so far, for the {@link ResourceBudget}. */
  private long params;
  private long variableBytes;
  /** Counts changes to weight values (assignments, training), so that checks of them run once per change. */
  private volatile long weightsVersion;
  private Ops assignScope;
  /** How many models use this runtime: models made from layers built in another model share its graph. */
  private int users = 1;

  public ModelRuntime() {
    this.graph = new Graph();
    this.tf = Ops.create(graph);
  }

  public Graph graph() {
    return graph;
  }

  public Ops tf() {
    return tf;
  }

  /** The session, created on first use; new initializers run before the next step. */
  public synchronized Session session() {
    checkOpen();
    if (session == null) {
      session = new Session(graph, sessionConfig());
    }
    session.initialize();
    return session;
  }

  /**
   * A runner for one step on {@code batch} samples. Steps on at most {@link #CALLER_THREAD_MAX_BATCH}
   * samples run their graph in the calling thread (RunOptions.inter_op_thread_pool = -1, which
   * TensorFlow offers for simple graphs): their ops are so small that handing each one to the
   * inter-op pool costs more than running them in order (see bench/README.md). Kernels still use
   * the intra-op pool, and TensorFlow falls back to the pool where a graph spans several devices.
   */
  public Session.Runner runner(long batch) {
    return runner(session(), batch);
  }

  /** {@link #runner(long)} for any session (a loaded SavedModel's). */
  public static Session.Runner runner(Session session, long batch) {
    Session.Runner r = session.runner();
    if (batch <= CALLER_THREAD_MAX_BATCH) r.setOptions(CALLER_THREAD);
    return r;
  }

  /** The largest batch run in the calling thread ({@code -Djkeras.callerThreadMaxBatch}, 0 turns it off). */
  public static final long CALLER_THREAD_MAX_BATCH = Long.getLong("jkeras.callerThreadMaxBatch", 8);

  private static final RunOptions CALLER_THREAD = RunOptions.newBuilder().setInterOpThreadPool(-1).build();

  private static ConfigProto sessionConfig() {
    ConfigProto.Builder b = ConfigProto.newBuilder().setAllowSoftPlacement(true);
    String intra = System.getProperty("jkeras.intraOpThreads", System.getenv("JKERAS_INTRA_OP_THREADS"));
    String inter = System.getProperty("jkeras.interOpThreads", System.getenv("JKERAS_INTER_OP_THREADS"));
    if (intra != null) b.setIntraOpParallelismThreads(Integer.parseInt(intra));
    if (inter != null) b.setInterOpParallelismThreads(Integer.parseInt(inter));
    return b.build();
  }

  /**
   * Creates a variable {@code scope/name} initialized by {@code init}. The initializer runs once,
   * when the session first runs after this call.
   */
  public Weight createWeight(String scope, String name, long[] shape, Initializer init, boolean trainable) {
    return createWeight(scope, name, shape, (tf, s) -> init.call(tf, shape, s), trainable);
  }

  /** How a weight's initial value is computed: from the init-scope ops and a seed. */
  @FunctionalInterface
  public interface InitialValue {
    Operand<TFloat32> create(Ops tf, long seed);
  }

  /** Creates a variable whose initial value is computed by {@code init} (composite initializers). */
  public Weight createWeight(String scope, String name, long[] shape, InitialValue init, boolean trainable) {
    checkOpen();
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("weight " + scope + "/" + name + " needs a fully known shape, got "
            + Shapes.toString(shape));
      }
    }
    reserve("weight " + scope + "/" + name, shape, true);
    // The op is named "layer.weight", not "layer/weight": the framework optimizers derive slot
    // names from it through Scope.withName, which refuses '/'.
    Ops initScope = tf.withInitScope();
    String opName = (scope + "." + name).replaceAll("[^A-Za-z0-9_.\\-]", "_");
    Variable<TFloat32> v = initScope.withName(opName).variable(Shape.of(shape), TFloat32.class);
    if (initValues == null) initValues = initScope.withSubScope("init");
    initScope.assign(v, init.create(initValues, Keras.nextSeed()));
    Weight w = new Weight(this, name, scope + "/" + name, shape, trainable, v);
    weights.add(w);
    return w;
  }

  /** A non-trainable state variable (stateful RNN states), zero-initialized. */
  public Variable<TFloat32> createState(String scope, String name, long[] shape) {
    checkOpen();
    String what = "state " + scope + "/" + name;
    ShapeMath.knownElements(shape, what);
    reserve(what, shape, false);
    // Named "layer.state_0" in the init scope, and filled rather than tf.zeros: a sub-scope, and
    // tf.zeros (which makes one), walk the whole graph each time (see initValues).
    Ops initScope = tf.withInitScope();
    String opName = (scope + "." + name).replaceAll("[^A-Za-z0-9_.\\-]", "_");
    Variable<TFloat32> v = initScope.withName(opName).variable(Shape.of(shape), TFloat32.class);
    initScope.assign(v, initScope.fill(initScope.constant(shape), initScope.constant(0f)));
    return v;
  }

  /**
   * Checks a new variable against the {@link ResourceBudget} in force (its shape, then the
   * model's parameters and bytes with it) before anything reaches TensorFlow, and counts it.
   */
  private synchronized void reserve(String what, long[] shape, boolean isWeight) {
    ResourceBudget budget = ResourceBudget.current();
    long n = budget.checkTensor(what, shape, Float.BYTES);
    long newParams = isWeight ? ShapeMath.add(params, n, what) : params;
    long newBytes = ShapeMath.add(variableBytes, n * Float.BYTES, what);
    budget.checkModel(what, newParams, newBytes);
    params = newParams;
    variableBytes = newBytes;
  }

  /** A number that changes whenever weight values may have changed (see {@link #markWeightsChanged}). */
  public long weightsVersion() {
    return weightsVersion;
  }

  /** Training (or anything else that updates variables inside the graph) calls this. */
  public synchronized void markWeightsChanged() {
    weightsVersion++;
  }

  /** The parameters (weight elements) created in this runtime so far. */
  public synchronized long params() {
    return params;
  }

  public List<Weight> weights() {
    return Collections.unmodifiableList(weights);
  }

  /**
   * Calls {@code each} with the current value of every weight in {@code ws}, fetching them in
   * few session runs (up to 256 MiB at a time) rather than one run per weight.
   */
  public void readEach(List<Weight> ws, java.util.function.BiConsumer<Weight, FloatArray> each) {
    int from = 0;
    while (from < ws.size()) {
      Session.Runner r = session().runner();
      long bytes = 0;
      int to = from;
      while (to < ws.size() && (to == from || bytes + ws.get(to).size() * Float.BYTES <= (256L << 20))) {
        bytes += ws.get(to).size() * Float.BYTES;
        r.fetch(ws.get(to).variable());
        to++;
      }
      try (Result result = r.run()) {
        for (int i = from; i < to; i++) each.accept(ws.get(i), FloatArray.fromTensor((TFloat32) result.get(i - from)));
      }
      from = to;
    }
  }

  FloatArray read(Weight w) {
    try (TFloat32 t = (TFloat32) session().runner().fetch(w.variable()).run().get(0)) {
      return FloatArray.fromTensor(t);
    }
  }

  synchronized void write(Weight w, FloatArray value) {
    Placeholder<TFloat32> in = assignInputs.get(w);
    if (in == null) {
      if (assignScope == null) assignScope = tf.withSubScope("assign");
      Ops s = assignScope;
      in = s.placeholder(TFloat32.class, Placeholder.shape(Shape.of(w.shape())));
      assignOps.put(w, s.assign(w.variable(), in));
      assignInputs.put(w, in);
    }
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(w.shape()), DataBuffers.of(value.data(), true, false))) {
      session().runner().feed(in, t).addTarget(assignOps.get(w)).run();
    }
    weightsVersion++;
  }

  /** Runs {@code ops} as targets (state resets and the like). */
  public void runTargets(List<? extends Op> ops) {
    if (ops.isEmpty()) return;
    Session.Runner r = session().runner();
    for (Op op : ops) r.addTarget(op);
    r.run();
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("this model has been closed");
  }

  public boolean isClosed() {
    return closed;
  }

  /** One more model uses this runtime; each user closes it once, and the last close frees it. */
  public synchronized ModelRuntime share() {
    checkOpen();
    users++;
    return this;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    if (--users > 0) return;
    closed = true;
    if (session != null) session.close();
    graph.close();
  }
}
