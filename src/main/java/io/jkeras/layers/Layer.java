package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.Keras;
import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.constraints.Constraint;
import io.jkeras.data.FloatArray;
import io.jkeras.initializers.Initializer;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.utils.Names;
import io.jkeras.utils.ResourceBudget;
import io.jkeras.utils.ResourceLimitException;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The base of every layer, as in Keras: {@code build} creates the weights once the input shape
 * is known, {@code call} computes the output, {@code getConfig} lists every constructor argument.
 * Shapes are {@code long[]} with the batch dimension first and {@code -1} for Keras's None.
 *
 * <p>The type parameter is the concrete layer, so that setters chain in any order:
 * {@code new LSTM(32).inputShape(3, 1).returnSequences(true)}.
 */
public abstract class Layer<L extends Layer<L>> {
  private String name;
  private boolean trainable = true;
  private long[] batchInputShape;
  private long[] builtInputShape;
  private ModelRuntime runtime;
  private final List<Weight> weights = new ArrayList<>();
  private CallContext context;
  private final List<Node> inboundNodes = new ArrayList<>();
  private List<long[]> builtInputShapes;
  /** Whether a mask arriving at this layer passes through unchanged (Keras's supports_masking). */
  protected boolean supportsMasking;

  @SuppressWarnings("unchecked")
  protected final L self() {
    return (L) this;
  }

  /** The Keras class name, as written to configs. */
  public String className() {
    return getClass().getSimpleName();
  }

  public String name() {
    if (name == null) name = Keras.uniqueName(Names.toSnakeCase(className()));
    return name;
  }

  public L name(String name) {
    if (name == null || name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("a layer name must be non-empty and contain no '/', got '" + name + "'");
    }
    this.name = name;
    return self();
  }

  public boolean trainable() {
    return trainable;
  }

  public L trainable(boolean trainable) {
    this.trainable = trainable;
    return self();
  }

  /** Keras's {@code input_shape}: the shape of one sample, -1 for unknown dims (None). */
  public L inputShape(long... dims) {
    this.batchInputShape = Shapes.withBatch(batchInputShape == null ? -1 : batchInputShape[0], dims);
    return self();
  }

  /** Keras's {@code batch_input_shape} / {@code batch_shape}: the batch dimension first. */
  public L batchInputShape(long... dims) {
    if (dims.length < 1) throw new IllegalArgumentException(className() + ": batch_input_shape needs a batch dimension");
    this.batchInputShape = dims.clone();
    return self();
  }

  /** Keras's {@code batch_size} argument: fixes the batch dimension of the input shape. */
  public L batchSize(long batchSize) {
    if (batchInputShape == null) {
      throw new IllegalStateException(name() + ": set inputShape before batchSize");
    }
    batchInputShape[0] = batchSize;
    return self();
  }

  /** The declared input shape including the batch dimension, or null. */
  public long[] batchInputShape() {
    return batchInputShape == null ? null : batchInputShape.clone();
  }

  // ----- lifecycle -----

  public final boolean isBuilt() {
    return builtInputShape != null;
  }

  /** The shape this layer was built for (batch first), or null before build. */
  public long[] builtInputShape() {
    return builtInputShape == null ? null : builtInputShape.clone();
  }

  /** Builds the layer for {@code inputShape} in {@code runtime}; does nothing if already built. */
  public final void build(ModelRuntime runtime, long[] inputShape) {
    if (isBuilt()) return;
    this.runtime = runtime;
    checkInputShape(inputShape);
    try {
      build(inputShape);
    } catch (ResourceLimitException e) {
      throw limitError(e);
    }
    this.builtInputShape = inputShape.clone();
  }

  /**
   * {@code e} (a weight or shape refused by the {@link ResourceBudget} or by overflow) with this
   * layer's name, class and size arguments in front: "layer lstm (LSTM, units=2147483647): ...".
   */
  protected final ResourceLimitException limitError(ResourceLimitException e) {
    String prefix = "layer " + name() + " (" + className();
    if (e.getMessage() != null && e.getMessage().startsWith("layer ")) return e; // a wrapped layer already named itself
    StringBuilder sizes = new StringBuilder();
    try {
      for (Map.Entry<String, Object> c : getConfig().entrySet()) {
        Object v = c.getValue();
        if ((v instanceof Integer || v instanceof Long) && !c.getKey().equals("seed")) sizes.append(", ").append(c.getKey()).append('=').append(v);
      }
    } catch (RuntimeException ignored) {
      // the config is only for the message
    }
    ResourceLimitException r = new ResourceLimitException(prefix + sizes + "): " + e.getMessage());
    r.initCause(e);
    return r;
  }

  /**
   * Checks the shapes this layer computes before they reach TensorFlow: no dimension below -1,
   * one sample's elements within a 64-bit count and the {@link ResourceBudget}'s bytes per tensor.
   */
  public final void checkShapeSize(String what, long[] shape) {
    try {
      ResourceBudget.current().checkTensor("one sample of its " + what, Shapes.withBatch(-1, Shapes.dropBatch(shape)), Float.BYTES);
    } catch (ResourceLimitException e) {
      throw limitError(e);
    }
  }

  /** Validates the input rank/dims before anything reaches TensorFlow; throws naming the layer. */
  protected void checkInputShape(long[] inputShape) {}

  /**
   * Checks raw input data before it is fed, when this is a model's first layer (Embedding
   * checks its ids here). Throws IllegalArgumentException naming the layer.
   */
  public void checkInputData(FloatArray data) {}

  /** Creates the weights. The default creates none. */
  protected void build(long[] inputShape) {}

  /** The runtime this layer was built in (its weights live there), or null before build. */
  public final ModelRuntime builtRuntime() {
    return isBuilt() ? runtime : null;
  }

  protected final ModelRuntime runtime() {
    if (runtime == null) throw new IllegalStateException("layer " + name() + " is not built yet");
    return runtime;
  }

  /** Keras's {@code add_weight}: creates {@code name}-scoped variable in this layer. */
  protected Weight addWeight(String weightName, long[] shape, Initializer initializer, boolean trainable) {
    return addWeight(weightName, shape, initializer, trainable, null, null);
  }

  /** {@code add_weight} with a regularizer (penalty added to the loss) and a constraint (applied after updates). */
  protected Weight addWeight(String weightName, long[] shape, Initializer initializer, boolean trainable,
      Regularizer regularizer, Constraint constraint) {
    Weight w = runtime().createWeight(name(), weightName, shape, initializer, trainable);
    w.setRegularizer(regularizer);
    w.setConstraint(constraint);
    weights.add(w);
    return w;
  }

  /** Adds weights created by a wrapped layer, so that this layer reports them as its own. */
  protected void trackWeights(List<Weight> inner) {
    weights.addAll(inner);
  }

  /** Builds a wrapped layer in this layer's runtime. */
  protected void buildInner(Layer<?> inner, long[] inputShape) {
    inner.build(runtime(), inputShape);
  }

  /** The output shape for {@code inputShape} (both batch first). */
  public abstract long[] computeOutputShape(long[] inputShape);

  /**
   * Runs {@link #call} in {@code ctx}: what models and wrapper layers invoke, so that the layer
   * reads its weights through the function being built ({@link #read}).
   */
  public final Operand<TFloat32> apply(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return inContext(ctx, () -> call(ctx, inputs, mask));
  }

  /** Runs {@code work} with {@code ctx} as the function being built, so that {@link #read} reads through it. */
  private <T> T inContext(CallContext ctx, Supplier<T> work) {
    CallContext previous = context;
    context = ctx;
    try {
      return work.get();
    } finally {
      context = previous;
    }
  }

  /** The value of one of this layer's weights in the function being built. */
  protected final Operand<TFloat32> read(Weight w) {
    if (context == null) throw new IllegalStateException("layer " + name() + ": read() outside apply()");
    return context.read(w);
  }

  /**
   * Computes the output. {@code mask} is the [batch, time] boolean mask of the input, or null.
   */
  public abstract Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask);

  /** The mask of this layer's output; by default the input mask passes through if supported. */
  public Operand<TBool> computeMask(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return supportsMasking ? mask : null;
  }

  /** Whether {@code call} keeps state across calls (stateful RNNs). */
  public boolean isStateful() {
    return false;
  }

  /** Clears the states of a stateful layer; no-op otherwise. */
  public void resetStates() {}

  // ----- weights -----

  /** All weights in Keras order: trainable ones first in creation order, then non-trainable. */
  public List<Weight> weights() {
    List<Weight> r = new ArrayList<>(trainableWeights());
    r.addAll(nonTrainableWeights());
    return r;
  }

  public List<Weight> trainableWeights() {
    List<Weight> r = new ArrayList<>();
    if (!trainable) return r;
    for (Weight w : weights) if (w.trainable()) r.add(w);
    return r;
  }

  public List<Weight> nonTrainableWeights() {
    List<Weight> r = new ArrayList<>();
    for (Weight w : weights) if (!trainable || !w.trainable()) r.add(w);
    return r;
  }

  /** All weights in creation order, regardless of trainability (Keras's layer.weights order when all trainable). */
  protected List<Weight> allWeights() {
    return Collections.unmodifiableList(weights);
  }

  public long countParams() {
    long n = 0;
    for (Weight w : weights) n += w.size();
    return n;
  }

  /** Keras's {@code get_weights}: current values in {@link #weights()} order. */
  public List<FloatArray> getWeights() {
    List<FloatArray> r = new ArrayList<>();
    for (Weight w : weights()) r.add(w.value());
    return r;
  }

  /** Keras's {@code set_weights}: values in {@link #weights()} order, shapes checked. */
  public void setWeights(List<FloatArray> values) {
    List<Weight> ws = weights();
    if (values.size() != ws.size()) {
      throw new IllegalArgumentException("layer " + name() + " has " + ws.size() + " weights ("
          + ws + ") but " + values.size() + " values were given");
    }
    for (int i = 0; i < ws.size(); i++) ws.get(i).assign(values.get(i));
  }

  // ----- structure: what file formats walk -----

  /**
   * The layers this layer wraps (Keras's tracked sublayers): Bidirectional's forward and backward
   * layers, TimeDistributed's layer. None by default.
   */
  public List<Layer<?>> innerLayers() {
    return List.of();
  }

  /**
   * What Keras 3 saves for this layer ({@code _walk_saveable}): by default its {@link #weights()}
   * and no children. Layers that keep their variables in sub-objects (an RNN's cell, a wrapper's
   * layers) override it.
   */
  public Saveable saveable() {
    return new Saveable(name(), weights(), this);
  }

  /**
   * The Keras class of the config this layer was read from; a Keras 3 weights file names the
   * layer's group after it. This layer's own class unless it was read from another one.
   */
  public String readFromClass() {
    return className();
  }

  /** The activation functions this layer applies, those of the layers it wraps included. */
  public List<Activation> activations() {
    List<Activation> r = new ArrayList<>();
    for (Layer<?> l : innerLayers()) r.addAll(l.activations());
    return r;
  }

  /**
   * Per last-axis column factors for this layer's weight {@code w} in a Keras 3 file, or null
   * to write it as it is. Keras 3 has no Keras 2 hard_sigmoid: where this layer applies Keras
   * 2's to an affine function of its weights, the columns that feed it are multiplied by
   * {@link Activations#KERAS2_HARD_SIGMOID_SCALE}, so that Keras 3's hard_sigmoid computes the
   * same. None by default.
   */
  public float[] keras3ColumnScale(Weight w) {
    return null;
  }

  /**
   * What in this layer applies Keras 2's hard_sigmoid where no scaling of weights
   * ({@link #keras3ColumnScale}) can carry it into a Keras 3 file ("it", "its activation"), or
   * null. Layers it wraps answer for themselves.
   */
  public String keras2HardSigmoidNotScalable() {
    return null;
  }

  /**
   * This layer's weights, in {@link #weights()} order, from the arrays a Keras 1/2 HDF5 file
   * holds for it ({@code names}: its {@code weight_names}). Layers whose Keras 1 weights had
   * another layout (per-gate LSTM and GRU matrices) convert them; the default takes the arrays
   * as they are.
   */
  public List<FloatArray> fromLegacyWeights(List<String> names, List<FloatArray> arrays) {
    return arrays;
  }

  /**
   * Column factors for {@link #keras3ColumnScale}: the last axis of {@code w} is cut into
   * {@code blocks.length} equal blocks (gates), and those marked true are scaled; null if none is.
   */
  protected static float[] keras2HardSigmoidScale(Weight w, boolean... blocks) {
    long[] shape = w.shape();
    int cols = (int) shape[shape.length - 1];
    int width = cols / blocks.length;
    float[] s = new float[cols];
    Arrays.fill(s, 1f);
    boolean any = false;
    for (int b = 0; b < blocks.length; b++) {
      if (!blocks[b]) continue;
      Arrays.fill(s, b * width, (b + 1) * width, Activations.KERAS2_HARD_SIGMOID_SCALE);
      any = true;
    }
    return any ? s : null;
  }

  // ----- config -----

  /**
   * Keras 3's layer config: name, trainable, dtype policy, then the layer's own arguments
   * ({@link #addConfig}).
   */
  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name());
    c.put("trainable", trainable);
    c.put("dtype", KerasObjects.float32Policy());
    addConfig(c);
    return c;
  }

  /**
   * Reads the arguments every Keras layer takes (name, trainable, dtype and the input-shape
   * forms of Keras 1, 2 and 3) from {@code c} into this layer.
   */
  protected L readBaseConfig(Config c) {
    if (c.has("name")) name(c.getString("name", null));
    trainable(c.getBool("trainable", true));
    if (c.has("dtype")) {
      JsonNode d = c.getNode("dtype");
      String dtype = d.isTextual() ? d.asText()
          : d.path("config").path("name").asText(d.path("class_name").asText("?"));
      if (!dtype.equals("float32")) {
        throw new KerasFormatException(c.path() + ".dtype: only float32 is supported, got " + dtype);
      }
    }
    c.ignore("input_dtype", "autocast");
    long[] batchShape = c.has("batch_shape") ? c.getShape("batch_shape") : c.getShape("batch_input_shape");
    long[] inputShape = c.getShape("input_shape");
    if (batchShape != null) {
      batchInputShape(batchShape);
    } else if (inputShape != null) {
      inputShape(inputShape);
    } else if (c.has("input_dim")) {
      // Keras 1/2: input_dim (and input_length for sequences) instead of a shape.
      int dim = c.getInt("input_dim");
      if (this instanceof Embedding) {
        c.ignore("input_dim");
      } else if (c.has("input_length")) {
        inputShape(c.getInt("input_length"), dim);
      } else if (this instanceof RNN) {
        inputShape(-1, dim);
      } else {
        inputShape(dim);
      }
    }
    c.ignore("input_length", "input_dim");
    if (c.has("batch_size") && batchInputShape() != null) batchSize(c.getInt("batch_size"));
    c.ignore("batch_size");
    return self();
  }

  /** Adds the layer's own constructor arguments to {@code config}. */
  protected void addConfig(Map<String, Object> config) {}

  /** Shape check helper: throws naming this layer. */
  protected final IllegalArgumentException shapeError(String what, long[] inputShape) {
    return new IllegalArgumentException(
        "layer " + name() + " (" + className() + "): " + what + ", got input shape " + Shapes.toString(inputShape));
  }

  // ----- Functional graphs: calls on symbolic tensors; several inputs or outputs -----

  /**
   * Keras's {@code layer(x)} on symbolic tensors: records the call as a {@link Node} and returns
   * its output. Several inputs go to a merge layer ({@code add.apply(a, b)}) or, after the first,
   * to an RNN as its initial states. A layer that returns several tensors here (an RNN with
   * {@code returnState}) is called with {@link #applyMulti}.
   */
  public KerasTensor apply(KerasTensor... inputs) {
    List<KerasTensor> out = applyMulti(inputs);
    if (out.size() != 1) {
      throw new IllegalArgumentException("layer " + name() + " (" + className() + ") returns " + out.size()
          + " tensors here; call applyMulti to get them all");
    }
    return out.get(0);
  }

  /** {@link #apply} for a layer with several outputs: [output, h, c] for an LSTM with returnState. */
  public List<KerasTensor> applyMulti(KerasTensor... inputs) {
    if (inputs == null || inputs.length == 0) throw new IllegalArgumentException("layer " + name() + ": no input tensors");
    List<KerasTensor> in = new ArrayList<>();
    for (KerasTensor t : inputs) {
      if (t == null) throw new IllegalArgumentException("layer " + name() + ": an input tensor is null");
      in.add(t);
    }
    return addNode(nodeArgs(in), nodeKwargs(in)).outputs();
  }

  /** Keras's {@code _inbound_nodes}: this layer's calls, in order. */
  public List<Node> inboundNodes() {
    return Collections.unmodifiableList(inboundNodes);
  }

  /**
   * Records a call whose arguments are already structured as Keras serializes them (the config
   * loader calls this with a node's args and kwargs); checks the input shapes first.
   */
  public Node addNode(List<Object> args, Map<String, Object> kwargs) {
    Node node = new Node(this, inboundNodes.size(), args, kwargs);
    List<long[]> shapes = new ArrayList<>();
    for (KerasTensor t : node.inputs()) shapes.add(t.shape());
    checkInputShapes(shapes);
    List<long[]> outShapes = computeOutputShapes(shapes);
    for (long[] o : outShapes) checkShapeSize("output", o);
    for (int i = 0; i < outShapes.size(); i++) node.addOutput(new KerasTensor(outShapes.get(i), "float32", node, i));
    inboundNodes.add(node);
    return node;
  }

  /**
   * The positional arguments of a call on {@code inputs}: one tensor, or a list of them (merges);
   * the sequence alone where the other inputs are {@link #takesInitialStates initial states}.
   */
  protected List<Object> nodeArgs(List<KerasTensor> inputs) {
    if (takesInitialStates()) return InitialStates.args(inputs);
    return inputs.size() == 1 ? List.of(inputs.get(0)) : List.of(List.copyOf(inputs));
  }

  /** The keyword arguments of a call on {@code inputs}: an RNN's {@code initial_state}; none by default. */
  protected Map<String, Object> nodeKwargs(List<KerasTensor> inputs) {
    return takesInitialStates() ? InitialStates.kwargs(inputs) : Map.of();
  }

  /**
   * Whether a call's inputs after the first are initial states (Keras's {@code initial_state}:
   * recurrent layers and Bidirectional), which Keras serializes as that keyword argument and
   * names in the build config. False by default.
   */
  protected boolean takesInitialStates() {
    return false;
  }

  /**
   * Whether this layer's calls take keyword arguments of their own (attention's {@code key},
   * {@code attention_mask}, {@code use_causal_mask}): a file's call is then replayed with its args
   * and kwargs as written ({@link #addNode}), which the layer checks. False by default.
   */
  public boolean takesCallArguments() {
    return false;
  }

  /** Starts a graph: the input layer's own node (no inputs, one output). */
  final KerasTensor inputNode(long[] batchShape, String dtype) {
    if (!inboundNodes.isEmpty()) return inboundNodes.get(0).outputs().get(0);
    if (batchShape.length > 0) checkShapeSize("input", batchShape);
    Node node = new Node(this, 0, List.of(), Map.of());
    node.addOutput(new KerasTensor(batchShape, dtype, node, 0));
    inboundNodes.add(node);
    return node.outputs().get(0);
  }

  /** Builds for several inputs (a merge, an RNN with initial states); one input builds as {@link #build(ModelRuntime, long[])}. */
  public final void build(ModelRuntime runtime, List<long[]> inputShapes) {
    if (inputShapes.size() == 1) {
      build(runtime, inputShapes.get(0));
      return;
    }
    if (isBuilt()) return;
    this.runtime = runtime;
    checkInputShapes(inputShapes);
    try {
      buildMulti(inputShapes);
    } catch (ResourceLimitException e) {
      throw limitError(e);
    }
    List<long[]> copy = new ArrayList<>();
    for (long[] s : inputShapes) copy.add(s.clone());
    this.builtInputShapes = copy;
    this.builtInputShape = inputShapes.get(0).clone();
  }

  /**
   * The shapes this layer was built for, one per input (one for most layers), or null before
   * build: a layer built from several inputs lists them all in its {@code build_config}, and Keras
   * refuses to build a merge from a single shape.
   */
  public List<long[]> builtInputShapes() {
    if (!isBuilt()) return null;
    List<long[]> r = new ArrayList<>();
    if (builtInputShapes == null) r.add(builtInputShape.clone());
    else for (long[] s : builtInputShapes) r.add(s.clone());
    return r;
  }

  /**
   * Keras's {@code get_build_config}: what a file records so that Keras can build the layer before
   * its weights load, or null before build: {@code {"input_shape": shape}}, the list of shapes
   * for a layer built from several inputs (a merge), or the named shapes of a layer built with
   * initial states.
   */
  public Map<String, Object> buildConfig() {
    List<long[]> all = builtInputShapes();
    if (all == null) return null;
    if (takesInitialStates() && all.size() > 1) return InitialStates.buildConfig(all);
    Map<String, Object> bc = new LinkedHashMap<>();
    if (all.size() > 1) {
      List<Object> shapes = new ArrayList<>();
      for (long[] s : all) shapes.add(KerasObjects.shape(s));
      bc.put("input_shape", shapes);
    } else {
      bc.put("input_shape", KerasObjects.shape(all.get(0)));
    }
    return bc;
  }

  /** Validates a call's input shapes; a layer that takes several inputs overrides this. */
  protected void checkInputShapes(List<long[]> inputShapes) {
    if (inputShapes.size() != 1) {
      throw new IllegalArgumentException("layer " + name() + " (" + className() + ") takes one input, got " + inputShapes.size());
    }
    checkInputShape(inputShapes.get(0));
  }

  /**
   * Creates the weights for several inputs (called after {@link #checkInputShapes} accepted them);
   * a layer given initial states builds for its sequence.
   */
  protected void buildMulti(List<long[]> inputShapes) {
    if (takesInitialStates()) build(inputShapes.get(0));
  }

  /** The output shapes for these input shapes: one for most layers. */
  public List<long[]> computeOutputShapes(List<long[]> inputShapes) {
    checkInputShapes(inputShapes);
    return List.of(computeOutputShape(inputShapes.get(0)));
  }

  /** Runs {@link #callMulti} in {@code ctx} (the Functional model's path; one input runs {@link #call}). */
  public final List<Operand<TFloat32>> apply(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return inContext(ctx, () -> callMulti(ctx, inputs, masks));
  }

  /** Computes the outputs from several inputs; by default the one-input {@link #call}. */
  protected List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return List.of(call(ctx, inputs.get(0), masks.get(0)));
  }

  /** The masks of the outputs of {@link #callMulti}; by default the one-input {@link #computeMask}. */
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return Collections.singletonList(computeMask(ctx, inputs.get(0), masks.get(0)));
  }

  @Override
  public String toString() {
    return name() + " (" + className() + ")";
  }
}
