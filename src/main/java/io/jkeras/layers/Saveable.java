package io.jkeras.layers;

import io.jkeras.backend.Weight;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Keras 3's {@code saving_lib} saves for one object as it walks the model
 * ({@code _walk_saveable}): the object's own variables, in Keras's order, in a {@code vars}
 * group whose attribute {@code name} is {@link #name()}, then its child objects, each in a
 * group of its own. A layer gives its tree with {@link Layer#saveable()}: by default its
 * weights and no children; an RNN keeps its weights in a child {@code cell}, Bidirectional in
 * {@code backward_layer} and {@code forward_layer}, TimeDistributed in {@code layer}. A model
 * used as a layer saves its layers as a model does: in a group {@code layers}, one group per layer
 * ({@link #layers(List)}).
 */
public final class Saveable {
  private final String name;
  private final List<Weight> vars;
  private final Layer<?> owner;
  private final Map<String, Saveable> children = new LinkedHashMap<>();
  private final List<Layer<?>> layers = new ArrayList<>();

  /** An object called {@code name} holding {@code vars}, which feed the computation of {@code owner}. */
  public Saveable(String name, List<Weight> vars, Layer<?> owner) {
    this.name = name;
    this.vars = List.copyOf(vars);
    this.owner = owner;
  }

  /** Adds a child object saved under {@code key} (children are saved in the order added); returns this. */
  public Saveable child(String key, Saveable child) {
    if (children.putIfAbsent(key, child) != null) throw new IllegalArgumentException("child '" + key + "' already added");
    return this;
  }

  /**
   * Adds the layers of a model used as a layer, saved as a model saves its own: a group
   * {@code layers} holding one group per layer, named by the file format (Keras 3: snake_case
   * class name and a per-class counter); returns this.
   */
  public Saveable layers(List<? extends Layer<?>> modelLayers) {
    layers.addAll(modelLayers);
    return this;
  }

  /** The layers saved under its {@code layers} group (a model used as a layer), in order; none by default. */
  public List<Layer<?>> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** The name its {@code vars} group carries (the layer's name; for a cell, {@code lstm_cell}...). */
  public String name() {
    return name;
  }

  /** Its own variables, in Keras's order. */
  public List<Weight> vars() {
    return vars;
  }

  /** The layer whose computation the variables feed (for a cell, its RNN layer). */
  public Layer<?> owner() {
    return owner;
  }

  /** Its child objects by key, in the order they are saved. */
  public Map<String, Saveable> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Its variables and all its descendants', depth first: own variables, the children's, then its layers'. */
  public List<Weight> allVars() {
    List<Weight> r = new ArrayList<>(vars);
    for (Saveable c : children.values()) r.addAll(c.allVars());
    for (Layer<?> l : layers) r.addAll(l.saveable().allVars());
    return r;
  }
}
