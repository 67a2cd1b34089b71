package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Bidirectional} wrapper for a recurrent layer. As in Keras, the wrapped layer
 * itself is not used: the wrapper makes a forward copy named {@code forward_<name>} and a
 * backward copy named {@code backward_<name>} with {@code go_backwards} flipped (or takes the
 * given {@code backward_layer}), runs both on the same input and mask, and merges the outputs
 * with {@code merge_mode}: "concat" (default, forward features first), "sum", "mul" or "ave".
 * With {@code return_sequences} the backward output is reversed back in time before the merge,
 * so that step t of both halves describes input step t. With {@code return_sequences} both
 * copies output zeros at masked steps ({@code zero_output_for_mask}), as Keras forces.
 *
 * <p>Weights: the forward layer's (kernel, recurrent_kernel, bias), then the backward layer's,
 * the order of Keras's {@code get_weights}.
 *
 * <p>{@code merge_mode=None} and {@code return_state} give several outputs (Keras's order: the
 * output, or forward then backward output with merge_mode None, then the forward layer's states,
 * then the backward layer's), which a Functional model takes ({@link #applyMulti}) and a layer of
 * a Sequential model cannot pass on: building such a Sequential model throws. Initial states
 * ({@code applyMulti(x, fh, fc, bh, bc)}) go half to the forward layer, half to the backward one.
 */
public final class Bidirectional extends Layer<Bidirectional> {
  private static final List<String> MERGE_MODES = List.of("concat", "sum", "mul", "ave");

  private final RNN<?> forwardLayer;
  private final RNN<?> backwardLayer;
  /** One of {@link #MERGE_MODES}, or null for Keras's None. */
  private final String mergeMode;

  /** Keras's {@code Bidirectional.from_config}: the wrapped layer, merge_mode and an optional backward_layer. */
  public static Bidirectional fromConfig(Config c) {
    JsonNode inner = c.getNode("layer");
    Layer<?> fwd = LayerRegistry.deserialize(inner, c.path() + ".layer", c.kerasMajor());
    if (!(fwd instanceof RNN)) {
      throw new KerasFormatException(c.path() + ".layer: Bidirectional needs a recurrent layer, got " + fwd.className());
    }
    RNN<?> bwd = null;
    if (c.has("backward_layer")) {
      Layer<?> b = LayerRegistry.deserialize(c.getNode("backward_layer"), c.path() + ".backward_layer", c.kerasMajor());
      if (!(b instanceof RNN)) {
        throw new KerasFormatException(c.path() + ".backward_layer: expected a recurrent layer, got " + b.className());
      }
      bwd = (RNN<?>) b;
    }
    c.ignore("backward_layer");
    String mode = c.has("merge_mode") ? c.getString("merge_mode", "concat") : (c.raw().has("merge_mode") ? null : "concat");
    c.ignore("merge_mode");
    Bidirectional bi = new Bidirectional((RNN<?>) fwd, mode, bwd);
    bi.readBaseConfig(c);
    return bi;
  }

  /** Wraps {@code layer} with merge_mode "concat". */
  public Bidirectional(RNN<?> layer) {
    this(layer, "concat", null);
  }

  /** Wraps {@code layer}; {@code mergeMode} is "concat", "sum", "mul", "ave", or null / "none". */
  public Bidirectional(RNN<?> layer, String mergeMode) {
    this(layer, mergeMode, null);
  }

  /**
   * Wraps {@code layer} with an explicit {@code backwardLayer} (Keras's {@code backward_layer}),
   * which must be unbuilt, have the opposite {@code go_backwards} and the same
   * {@code stateful}, {@code return_sequences} and {@code return_state}. Null makes the backward
   * layer from {@code layer}.
   */
  public Bidirectional(RNN<?> layer, String mergeMode, RNN<?> backwardLayer) {
    if (layer == null) throw new IllegalArgumentException("Bidirectional: the wrapped layer is null");
    this.mergeMode = parseMergeMode(mergeMode);
    this.forwardLayer = layer.copy("forward_" + removePrefix(layer.name(), "forward_"));
    if (backwardLayer == null) {
      this.backwardLayer = layer.copy("backward_" + removePrefix(layer.name(), "backward_"));
      this.backwardLayer.goBackwards(!layer.goBackwards());
    } else {
      if (backwardLayer == layer) {
        throw new IllegalArgumentException("Bidirectional: backward_layer must be another layer instance than layer");
      }
      if (backwardLayer.isBuilt()) {
        throw new IllegalArgumentException("Bidirectional: backward_layer " + backwardLayer.name() + " is already built");
      }
      this.backwardLayer = backwardLayer;
    }
    verifyLayers();
    // Keras forces zero outputs at masked steps when returning sequences (both directions line up).
    this.forwardLayer.zeroOutputForMask(forwardLayer.returnSequences());
    this.backwardLayer.zeroOutputForMask(this.backwardLayer.returnSequences());
    long[] shape = layer.batchInputShape();
    if (shape != null) batchInputShape(shape);
    this.supportsMasking = true;
  }

  private static String parseMergeMode(String mode) {
    if (mode == null || mode.equalsIgnoreCase("none")) return null;
    if (!MERGE_MODES.contains(mode)) {
      throw new IllegalArgumentException("Bidirectional: invalid merge_mode '" + mode
          + "'; expected one of \"concat\", \"sum\", \"mul\", \"ave\" or null (None)");
    }
    return mode;
  }

  private static String removePrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  private void verifyLayers() {
    RNN<?> f = forwardLayer;
    RNN<?> b = backwardLayer;
    if (f.goBackwards() == b.goBackwards()) {
      throw new IllegalArgumentException("Bidirectional: the forward and backward layers must have different go_backwards"
          + " values, got " + f.goBackwards() + " for both");
    }
    check("stateful", f.isStateful(), b.isStateful());
    check("return_sequences", f.returnSequences(), b.returnSequences());
    check("return_state", f.returnState(), b.returnState());
    if (mergeMode != null && !mergeMode.equals("concat") && f.units() != b.units()) {
      throw new IllegalArgumentException("Bidirectional: merge_mode '" + mergeMode + "' needs layers of equal units, got "
          + f.units() + " (forward) and " + b.units() + " (backward)");
    }
  }

  private static void check(String attribute, boolean forward, boolean backward) {
    if (forward != backward) {
      throw new IllegalArgumentException("Bidirectional: the forward and backward layers must have the same " + attribute
          + ", got " + forward + " (forward) and " + backward + " (backward)");
    }
  }

  public RNN<?> forwardLayer() {
    return forwardLayer;
  }

  public RNN<?> backwardLayer() {
    return backwardLayer;
  }

  /** "concat", "sum", "mul", "ave", or null for Keras's None. */
  public String mergeMode() {
    return mergeMode;
  }

  public boolean returnSequences() {
    return forwardLayer.returnSequences();
  }

  public boolean returnState() {
    return forwardLayer.returnState();
  }

  @Override
  public boolean isStateful() {
    return forwardLayer.isStateful();
  }

  @Override
  public void resetStates() {
    forwardLayer.resetStates();
    backwardLayer.resetStates();
  }

  // ----- Layer -----

  /** Throws unless this layer has exactly one output (a merge mode and no return_state). */
  private void checkSingleOutput(long[] s) {
    if (mergeMode == null) {
      throw shapeError("merge_mode=None returns two outputs (forward and backward), which cannot feed the next layer"
          + " of a Sequential model; use merge_mode \"concat\", \"sum\", \"mul\" or \"ave\"", s);
    }
    if (returnState()) {
      throw shapeError("return_state=true returns the output and the states of both directions, which cannot feed the"
          + " next layer of a Sequential model", s);
    }
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length != 3) throw shapeError("expected input of rank 3 (batch, timesteps, features)", s);
    if (s[2] < 0) throw shapeError("the number of features (last dimension) must be known", s);
    if (isStateful() && s[0] < 0) {
      throw shapeError("a stateful Bidirectional layer needs a fixed batch size: set batchInputShape(batch, timesteps,"
          + " features) or batchSize(n) on the first layer", s);
    }
  }

  @Override
  protected void build(long[] inputShape) {
    buildInner(forwardLayer, inputShape);
    buildInner(backwardLayer, inputShape);
    trackWeights(forwardLayer.allWeights());
    trackWeights(backwardLayer.allWeights());
  }

  @Override
  public List<Weight> trainableWeights() {
    List<Weight> r = new ArrayList<>();
    if (!trainable()) return r;
    r.addAll(forwardLayer.trainableWeights());
    r.addAll(backwardLayer.trainableWeights());
    return r;
  }

  @Override
  public List<Weight> nonTrainableWeights() {
    if (!trainable()) return new ArrayList<>(allWeights());
    List<Weight> r = new ArrayList<>(forwardLayer.nonTrainableWeights());
    r.addAll(backwardLayer.nonTrainableWeights());
    return r;
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    checkSingleOutput(s);
    return computeOutputShapes(List.of(s)).get(0);
  }

  /** The one output of a layer in a Sequential model (a merge mode, no return_state). */
  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    checkSingleOutput(inputs.shape().asArray());
    return callMulti(ctx, List.of(inputs), Collections.singletonList(mask)).get(0);
  }

  @Override
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return returnSequences() ? mask : null;
  }

  // ----- several inputs and outputs: initial_state, return_state, merge_mode None -----

  /**
   * A call's inputs are the sequence, then optionally initial states: the forward layer's, then
   * the backward layer's (Keras gives the first half to the forward layer, the rest to the
   * backward one).
   */
  @Override
  protected void checkInputShapes(List<long[]> inputShapes) {
    checkInputShape(inputShapes.get(0));
    InitialStates.check(this, inputShapes, List.of(forwardLayer, backwardLayer));
  }

  /** The output's shape (two with merge_mode None), then with return_state the forward and backward states'. */
  @Override
  public List<long[]> computeOutputShapes(List<long[]> inputShapes) {
    checkInputShapes(inputShapes);
    long[] s = inputShapes.get(0);
    List<long[]> f = forwardLayer.computeOutputShapes(List.of(s));
    List<long[]> b = backwardLayer.computeOutputShapes(List.of(s));
    List<long[]> r = new ArrayList<>();
    if (mergeMode == null) {
      r.add(f.get(0));
      r.add(b.get(0));
    } else {
      long[] out = f.get(0);
      if (mergeMode.equals("concat")) out[out.length - 1] += b.get(0)[b.get(0).length - 1];
      r.add(out);
    }
    r.addAll(f.subList(1, f.size()));
    r.addAll(b.subList(1, b.size()));
    return r;
  }

  /**
   * Keras's Bidirectional call: both layers on the same sequence and mask (none where initial
   * states are given, as Keras 3 passes none then), the backward output put back in input
   * order, the two merged; then, with return_state, the forward states and the backward states.
   */
  @Override
  protected List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    InitialStates.check(this, InitialStates.shapes(inputs), List.of(forwardLayer, backwardLayer));
    Operand<TFloat32> x = inputs.get(0);
    Operand<TBool> mask = inputs.size() == 1 && masks != null ? masks.get(0) : null;
    int nf = inputs.size() == 1 ? 0 : forwardLayer.stateCount();
    List<Operand<TFloat32>> fwdIn = new ArrayList<>(List.of(x));
    fwdIn.addAll(inputs.subList(1, 1 + nf));
    List<Operand<TFloat32>> bwdIn = new ArrayList<>(List.of(x));
    bwdIn.addAll(inputs.subList(1 + nf, inputs.size()));
    List<Operand<TFloat32>> fwd = forwardLayer.apply(ctx, fwdIn, Collections.nCopies(fwdIn.size(), mask));
    List<Operand<TFloat32>> bwd = backwardLayer.apply(ctx, bwdIn, Collections.nCopies(bwdIn.size(), mask));
    Operand<TFloat32> y = fwd.get(0);
    Operand<TFloat32> yRev = bwd.get(0);
    Ops tf = ctx.tf().withSubScope(name());
    if (returnSequences()) {
      // The backward layer returns its sequence in processing order: put it back in input order.
      yRev = tf.reverse(yRev, tf.constant(new int[] {1}));
    }
    List<Operand<TFloat32>> out = new ArrayList<>();
    if (mergeMode == null) {
      out.add(y);
      out.add(yRev);
    } else {
      out.add(merge(tf, y, yRev));
    }
    out.addAll(fwd.subList(1, fwd.size()));
    out.addAll(bwd.subList(1, bwd.size()));
    return out;
  }

  private Operand<TFloat32> merge(Ops tf, Operand<TFloat32> y, Operand<TFloat32> yRev) {
    switch (mergeMode) {
      case "concat":
        return tf.concat(List.of(y, yRev), tf.constant(-1));
      case "sum":
        return tf.math.add(y, yRev);
      case "mul":
        return tf.math.mul(y, yRev);
      case "ave":
        return tf.math.div(tf.math.add(y, yRev), tf.constant(2f));
      default:
        throw new IllegalStateException("unknown merge mode " + mergeMode);
    }
  }

  /**
   * Keras's compute_mask: the sequence's mask on each output (with return_sequences; two outputs
   * with merge_mode None), none on the states.
   */
  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Operand<TBool> m = computeMask(ctx, inputs.get(0), masks == null ? null : masks.get(0));
    List<Operand<TBool>> r = new ArrayList<>();
    r.add(m);
    if (mergeMode == null) r.add(m);
    if (returnState()) for (int i = 0; i < forwardLayer.stateCount() + backwardLayer.stateCount(); i++) r.add(null);
    return r;
  }

  /** The inputs after the sequence are initial states. */
  @Override
  protected boolean takesInitialStates() {
    return true;
  }

  // ----- structure -----

  @Override
  public List<Layer<?>> innerLayers() {
    return List.of(forwardLayer, backwardLayer);
  }

  /** Keras 3 saves the two layers as children {@code backward_layer}, then {@code forward_layer}. */
  @Override
  public Saveable saveable() {
    return new Saveable(name(), List.of(), this)
        .child("backward_layer", backwardLayer.saveable())
        .child("forward_layer", forwardLayer.saveable());
  }

  /** The forward layer's arrays come first, then the backward layer's: each half is converted by its layer. */
  @Override
  public List<FloatArray> fromLegacyWeights(List<String> names, List<FloatArray> arrays) {
    if (arrays.size() == weights().size() || arrays.size() % 2 != 0) return arrays;
    int half = arrays.size() / 2;
    List<FloatArray> r = new ArrayList<>(forwardLayer.fromLegacyWeights(names.subList(0, half), arrays.subList(0, half)));
    r.addAll(backwardLayer.fromLegacyWeights(names.subList(half, names.size()), arrays.subList(half, arrays.size())));
    return r;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("merge_mode", mergeMode);
    c.put("layer", KerasObjects.serialize("keras.layers", forwardLayer.className(), forwardLayer.getConfig()));
    c.put("backward_layer", KerasObjects.serialize("keras.layers", backwardLayer.className(), backwardLayer.getConfig()));
  }

  @Override
  public String toString() {
    return name() + " (Bidirectional " + forwardLayer.className().toLowerCase(Locale.ROOT) + ", merge " + mergeMode + ")";
  }
}
