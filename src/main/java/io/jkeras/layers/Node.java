package io.jkeras.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Node}: one call of a layer on symbolic tensors. It keeps the call's structure as
 * Keras serializes it in {@code inbound_nodes}: the positional arguments ({@link #args}: a tensor,
 * or a list of tensors for a merge) and keyword arguments ({@link #kwargs}: an RNN's
 * {@code initial_state}). {@link #inputs} is every input tensor in order, args first.
 */
public final class Node {
  private final Layer<?> layer;
  private final int index;
  private final List<Object> args;
  private final Map<String, Object> kwargs;
  private final List<KerasTensor> inputs;
  private final List<KerasTensor> outputs = new ArrayList<>();

  Node(Layer<?> layer, int index, List<Object> args, Map<String, Object> kwargs) {
    this.layer = layer;
    this.index = index;
    this.args = List.copyOf(args);
    this.kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    List<KerasTensor> in = new ArrayList<>();
    for (Object a : args) flatten(a, in);
    for (Object v : kwargs.values()) flatten(v, in);
    this.inputs = List.copyOf(in);
  }

  private static void flatten(Object o, List<KerasTensor> out) {
    if (o instanceof KerasTensor) {
      out.add((KerasTensor) o);
    } else if (o instanceof List) {
      for (Object e : (List<?>) o) flatten(e, out);
    }
  }

  public Layer<?> layer() {
    return layer;
  }

  /** The position of this call among the layer's calls (Keras's node index). */
  public int index() {
    return index;
  }

  public List<Object> args() {
    return args;
  }

  public Map<String, Object> kwargs() {
    return kwargs;
  }

  public List<KerasTensor> inputs() {
    return inputs;
  }

  public List<KerasTensor> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  void addOutput(KerasTensor t) {
    outputs.add(t);
  }

  /** An input layer's node has no inputs: it starts the graph. */
  public boolean isInput() {
    return inputs.isEmpty();
  }
}
