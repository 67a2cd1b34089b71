package io.jkeras.layers;

import static io.jkeras.layers.LayerArguments.ACTIVATION;
import static io.jkeras.layers.LayerArguments.BOOLEAN;
import static io.jkeras.layers.LayerArguments.CONSTRAINT;
import static io.jkeras.layers.LayerArguments.INITIALIZER;
import static io.jkeras.layers.LayerArguments.NUMBER;
import static io.jkeras.layers.LayerArguments.REGULARIZER;
import static io.jkeras.layers.LayerArguments.SEED;
import static io.jkeras.layers.LayerArguments.argument;
import static io.jkeras.layers.LayerArguments.constructorArgument;
import static io.jkeras.layers.LayerArguments.refused;

import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.constraints.Constraint;
import io.jkeras.initializers.Initializer;
import io.jkeras.initializers.Initializers;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.utils.Names;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What LSTM, GRU and SimpleRNN share (Keras's {@code RNN} base): the loop over timesteps,
 * masks, {@code go_backwards}, {@code return_sequences}/{@code return_state}, stateful states
 * kept in variables, and the dropout masks. A subclass supplies the cell: its weights, the input
 * projection for all timesteps at once, and one recurrent step.
 *
 * <p>The loop is unrolled statically: gradients through TensorFlow While loops abort the JVM in
 * this TensorFlow build, so the model builds one graph per distinct sequence length instead.
 */
public abstract class RNN<L extends RNN<L>> extends Layer<L> {
  protected final int units;
  protected Activation activation = Activations.get("tanh");
  protected boolean useBias = true;
  protected Initializer kernelInitializer = Initializers.get("glorot_uniform");
  protected Initializer recurrentInitializer = Initializers.get("orthogonal");
  protected Initializer biasInitializer = Initializers.get("zeros");
  protected double dropout;
  protected double recurrentDropout;
  protected boolean returnSequences;
  protected boolean returnState;
  protected boolean goBackwards;
  protected boolean stateful;
  protected boolean unroll;
  protected boolean zeroOutputForMask;
  protected Long seed;
  protected Regularizer kernelRegularizer;
  protected Regularizer recurrentRegularizer;
  protected Regularizer biasRegularizer;
  protected Constraint kernelConstraint;
  protected Constraint recurrentConstraint;
  protected Constraint biasConstraint;
  private List<Variable<TFloat32>> stateVariables = Collections.emptyList();
  /** The Keras class this layer was read from when that is not its own ("RNN" for Keras's RNN(LSTMCell(...))). */
  private String readFromClass;

  protected RNN(int units) {
    if (units <= 0) throw new IllegalArgumentException(getClass().getSimpleName() + ": units must be positive, got " + units);
    this.units = units;
    this.supportsMasking = true;
  }

  /** The units of a recurrent layer's config; Keras 1 called it output_dim. */
  protected static int readUnits(Config c) {
    c.legacy("output_dim", "units");
    return c.getInt("units");
  }

  /**
   * Reads this class's arguments ({@code from_config}; Keras 1 names too: init, inner_init,
   * inner_activation, dropout_W, dropout_U, W/U/b_regularizer, forget_bias_init).
   */
  protected L readRnnConfig(Config c) {
    c.legacy("init", "kernel_initializer");
    c.legacy("inner_init", "recurrent_initializer");
    c.legacy("inner_activation", "recurrent_activation");
    c.legacy("dropout_W", "dropout");
    c.legacy("dropout_U", "recurrent_dropout");
    c.legacy("W_regularizer", "kernel_regularizer");
    c.legacy("U_regularizer", "recurrent_regularizer");
    c.legacy("b_regularizer", "bias_regularizer");
    c.legacy("W_constraint", "kernel_constraint");
    c.legacy("U_constraint", "recurrent_constraint");
    c.legacy("b_constraint", "bias_constraint");
    readBaseConfig(c);
    arguments().read(self(), c);
    if (c.getBool("time_major", false)) {
      throw new KerasFormatException(c.path() + ".time_major: time-major inputs are not supported");
    }
    c.ignore("consume_less", "use_cudnn");
    return self();
  }

  /**
   * Records that this layer was read from a config of Keras class {@code kerasClass} (Keras's
   * generic {@code RNN} around this layer's cell): a Keras 3 weights file keeps its weights under
   * that class's name ({@code layers/rnn}). Written files name the layer by its own class.
   */
  public L readFrom(String kerasClass) {
    this.readFromClass = kerasClass;
    return self();
  }

  /** The Keras class of the config this layer was read from. */
  @Override
  public String readFromClass() {
    return readFromClass == null ? className() : readFromClass;
  }

  // ----- Keras arguments -----

  public L activation(String name) {
    return activation(Activations.get(name));
  }

  public L activation(Activation a) {
    this.activation = a;
    return self();
  }

  public L useBias(boolean useBias) {
    this.useBias = useBias;
    return self();
  }

  public L kernelInitializer(String name) {
    return kernelInitializer(Initializers.get(name));
  }

  public L kernelInitializer(Initializer init) {
    this.kernelInitializer = init;
    return self();
  }

  public L recurrentInitializer(String name) {
    return recurrentInitializer(Initializers.get(name));
  }

  public L recurrentInitializer(Initializer init) {
    this.recurrentInitializer = init;
    return self();
  }

  public L biasInitializer(String name) {
    return biasInitializer(Initializers.get(name));
  }

  public L biasInitializer(Initializer init) {
    this.biasInitializer = init;
    return self();
  }

  /** Fraction of the inputs dropped in training (one mask per sequence, as Keras). */
  public L dropout(double rate) {
    checkRate("dropout", rate);
    this.dropout = rate;
    return self();
  }

  /** Fraction of the recurrent state dropped in training. */
  public L recurrentDropout(double rate) {
    checkRate("recurrent_dropout", rate);
    this.recurrentDropout = rate;
    return self();
  }

  private void checkRate(String field, double rate) {
    if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException(className() + ": " + field + " must be in [0, 1), got " + rate);
  }

  public L returnSequences(boolean b) {
    this.returnSequences = b;
    return self();
  }

  public L returnState(boolean b) {
    this.returnState = b;
    return self();
  }

  public L goBackwards(boolean b) {
    this.goBackwards = b;
    return self();
  }

  /** Keeps the last state of each batch as the initial state of the next (needs a fixed batch size). */
  public L stateful(boolean b) {
    this.stateful = b;
    return self();
  }

  /** Accepted for Keras compatibility: jkeras always unrolls. */
  public L unroll(boolean b) {
    this.unroll = b;
    return self();
  }

  /** Whether masked timesteps output zeros (true) or repeat the previous output (false, Keras's default). */
  public L zeroOutputForMask(boolean b) {
    this.zeroOutputForMask = b;
    return self();
  }

  public L seed(long seed) {
    this.seed = seed;
    return self();
  }

  public int units() {
    return units;
  }

  public boolean returnSequences() {
    return returnSequences;
  }

  public boolean returnState() {
    return returnState;
  }

  public boolean goBackwards() {
    return goBackwards;
  }

  @Override
  public boolean isStateful() {
    return stateful;
  }

  public Activation activation() {
    return activation;
  }

  // ----- arguments, copies (Bidirectional) -----

  /**
   * The arguments every recurrent layer takes, in Keras 3's {@code get_config} order (the RNN's
   * own, then its cell's); LSTM and GRU insert their cell's own ({@link #arguments}).
   */
  static final LayerArguments<RNN<?>> ARGUMENTS = LayerArguments.of(
      argument("return_sequences", BOOLEAN, l -> l.returnSequences, RNN::returnSequences),
      argument("return_state", BOOLEAN, l -> l.returnState, RNN::returnState),
      argument("go_backwards", BOOLEAN, l -> l.goBackwards, RNN::goBackwards),
      argument("stateful", BOOLEAN, l -> l.stateful, RNN::stateful),
      argument("unroll", BOOLEAN, l -> l.unroll, RNN::unroll),
      argument("zero_output_for_mask", BOOLEAN, l -> l.zeroOutputForMask, RNN::zeroOutputForMask),
      constructorArgument("units", l -> l.units),
      argument("activation", ACTIVATION, l -> l.activation, RNN::activation),
      argument("use_bias", BOOLEAN, l -> l.useBias, RNN::useBias),
      argument("kernel_initializer", INITIALIZER, l -> l.kernelInitializer, RNN::kernelInitializer),
      argument("recurrent_initializer", INITIALIZER, l -> l.recurrentInitializer, RNN::recurrentInitializer),
      argument("bias_initializer", INITIALIZER, l -> l.biasInitializer, RNN::biasInitializer),
      argument("kernel_regularizer", REGULARIZER, l -> l.kernelRegularizer, (l, r) -> l.kernelRegularizer = r),
      argument("recurrent_regularizer", REGULARIZER, l -> l.recurrentRegularizer, (l, r) -> l.recurrentRegularizer = r),
      argument("bias_regularizer", REGULARIZER, l -> l.biasRegularizer, (l, r) -> l.biasRegularizer = r),
      refused("activity_regularizer", "activity regularization"),
      argument("kernel_constraint", CONSTRAINT, l -> l.kernelConstraint, (l, k) -> l.kernelConstraint = k),
      argument("recurrent_constraint", CONSTRAINT, l -> l.recurrentConstraint, (l, k) -> l.recurrentConstraint = k),
      argument("bias_constraint", CONSTRAINT, l -> l.biasConstraint, (l, k) -> l.biasConstraint = k),
      argument("dropout", NUMBER, l -> l.dropout, RNN::dropout),
      argument("recurrent_dropout", NUMBER, l -> l.recurrentDropout, RNN::recurrentDropout),
      argument("seed", SEED, l -> l.seed, (l, s) -> l.seed = s));

  /** This class's arguments: {@link #ARGUMENTS}, plus the cell's own in LSTM and GRU. */
  LayerArguments<? super L> arguments() {
    return ARGUMENTS;
  }

  /** A new, unbuilt layer of this class with the same units and default arguments ({@link #copy} sets the rest). */
  protected abstract L newInstance();

  /**
   * Keras's {@code from_config(get_config())} under a new name: an unbuilt layer of this class
   * with every argument of this one, and no weights or states of its own. Bidirectional makes
   * its forward and backward layers with it.
   */
  public L copy(String name) {
    L c = newInstance();
    arguments().copy(self(), c);
    c.trainable(trainable());
    long[] shape = batchInputShape();
    if (shape != null) c.batchInputShape(shape);
    return c.name(name);
  }

  public boolean zeroOutputForMask() {
    return zeroOutputForMask;
  }

  // ----- the cell, supplied by subclasses -----

  /** Number of state tensors, each (batch, units): 2 for LSTM (h, c), 1 for GRU and SimpleRNN. */
  protected abstract int stateCount();

  /** The cell's weights, as Keras names them; bias is null without use_bias. */
  protected Weight kernel;
  protected Weight recurrentKernel;
  protected Weight bias;

  public Weight kernel() {
    return kernel;
  }

  public Weight recurrentKernel() {
    return recurrentKernel;
  }

  public Weight bias() {
    return bias;
  }

  /** Creates the cell's "kernel" with its initializer, regularizer and constraint. */
  protected final void addKernel(long... shape) {
    kernel = addWeight("kernel", shape, kernelInitializer, true, kernelRegularizer, kernelConstraint);
  }

  /** Creates the cell's "recurrent_kernel". */
  protected final void addRecurrentKernel(long... shape) {
    recurrentKernel = addWeight("recurrent_kernel", shape, recurrentInitializer, true, recurrentRegularizer, recurrentConstraint);
  }

  /** Creates the cell's "bias". */
  protected final void addBias(long... shape) {
    bias = addWeight("bias", shape, biasInitializer, true, biasRegularizer, biasConstraint);
  }

  /** Creates kernel, recurrent kernel and bias for {@code inputDim} input features. */
  protected abstract void buildCell(long inputDim);

  /** Projects all timesteps' inputs at once: (batch*time, features) to (batch*time, gates). */
  protected abstract Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> inputs2d);

  /**
   * One step: the projected input of this timestep, the previous states, and the previous h
   * with recurrent dropout applied (used only in the recurrent matmul, as Keras does).
   * Returns the new states; the first one is the step's output.
   */
  protected abstract List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> states,
      Operand<TFloat32> droppedH);

  // ----- Layer -----

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, timesteps, features)", s);
    if (s[2] < 0) throw shapeError("the number of features (last dimension) must be known", s);
    if (stateful && s[0] < 0) {
      throw shapeError("a stateful RNN needs a fixed batch size: set batchInputShape(batch, timesteps, features)"
          + " or batchSize(n) on the first layer", s);
    }
  }

  @Override
  protected final void build(long[] inputShape) {
    buildCell(inputShape[2]);
    if (stateful) {
      List<Variable<TFloat32>> vars = new ArrayList<>();
      for (int i = 0; i < stateCount(); i++) {
        vars.add(runtime().createState(name(), "state_" + i, new long[] {inputShape[0], units}));
      }
      stateVariables = vars;
    }
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return returnSequences ? new long[] {s[0], s[1], units} : new long[] {s[0], units};
  }

  @Override
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return returnSequences ? mask : null;
  }

  // ----- several inputs and outputs: initial_state and return_state -----

  /**
   * A call's inputs are the sequence, then its initial states (Keras's {@code initial_state}):
   * none, or exactly {@link #stateCount()} of shape (batch, units).
   */
  @Override
  protected void checkInputShapes(List<long[]> inputShapes) {
    checkInputShape(inputShapes.get(0));
    InitialStates.check(this, inputShapes, List.of(this));
  }

  /** The output's shape, then with {@code return_state} one (batch, units) per state. */
  @Override
  public List<long[]> computeOutputShapes(List<long[]> inputShapes) {
    checkInputShapes(inputShapes);
    long[] s = inputShapes.get(0);
    List<long[]> r = new ArrayList<>();
    r.add(computeOutputShape(s));
    if (returnState) for (int i = 0; i < stateCount(); i++) r.add(new long[] {s[0], units});
    return r;
  }

  /**
   * [output] or, with {@code return_state}, [output, h] / [output, h, c]: the last step's states
   * (the last unmasked one's where a mask applies; after the first input step with
   * {@code go_backwards}). With initial states the sequence runs unmasked, as in Keras 3: a call
   * gets its input's mask only when the sequence is its one tensor argument. The output still
   * carries the mask ({@link #computeMasks}).
   */
  @Override
  protected List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    List<Operand<TFloat32>> initial = inputs.subList(1, inputs.size());
    InitialStates.check(this, InitialStates.shapes(inputs), List.of(this));
    Operand<TBool> mask = initial.isEmpty() && masks != null ? masks.get(0) : null;
    Outcome r = run(ctx, inputs.get(0), mask, initial);
    List<Operand<TFloat32>> out = new ArrayList<>();
    out.add(r.output());
    if (!returnState) return out;
    for (Operand<TFloat32> state : r.states()) {
      // Without return_sequences the output is h itself: a model fetching both needs two tensors.
      out.add(state == r.output() ? ctx.tf().withSubScope(name()).identity(state) : state);
    }
    return out;
  }

  /** The output's mask (the sequence's, with return_sequences), then none for the states (Keras's compute_mask). */
  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    List<Operand<TBool>> r = new ArrayList<>();
    r.add(computeMask(ctx, inputs.get(0), masks == null ? null : masks.get(0)));
    if (returnState) for (int i = 0; i < stateCount(); i++) r.add(null);
    return r;
  }

  /** The inputs after the sequence are initial states. */
  @Override
  protected boolean takesInitialStates() {
    return true;
  }

  /** The ops that zero the states, built once: building them per call would grow the graph every epoch. */
  private List<Op> resetOps;

  @Override
  public void resetStates() {
    if (!stateful || !isBuilt()) return;
    if (resetOps == null) {
      Ops tf = runtime().tf().withSubScope(name());
      List<Op> resets = new ArrayList<>();
      for (Variable<TFloat32> v : stateVariables) resets.add(tf.assign(v, tf.zerosLike(v)));
      resetOps = resets;
    }
    runtime().runTargets(resetOps);
  }

  /** The final states of the last call (h, or h and c), for {@code return_state}. */
  private List<Operand<TFloat32>> lastStates = Collections.emptyList();

  /** States after the last built call: [h] or [h, c]. Used by return_state and Bidirectional. */
  public List<Operand<TFloat32>> lastStates() {
    return lastStates;
  }

  // ----- structure -----

  /** Keras 3 saves the weights with the cell: {@code cell/vars}, the group named {@code lstm_cell}, {@code gru_cell}... */
  @Override
  public Saveable saveable() {
    return new Saveable(name(), List.of(), this)
        .child("cell", new Saveable(Names.toSnakeCase(className()) + "_cell", weights(), this));
  }

  @Override
  public List<Activation> activations() {
    return List.of(activation);
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return run(ctx, inputs, mask, List.of()).output();
  }

  /** What one call computes: the layer's output and the final states ([h] or [h, c]). */
  private record Outcome(Operand<TFloat32> output, List<Operand<TFloat32>> states) {}

  /**
   * The loop over {@code inputs} from {@code initialStates} (Keras's {@code initial_state}), or,
   * where none are given, from the stored states of a stateful layer or zeros. As in Keras, given
   * states take precedence over stored ones, and a stateful layer stores the final states either way.
   */
  private Outcome run(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask, List<Operand<TFloat32>> initialStates) {
    Ops tf = ctx.tf().withSubScope(name());
    long[] s = inputs.shape().asArray();
    int steps = (int) s[1];
    if (steps < 0) throw shapeError("the number of timesteps must be known when the graph is built", s);
    if (steps == 0) throw shapeError("sequences must have at least one timestep", s);
    long features = s[2];

    Operand<TInt32> batch = tf.stridedSlice(tf.shape(inputs), tf.constant(new int[] {0}), tf.constant(new int[] {1}),
        tf.constant(new int[] {1}));
    Operand<TFloat32> x = inputs;
    if (ctx.training() && dropout > 0) {
      // One input mask per sequence, shared by all timesteps (Keras's RNN dropout).
      Operand<TFloat32> m = dropoutMask(ctx, tf, batch, features, dropout);
      x = tf.math.mul(x, tf.expandDims(m, tf.constant(1)));
    }
    List<Operand<TFloat32>> states = new ArrayList<>(initialStates);
    for (int i = states.size(); i < stateCount(); i++) {
      states.add(stateful ? tf.snapshot(stateVariables.get(i)) : zeros(tf, batch));
    }
    Operand<TFloat32> recMask = ctx.training() && recurrentDropout > 0
        ? dropoutMask(ctx, tf, batch, units, recurrentDropout) : null;

    if (mask == null && recMask == null) {
      FusedResult fused = fusedCall(ctx, tf, x, states, steps);
      if (fused != null) return finish(ctx, tf, fused.finalStates(), fused.sequence(), fused.finalStates().get(0));
    }

    // Input projection of every timestep in one matmul.
    Operand<TFloat32> proj = projectInputs(tf, tf.reshape(x, tf.constant(new long[] {-1, features})));
    long gates = proj.shape().get(1);
    proj = tf.reshape(proj, tf.constant(new long[] {-1, steps, gates}));
    List<Operand<TFloat32>> xs = new ArrayList<>();
    for (Output<TFloat32> o : tf.unstack(proj, (long) steps, Unstack.axis(1L)).output()) xs.add(o);
    List<Operand<TFloat32>> ms = new ArrayList<>();
    if (mask != null) {
      Operand<TFloat32> mf = tf.dtypes.cast(mask, TFloat32.class);
      for (Output<TFloat32> o : tf.unstack(mf, (long) steps, Unstack.axis(1L)).output()) {
        ms.add(tf.expandDims(o, tf.constant(1)));
      }
    }
    if (goBackwards) {
      Collections.reverse(xs);
      Collections.reverse(ms);
    }

    List<Operand<TFloat32>> outputs = new ArrayList<>();
    Operand<TFloat32> prevOut = zeros(tf, batch);
    beginSteps(ctx, tf, s[0]);
    for (int t = 0; t < steps; t++) {
      Operand<TFloat32> h = states.get(0);
      Operand<TFloat32> droppedH = recMask == null ? h : tf.math.mul(h, recMask);
      List<Operand<TFloat32>> next = step(tf, xs.get(t), states, droppedH);
      Operand<TFloat32> out = next.get(0);
      if (!ms.isEmpty()) {
        // Masked step: states carry through unchanged; output repeats (or zeroes).
        Operand<TFloat32> m = ms.get(t);
        Operand<TFloat32> keep = tf.math.sub(tf.constant(1f), m);
        List<Operand<TFloat32>> blended = new ArrayList<>();
        for (int i = 0; i < next.size(); i++) {
          blended.add(tf.math.add(tf.math.mul(m, next.get(i)), tf.math.mul(keep, states.get(i))));
        }
        out = zeroOutputForMask ? tf.math.mul(m, out) : tf.math.add(tf.math.mul(m, out), tf.math.mul(keep, prevOut));
        next = blended;
      }
      states = next;
      prevOut = out;
      if (returnSequences) outputs.add(out);
    }
    return finish(ctx, tf, states, returnSequences ? tf.stack(outputs, Stack.axis(1L)) : null, prevOut);
  }

  /** Stores the final states (stateful layers) and pairs them with the layer's output. */
  private Outcome finish(CallContext ctx, Ops tf, List<Operand<TFloat32>> states, Operand<TFloat32> sequence,
      Operand<TFloat32> last) {
    if (stateful) {
      for (int i = 0; i < stateCount(); i++) ctx.addStateUpdate(tf.assign(stateVariables.get(i), states.get(i)));
    }
    lastStates = states;
    return new Outcome(returnSequences ? sequence : last, states);
  }

  /** {@code x} (batch, time, features) in the order the steps run: reversed in time for go_backwards. */
  protected final Operand<TFloat32> inProcessingOrder(Ops tf, Operand<TFloat32> x) {
    return goBackwards ? tf.reverse(x, tf.constant(new int[] {1})) : x;
  }

  /** Called once per call before the unrolled steps, with the static batch size (-1 if unknown): per-call work the steps share. */
  protected void beginSteps(CallContext ctx, Ops tf, long batch) {}

  /** What a fused kernel computed: every step's output (when return_sequences) and the final states. */
  protected record FusedResult(Operand<TFloat32> sequence, List<Operand<TFloat32>> finalStates) {}

  /**
   * The whole sequence in one fused kernel, or null to use the unrolled cell (the default). Asked
   * only where no mask and no recurrent dropout apply; {@code x} has input dropout applied and is
   * in input order ({@link #inProcessingOrder} reverses it for go_backwards). The result must
   * equal the unrolled cell's.
   */
  protected FusedResult fusedCall(CallContext ctx, Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> initialStates,
      int steps) {
    return null;
  }

  private Operand<TFloat32> zeros(Ops tf, Operand<TInt32> batch) {
    return tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)), tf.constant(0f));
  }

  private Operand<TFloat32> dropoutMask(CallContext ctx, Ops tf, Operand<TInt32> batch, long dim, double rate) {
    Operand<TInt32> shape = tf.concat(List.of(batch, tf.constant(new int[] {(int) dim})), tf.constant(0));
    return Dropout.keepMask(ctx, tf, shape, rate, seed);
  }

  /** Splits a (batch, k*units) tensor into k gate blocks. */
  protected final List<Operand<TFloat32>> splitGates(Ops tf, Operand<TFloat32> z, int k) {
    List<Operand<TFloat32>> r = new ArrayList<>();
    for (Output<TFloat32> o : tf.split(tf.constant(1), z, (long) k).output()) r.add(o);
    return r;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    arguments().write(self(), c);
  }

  @Override
  public String toString() {
    return name() + " (" + className() + " " + units + ", input " + Shapes.toString(builtInputShape() == null ? new long[0] : builtInputShape()) + ")";
  }
}
