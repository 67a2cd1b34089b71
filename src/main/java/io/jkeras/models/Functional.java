package io.jkeras.models;

import io.jkeras.Keras;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Node;
import io.jkeras.utils.Shapes;
import io.jkeras.utils.ResourceBudget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's Functional model: a graph of layer calls from its inputs to its outputs, made by calling
 * layers on symbolic tensors ({@code Model.of(inputs, outputs)}). Layers may take several inputs
 * (merges), give several outputs (an RNN with return_state), and be called more than once (shared
 * layers, which share their weights). The graph is ordered as Keras's {@code map_graph} orders it,
 * so {@link #layers()} and the weights come in Keras's order.
 */
public class Functional extends Model {
  private final List<KerasTensor> inputs;
  private final List<KerasTensor> outputs;
  private final List<InputLayer> inputLayers = new ArrayList<>();
  /** Every node of the graph (input nodes too), in execution order: decreasing depth. */
  private final List<Node> nodes = new ArrayList<>();
  /** Keras's {@code model.layers}: the layers in depth order, input layers first. */
  private final List<Layer<?>> layers = new ArrayList<>();
  private String name;
  private boolean built;

  Functional(List<KerasTensor> inputs, List<KerasTensor> outputs, String name) {
    this(inputs, outputs, name, true);
  }

  /** {@code build}: false for the graph a Sequential model runs on, which it builds in its own runtime. */
  Functional(List<KerasTensor> inputs, List<KerasTensor> outputs, String name, boolean build) {
    if (inputs == null || inputs.isEmpty()) throw new IllegalArgumentException("a Functional model needs at least one input");
    if (outputs == null || outputs.isEmpty()) throw new IllegalArgumentException("a Functional model needs at least one output");
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.name = name;
    for (KerasTensor t : this.inputs) {
      if (!(t.layer() instanceof InputLayer) || !t.node().isInput()) {
        throw new IllegalArgumentException("model inputs must come from Input (an InputLayer), got " + t);
      }
      if (inputLayers.contains(t.layer())) throw new IllegalArgumentException("input " + t.layer().name() + " is given twice");
      inputLayers.add((InputLayer) t.layer());
    }
    mapGraph();
    ResourceBudget.current().checkLayers("model " + name, layers.size());
    // Layers already built in another model keep their weights there: this model shares that
    // model's graph and session, so both compute with the same weights (Keras's shared layers).
    ModelRuntime shared = null;
    for (Layer<?> l : layers) {
      ModelRuntime rt = l.builtRuntime();
      if (rt == null) continue;
      if (shared != null && rt != shared) {
        throw new IllegalArgumentException("layer " + l.name() + " was built in another model than the other built layers;"
            + " layers of two separately built models cannot be combined");
      }
      shared = rt;
    }
    if (shared != null && build) shareRuntime(shared);
    // As in Keras, a Functional model's layers are built when it is made: every shape is known.
    if (build) buildLayers(runtime(), inputSpecs());
  }

  /**
   * Orders the graph as Keras's {@code map_graph}: a depth-first walk back from the outputs finds
   * the nodes (and refuses cycles); each node's depth is its longest distance to an output; nodes
   * and layers run and list by decreasing depth, ties in the walk's order.
   */
  private void mapGraph() {
    List<Node> finished = new ArrayList<>();
    Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<Layer<?>, Integer> layerIndex = new IdentityHashMap<>();
    for (KerasTensor out : outputs) walk(out, done, inProgress, finished, layerIndex);

    Map<Node, Integer> nodeDepth = new LinkedHashMap<>();
    Map<Layer<?>, Integer> layerDepth = new LinkedHashMap<>();
    Set<Node> inGraph = Collections.newSetFromMap(new IdentityHashMap<>());
    inGraph.addAll(finished);
    for (int i = finished.size() - 1; i >= 0; i--) {
      Node node = finished.get(i);
      int depth = nodeDepth.getOrDefault(node, 0);
      depth = Math.max(depth, layerDepth.getOrDefault(node.layer(), 0));
      layerDepth.put(node.layer(), depth);
      nodeDepth.put(node, depth);
      for (KerasTensor t : node.inputs()) {
        Node parent = t.node();
        if (!inGraph.contains(parent)) continue;
        nodeDepth.put(parent, Math.max(depth + 1, nodeDepth.getOrDefault(parent, 0)));
      }
    }
    for (KerasTensor in : inputs) {
      if (!layerDepth.containsKey(in.layer())) {
        layerDepth.put(in.layer(), 0);
        layerIndex.put(in.layer(), -1);
        nodeDepth.put(in.node(), 0);
      }
    }
    TreeMap<Integer, List<Node>> byDepth = new TreeMap<>(Collections.reverseOrder());
    for (Map.Entry<Node, Integer> e : nodeDepth.entrySet()) byDepth.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
    TreeMap<Integer, List<Layer<?>>> layersByDepth = new TreeMap<>(Collections.reverseOrder());
    for (Map.Entry<Layer<?>, Integer> e : layerDepth.entrySet()) {
      layersByDepth.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
    }
    for (List<Layer<?>> ls : layersByDepth.values()) {
      ls.sort((a, b) -> Integer.compare(layerIndex.get(a), layerIndex.get(b)));
      layers.addAll(ls);
    }
    // Every tensor a node needs must be computable from the inputs (Keras: "Graph disconnected").
    Set<KerasTensor> computable = Collections.newSetFromMap(new IdentityHashMap<>());
    computable.addAll(inputs);
    for (List<Node> ns : byDepth.values()) {
      for (Node node : ns) {
        for (KerasTensor t : node.inputs()) {
          if (!computable.contains(t)) {
            throw new IllegalArgumentException("graph disconnected: layer " + node.layer().name() + " needs " + t
                + ", which cannot be computed from the model's inputs");
          }
        }
        if (node.isInput() && !inputs.contains(node.outputs().get(0))) {
          throw new IllegalArgumentException("graph disconnected: input " + node.layer().name()
              + " is used but is not one of the model's inputs");
        }
        computable.addAll(node.outputs());
        nodes.add(node);
      }
    }
    Set<String> names = new HashSet<>();
    for (Layer<?> l : layers) {
      if (!names.add(l.name())) {
        throw new IllegalArgumentException("the name \"" + l.name() + "\" is used by two layers of the model; layer names must be unique");
      }
    }
  }

  private static void walk(KerasTensor t, Set<Node> done, Set<Node> inProgress, List<Node> finished,
      Map<Layer<?>, Integer> layerIndex) {
    Node node = t.node();
    if (done.contains(node)) return;
    if (inProgress.contains(node)) {
      throw new IllegalArgumentException("tensor " + t + " from layer " + node.layer().name() + " is part of a cycle");
    }
    layerIndex.putIfAbsent(node.layer(), layerIndex.size());
    inProgress.add(node);
    for (KerasTensor in : node.inputs()) walk(in, done, inProgress, finished, layerIndex);
    done.add(node);
    inProgress.remove(node);
    finished.add(node);
  }

  // ----- the model's surface -----

  @Override
  public String name() {
    if (name == null) name = Keras.uniqueName("functional");
    return name;
  }

  public Functional name(String name) {
    this.name = name;
    return this;
  }

  /** Keras's {@code model.layers}: input layers first, then every layer in depth order. */
  @Override
  public List<Layer<?>> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** The symbolic inputs, in order. */
  public List<KerasTensor> inputs() {
    return inputs;
  }

  /** The symbolic outputs, in order. */
  public List<KerasTensor> outputs() {
    return outputs;
  }

  /** The graph's nodes in execution order (input nodes first). */
  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  @Override
  public int inputCount() {
    return inputs.size();
  }

  @Override
  public int outputCount() {
    return outputs.size();
  }

  @Override
  public List<String> inputNames() {
    List<String> r = new ArrayList<>();
    for (InputLayer l : inputLayers) r.add(l.name());
    return r;
  }

  /** Keras 3's output names: the layer that made each output (with its tensor index when that layer gives several). */
  @Override
  public List<String> outputNames() {
    List<String> r = new ArrayList<>();
    for (KerasTensor t : outputs) r.add(t.layer().name());
    return r;
  }

  @Override
  public long[] inputBatchShape() {
    return inputs.get(0).shape();
  }

  @Override
  public List<long[]> inputSpecs() {
    List<long[]> r = new ArrayList<>();
    for (KerasTensor t : inputs) r.add(t.shape());
    return r;
  }

  @Override
  public String inputDtype() {
    return inputs.get(0).dtype();
  }

  /** The first layer that input {@code i} feeds alone (it checks raw data: an Embedding its ids), or null. */
  @Override
  public Layer<?> firstLayerOf(int i) {
    KerasTensor in = inputs.get(i);
    for (Node n : nodes) {
      if (n.inputs().size() == 1 && n.inputs().get(0) == in) return n.layer();
    }
    return null;
  }

  @Override
  public boolean isBuilt() {
    return built;
  }

  @Override
  public void build(long... batchInputShape) {
    buildLayers(runtime(), List.of(batchInputShape));
  }

  @Override
  protected void buildLayers(ModelRuntime runtime, List<long[]> batchInputShapes) {
    if (built) return;
    for (Node n : nodes) {
      if (n.isInput()) continue;
      List<long[]> shapes = new ArrayList<>();
      for (KerasTensor t : n.inputs()) shapes.add(t.shape());
      n.layer().build(runtime, shapes);
    }
    built = true;
  }

  @Override
  protected void buildLayers(ModelRuntime runtime, long[] batchInputShape) {
    buildLayers(runtime, List.of(batchInputShape));
  }

  @Override
  public List<long[]> computeOutputShapes(List<long[]> batchInputShapes) {
    if (batchInputShapes.size() != inputs.size()) {
      throw new IllegalArgumentException("model " + name() + " has " + inputs.size() + " inputs, got " + batchInputShapes.size() + " shapes");
    }
    Map<KerasTensor, long[]> shapes = new IdentityHashMap<>();
    for (int i = 0; i < inputs.size(); i++) shapes.put(inputs.get(i), batchInputShapes.get(i));
    for (Node n : nodes) {
      if (n.isInput()) continue;
      List<long[]> in = new ArrayList<>();
      for (KerasTensor t : n.inputs()) in.add(shapes.get(t));
      List<long[]> out = n.layer().computeOutputShapes(in);
      for (int k = 0; k < out.size(); k++) shapes.put(n.outputs().get(k), out.get(k));
    }
    List<long[]> r = new ArrayList<>();
    for (KerasTensor t : outputs) r.add(shapes.get(t).clone());
    return r;
  }

  @Override
  public long[] computeOutputShape(long[] batchInputShape) {
    requireOneInOut("computeOutputShape");
    return computeOutputShapes(List.of(batchInputShape)).get(0);
  }

  @Override
  protected List<Operand<TFloat32>> forwardAll(CallContext ctx, List<Operand<TFloat32>> in) {
    Map<KerasTensor, Operand<TFloat32>> values = new IdentityHashMap<>();
    Map<KerasTensor, Operand<TBool>> masks = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) values.put(inputs.get(i), in.get(i));
    for (Node n : nodes) {
      if (n.isInput()) continue;
      List<Operand<TFloat32>> args = new ArrayList<>();
      List<Operand<TBool>> argMasks = new ArrayList<>();
      for (KerasTensor t : n.inputs()) {
        args.add(values.get(t));
        argMasks.add(masks.get(t));
      }
      List<Operand<TFloat32>> out = n.layer().apply(ctx, args, argMasks);
      List<Operand<TBool>> outMasks = n.layer().computeMasks(ctx, args, argMasks);
      for (int k = 0; k < out.size(); k++) {
        values.put(n.outputs().get(k), out.get(k));
        if (k < outMasks.size() && outMasks.get(k) != null) masks.put(n.outputs().get(k), outMasks.get(k));
      }
    }
    List<Operand<TFloat32>> r = new ArrayList<>();
    for (KerasTensor t : outputs) r.add(values.get(t));
    return r;
  }

  @Override
  protected Operand<TFloat32> forward(CallContext ctx, Operand<TFloat32> in) {
    requireOneInOut("forward");
    return forwardAll(ctx, List.of(in)).get(0);
  }

  private void requireOneInOut(String what) {
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw new IllegalStateException(what + ": model " + name() + " has " + inputs.size() + " inputs and " + outputs.size()
          + " outputs; this call takes one of each");
    }
  }

  // ----- summary -----

  /** Prints Keras's summary table, with the "Connected to" column of Functional models. */
  public void summary() {
    System.out.print(summaryString());
    System.out.flush();
  }

  /** Keras's Functional summary: Layer (type), Output Shape, Param #, Connected to; then the parameter counts. */
  public String summaryString() {
    int[] cols = {30, 24, 11, 22};
    int width = cols[0] + cols[1] + cols[2] + cols[3];
    StringBuilder b = new StringBuilder();
    b.append("Model: \"").append(name()).append("\"\n").append("_".repeat(width)).append('\n');
    b.append(Summary.row(cols, " Layer (type)", "Output Shape", "Param #", "Connected to")).append("=".repeat(width)).append('\n');
    Map<Layer<?>, List<Node>> nodesOf = new LinkedHashMap<>();
    for (Node n : nodes) nodesOf.computeIfAbsent(n.layer(), k -> new ArrayList<>()).add(n);
    for (int i = 0; i < layers.size(); i++) {
      Layer<?> l = layers.get(i);
      List<Node> ns = nodesOf.getOrDefault(l, List.of());
      List<String> shapes = new ArrayList<>();
      List<String> from = new ArrayList<>();
      for (Node n : ns) {
        for (KerasTensor t : n.outputs()) shapes.add(Shapes.toString(t.shape()));
        for (KerasTensor t : n.inputs()) from.add(t.layer().name() + "[" + t.node().index() + "][" + t.tensorIndex() + "]");
      }
      String shape = shapes.size() == 1 ? shapes.get(0) : String.join(", ", shapes);
      b.append(Summary.row(cols, " " + l.name() + " (" + l.className() + ")", shape, String.format(Locale.ROOT, "%,d",
          l.countParams()), from.isEmpty() ? "-" : from.get(0)));
      for (int k = 1; k < from.size(); k++) b.append(Summary.row(cols, "", "", "", from.get(k)));
      b.append(i < layers.size() - 1 ? "\n" : "");
    }
    b.append("=".repeat(width)).append('\n');
    b.append(Summary.counts(this));
    b.append("_".repeat(width)).append('\n');
    return b.toString();
  }
}
