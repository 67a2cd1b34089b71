package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.data.FloatArray;
import java.util.ArrayList;
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
 * <p>{@code merge_mode=None} and {@code return_state} give several outputs, which a layer of a
 * Sequential model cannot pass on: building such a layer throws.
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
    checkSingleOutput(s);
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
    long[] out = forwardLayer.computeOutputShape(s);
    if (mergeMode.equals("concat")) {
      long[] back = backwardLayer.computeOutputShape(s);
      out[out.length - 1] += back[back.length - 1];
    }
    return out;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    long[] s = inputs.shape().asArray();
    checkSingleOutput(s);
    Operand<TFloat32> y = forwardLayer.apply(ctx, inputs, mask);
    Operand<TFloat32> yRev = backwardLayer.apply(ctx, inputs, mask);
    Ops tf = ctx.tf().withSubScope(name());
    if (returnSequences()) {
      // The backward layer returns its sequence in processing order: put it back in input order.
      yRev = tf.reverse(yRev, tf.constant(new int[] {1}));
    }
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

  @Override
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return returnSequences() ? mask : null;
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
