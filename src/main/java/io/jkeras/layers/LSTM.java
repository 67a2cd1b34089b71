package io.jkeras.layers;

import static io.jkeras.layers.LayerArguments.ACTIVATION;
import static io.jkeras.layers.LayerArguments.argument;

import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.backend.BlockLstm;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.LayerArguments.Kind;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code LSTM}. Weights exactly as Keras: kernel (input_dim, 4*units), recurrent_kernel
 * (units, 4*units), bias (4*units), gates in the order i, f, c, o:
 * <pre>
 *   z = x W + h U + b;  i = σ(z_i); f = σ(z_f); c = f c + i tanh(z_c); o = σ(z_o); h = o tanh(c)
 * </pre>
 * with σ the recurrent activation (sigmoid) and tanh the activation.
 */
public final class LSTM extends RNN<LSTM> {
  private Activation recurrentActivation = Activations.get("sigmoid");
  private boolean unitForgetBias = true;
  private int implementation = 2;

  public LSTM(int units) {
    super(units);
  }

  /** The RNN arguments and LSTM's own, where Keras 3's LSTM.get_config lists them. */
  private static final LayerArguments<LSTM> ARGUMENTS = LayerArguments.<LSTM>extending(RNN.ARGUMENTS)
      .insertAfter("activation",
          argument("recurrent_activation", ACTIVATION, l -> l.recurrentActivation, LSTM::recurrentActivation))
      .insertAfter("bias_initializer",
          argument("unit_forget_bias", Kind.plain(LSTM::readUnitForgetBias), l -> l.unitForgetBias, LSTM::unitForgetBias))
      .insertAfter("seed",
          argument("implementation", Kind.plain(LSTM::readImplementation), l -> l.implementation, LSTM::implementation));

  /** Keras's {@code LSTM.from_config}. */
  public static LSTM fromConfig(Config c) {
    return new LSTM(readUnits(c)).readRnnConfig(c);
  }

  /** Keras 1's forget_bias_init "one" is unit_forget_bias. */
  private static boolean readUnitForgetBias(Config c, String key, boolean current) {
    return c.has("forget_bias_init") ? "one".equals(c.getString("forget_bias_init", "one")) : c.getBool(key, current);
  }

  /** Keras 1/2's implementation 0 reads as 2, the default; other values outside 1 and 2 as the nearer of them. */
  private static int readImplementation(Config c, String key, int current) {
    int mode = c.getInt(key, current);
    return mode == 0 ? 2 : Math.min(2, Math.max(1, mode));
  }

  @Override
  LayerArguments<LSTM> arguments() {
    return ARGUMENTS;
  }

  public LSTM recurrentActivation(String name) {
    return recurrentActivation(Activations.get(name));
  }

  public LSTM recurrentActivation(Activation a) {
    this.recurrentActivation = a;
    return this;
  }

  /** Initializes the forget-gate bias to 1 (Keras's default, recommended by Jozefowicz et al.). */
  public LSTM unitForgetBias(boolean b) {
    this.unitForgetBias = b;
    return this;
  }

  /** Accepted for Keras compatibility; both implementations compute the same function. */
  public LSTM implementation(int mode) {
    if (mode != 1 && mode != 2) throw new IllegalArgumentException("LSTM: implementation must be 1 or 2, got " + mode);
    this.implementation = mode;
    return this;
  }

  public Activation recurrentActivation() {
    return recurrentActivation;
  }

  @Override
  protected LSTM newInstance() {
    return new LSTM(units);
  }

  @Override
  protected int stateCount() {
    return 2;
  }

  @Override
  protected void buildCell(long inputDim) {
    addKernel(inputDim, 4L * units);
    addRecurrentKernel(units, 4L * units);
    if (useBias) {
      if (unitForgetBias) {
        // bias_initializer for i, ones for f, bias_initializer for c and o.
        bias = runtime().createWeight(name(), "bias", new long[] {4L * units}, (tf, seed) -> tf.concat(List.of(
            biasInitializer.call(tf, new long[] {units}, seed),
            tf.fill(tf.constant(new long[] {units}), tf.constant(1f)), // not tf.ones, which walks the graph (a sub-scope)
            biasInitializer.call(tf, new long[] {2L * units}, seed + 1)), tf.constant(0)), true);
        bias.setRegularizer(biasRegularizer);
        bias.setConstraint(biasConstraint);
        trackWeights(List.of(bias));
      } else {
        addBias(4L * units);
      }
    }
  }

  @Override
  protected Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> z = tf.linalg.matMul(x, read(kernel));
    return useBias ? tf.nn.biasAdd(z, read(bias)) : z;
  }

  /**
   * The recurrent matmul is split by gate in training for layers of at least this many units and
   * batches of at least {@link #SPLIT_MIN_BATCH} (or of unknown size). Measured (bench, 20 steps,
   * split / single step time): batch 64: 1.00 at 64 units, 0.90 at 128, 0.68 at 256; batch 1:
   * 1.17-1.28 at 64-256 units. {@code -Djkeras.splitMinUnits} overrides the units.
   */
  static final int SPLIT_MIN_UNITS = 128;
  static final int SPLIT_MIN_BATCH = 16;

  /** The recurrent kernel's four gate blocks, in training functions (see {@link #recurrentProduct}). */
  private List<Operand<TFloat32>> recurrentBlocks;

  @Override
  protected void beginSteps(CallContext ctx, Ops tf, long batch) {
    boolean split = ctx.training() && units >= Integer.getInteger("jkeras.splitMinUnits", SPLIT_MIN_UNITS)
        && (batch < 0 || batch >= SPLIT_MIN_BATCH);
    recurrentBlocks = split ? splitGates(tf, read(recurrentKernel), 4) : null;
  }

  /**
   * h U. In training it is computed per gate block, h U_i ... h U_o, concatenated: the gradient
   * dh = dz U^T is then four (batch, u) x (u, u) matmuls, which measured 2.7x faster than one
   * (batch, 4u) x (4u, u) matmul with its long inner dimension (char-lstm unrolled: step 186 ->
   * 125 ms). For small layers the three extra ops per step cost more than they save, and inference
   * keeps the single matmul.
   */
  private Operand<TFloat32> recurrentProduct(Ops tf, Operand<TFloat32> h) {
    if (recurrentBlocks == null) return tf.linalg.matMul(h, read(recurrentKernel));
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (Operand<TFloat32> u : recurrentBlocks) parts.add(tf.linalg.matMul(h, u));
    return tf.concat(parts, tf.constant(1));
  }

  @Override
  protected List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> states,
      Operand<TFloat32> droppedH) {
    Operand<TFloat32> c = states.get(1);
    Operand<TFloat32> z = tf.math.add(projected, recurrentProduct(tf, droppedH));
    List<Operand<TFloat32>> g = splitGates(tf, z, 4);
    Operand<TFloat32> i = recurrentActivation.apply(tf, g.get(0));
    Operand<TFloat32> f = recurrentActivation.apply(tf, g.get(1));
    Operand<TFloat32> cNew = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, activation.apply(tf, g.get(2))));
    Operand<TFloat32> o = recurrentActivation.apply(tf, g.get(3));
    Operand<TFloat32> h = tf.math.mul(o, activation.apply(tf, cNew));
    return List.of(h, cNew);
  }

  /**
   * Training steps run the sequence through TensorFlow's fused BlockLSTMV2 op with jkeras's
   * gradient ({@link BlockLstm}) where it computes exactly this layer (tanh and sigmoid; masks and
   * recurrent dropout keep the unrolled cell, see {@link RNN#fusedCall}) and the sequence has at
   * least {@link #FUSED_MIN_STEPS} steps. Chosen by measurement (bench FusedVsUnrolled, 2 vCPUs):
   * fused / unrolled step time 0.74-0.76 for LSTM(50) over 10 steps, 1.03-1.10 for char-lstm's
   * 2x LSTM(256) over 50 steps against the gate-split unrolled cell (within this machine's noise),
   * with graphs built 3-6x faster (char-lstm first step 0.9-1.3 s vs 4.4-5.5 s) and less memory.
   * Inference keeps the unrolled cell. {@code -Djkeras.fusedLstm=false} turns the fused path off.
   * Given initial states (Keras's {@code initial_state}) are the op's h0 and c0 inputs, and its
   * gradient reaches them, so the fused path serves those calls too.
   */
  @Override
  protected FusedResult fusedCall(CallContext ctx, Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> initialStates,
      int steps) {
    if (!ctx.training() || steps < FUSED_MIN_STEPS || !Boolean.parseBoolean(System.getProperty("jkeras.fusedLstm", "true"))
        || !"tanh".equals(activation.name()) || !"sigmoid".equals(recurrentActivation.name()) || !BlockLstm.available()) {
      return null;
    }
    BlockLstm.Result r = BlockLstm.forward(tf, inProcessingOrder(tf, x), read(kernel), read(recurrentKernel), useBias ? read(bias) : null,
        initialStates.get(0), initialStates.get(1), steps, units, returnSequences);
    return new FusedResult(r.sequence(), List.of(r.lastH(), r.lastC()));
  }

  /**
   * The shortest sequence trained through the fused op: below it the unrolled cell measured
   * faster (LSTM(50), batch 1 and 32: fused / unrolled 1.09-1.14 at 1-3 steps, 1.01-1.06 at 5).
   */
  static final int FUSED_MIN_STEPS = Integer.getInteger("jkeras.fusedMinSteps", 6);

  // ----- structure -----

  @Override
  public List<Activation> activations() {
    return List.of(recurrentActivation, activation);
  }

  /** Keras 2's hard_sigmoid as the recurrent activation: the columns of gates i, f and o (not c) feed it. */
  @Override
  public float[] keras3ColumnScale(Weight w) {
    boolean r = Activations.isKeras2HardSigmoid(recurrentActivation);
    return keras2HardSigmoidScale(w, r, r, false, r);
  }

  /** The activation also applies to the cell state, which no weight feeds directly. */
  @Override
  public String keras2HardSigmoidNotScalable() {
    return Activations.isKeras2HardSigmoid(activation) ? "its activation (applied to the cell state too)" : null;
  }

  /** Keras 1 stored W, U, b per gate (12 arrays): fused into kernel, recurrent_kernel, bias with gates i, f, c, o. */
  @Override
  public List<FloatArray> fromLegacyWeights(List<String> names, List<FloatArray> arrays) {
    return arrays.size() == 12 ? LegacyGates.fuse(names, arrays, "ifco", 0, 6, 3, 9) : arrays;
  }
}
