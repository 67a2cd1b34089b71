package io.jkeras.saving.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Node;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.NestedModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Functional model configs, both ways: Keras 3's ({@code inbound_nodes} as {@code args}/{@code
 * kwargs} with {@code __keras_tensor__} objects carrying {@code keras_history}) and tf.keras 2 /
 * Keras 2's (nested lists of {@code [layer, node, tensor, kwargs]}). Reading replays the calls the
 * way Keras's {@code functional_from_config} does: a node waits until every tensor it needs exists,
 * so layers may be listed in any order; a graph whose nodes can never all run (a cycle, a missing
 * layer) is refused, naming the layer. A layer entry that is itself a model's config (Sequential,
 * Functional) is read as a {@link NestedModel}, and written back as that model's config.
 */
final class FunctionalJson {
  /**
   * Keras 3 records how it computes the masks it passes between layers as op nodes in the config
   * ({@code keras.src.ops}: NotEqual, Any, ExpandDims, LogicalOr, ZerosLike, ...), whose outputs
   * reach layers only as their {@code mask} argument. jkeras computes the same masks itself (each
   * layer's computeMask, as Keras does), so these nodes are left out; a model that feeds an op's
   * output to a layer as data is refused.
   */
  static final Set<String> MASK_OPS = Set.of("NotEqual", "Any");

  /**
   * The op nodes of a config, by name: those a Keras 3 config marks by module; in a legacy .h5
   * config (which drops "module"), entries without "trainable" (every layer but InputLayer has it)
   * that compute, directly or through other such entries, a {@code mask} argument.
   */
  private static Map<String, String> opNodes(JsonNode layerList) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    Map<String, String> ops = new LinkedHashMap<>();
    Set<String> candidates = new HashSet<>();
    List<String> queue = new ArrayList<>();
    for (JsonNode l : layerList) {
      String name = l.path("name").asText(l.path("config").path("name").asText("?"));
      byName.put(name, l);
      String module = l.path("module").asText("");
      String cls = l.path("class_name").asText();
      if (module.startsWith("keras.src.ops")) ops.put(name, cls);
      JsonNode config = l.path("config");
      if (module.isEmpty() && !cls.equals("InputLayer") && config.isObject() && !config.has("trainable")) candidates.add(name);
      for (JsonNode node : l.path("inbound_nodes")) {
        if (node.isObject()) collectNames(node.path("kwargs").get("mask"), queue);
        else if (node.isArray()) for (JsonNode t : node) if (t.isArray() && t.size() > 3) collectNames(t.get(3).get("mask"), queue);
      }
    }
    while (!queue.isEmpty()) {
      String n = queue.remove(queue.size() - 1);
      if (!candidates.contains(n) || ops.containsKey(n)) continue;
      ops.put(n, byName.get(n).path("class_name").asText());
      for (JsonNode node : byName.get(n).path("inbound_nodes")) collectNames(node.isObject() ? node.get("args") : node, queue);
    }
    return ops;
  }

  private FunctionalJson() {}

  // ----- reading -----

  static Functional read(JsonNode config, int major) {
    return read(config, major, Model::of);
  }

  /** A Functional config nested in another model's: the graph as a layer, its weights created by the outer model. */
  static NestedModel readNested(JsonNode config, int major) {
    return read(config, major, NestedModel::functional);
  }

  /** What a read graph becomes: a model, or a model used as a layer. */
  private interface GraphMaker<T> {
    T make(List<KerasTensor> inputs, List<KerasTensor> outputs, String name);
  }

  private static <T> T read(JsonNode config, int major, GraphMaker<T> maker) {
    if (config == null || !config.has("layers") || !config.get("layers").isArray()) {
      throw new KerasFormatException("config: a functional config needs a \"layers\" list");
    }
    JsonNode layerList = config.get("layers");
    Map<String, Layer<?>> byName = new LinkedHashMap<>();
    Map<String, JsonNode> nodesOf = new LinkedHashMap<>();
    Map<String, String> where = new HashMap<>();
    Map<String, String> ops = opNodes(layerList);
    for (int i = 0; i < layerList.size(); i++) {
      JsonNode l = layerList.get(i);
      String path = "config.layers[" + i + "]";
      String name = l.path("name").asText(l.path("config").path("name").asText(null));
      if (name == null) throw new KerasFormatException(path + ": a functional layer needs a name");
      String cls = l.path("class_name").asText();
      if (ops.containsKey(name)) continue;
      if (byName.containsKey(name)) throw new KerasFormatException(path + ": two layers are named '" + name + "'");
      Layer<?> layer = KerasJson.layer(l, path, major);
      if (!layer.name().equals(name)) layer.name(name);
      byName.put(name, layer);
      nodesOf.put(name, l.get("inbound_nodes"));
      where.put(name, path);
    }
    // Replay the calls: each pass runs every node whose inputs exist, until none is left.
    Map<String, Integer> done = new HashMap<>();
    List<String> pending = new ArrayList<>(byName.keySet());
    boolean progress = true;
    while (progress) {
      progress = false;
      for (String name : pending) {
        Layer<?> layer = byName.get(name);
        if (layer instanceof InputLayer) {
          if (done.getOrDefault(name, 0) == 0) {
            ((InputLayer) layer).output();
            done.put(name, 1);
            progress = true;
          }
          continue;
        }
        JsonNode nodes = nodesOf.get(name);
        int n = done.getOrDefault(name, 0);
        String nodesPath = where.get(name) + ".inbound_nodes";
        if (nodes == null || nodes.isNull()) continue;
        if (!nodes.isArray()) throw new KerasFormatException(nodesPath + ": expected a list");
        while (n < nodes.size()) {
          boolean structured = layer.takesCallArguments() && nodes.get(n).isObject();
          List<KerasTensor> in = inputsOf(nodes.get(n), byName, ops, nodesPath + "[" + n + "]", structured);
          if (in == null) break;
          try {
            if (structured) {
              // The call's own arguments (an attention layer's key, attention_mask, use_causal_mask) as written.
              String p = nodesPath + "[" + n + "]";
              @SuppressWarnings("unchecked")
              List<Object> args = (List<Object>) callArgument(nodes.get(n).get("args"), byName, ops, p + ".args");
              layer.addNode(args == null ? List.of() : args, callKwargs(nodes.get(n).get("kwargs"), byName, ops, p + ".kwargs"));
            } else {
              layer.applyMulti(in.toArray(new KerasTensor[0]));
            }
          } catch (IllegalArgumentException e) {
            throw new KerasFormatException(nodesPath + "[" + n + "]: " + e.getMessage(), e);
          }
          n++;
          progress = true;
        }
        done.put(name, n);
      }
    }
    for (String name : pending) {
      JsonNode nodes = nodesOf.get(name);
      int want = byName.get(name) instanceof InputLayer ? 1 : nodes == null || nodes.isNull() ? 0 : nodes.size();
      if (done.getOrDefault(name, 0) < want) {
        throw new KerasFormatException(where.get(name) + ": layer '" + name + "' can never be called: its inputs come from a"
            + " layer that is missing or from a cycle in the graph");
      }
    }
    List<KerasTensor> inputs = tensors(config.get("input_layers"), byName, ops, "config.input_layers");
    List<KerasTensor> outputs = tensors(config.get("output_layers"), byName, ops, "config.output_layers");
    try {
      return maker.make(inputs, outputs, config.path("name").asText(null));
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException("config: " + e.getMessage(), e);
    }
  }

  /**
   * The input tensors of one serialized call, in order (args, then {@code initial_state}); null
   * while one of them does not exist yet.
   */
  private static List<KerasTensor> inputsOf(JsonNode node, Map<String, Layer<?>> byName, Map<String, String> ops, String path,
      boolean structured) {
    List<KerasTensor> r = new ArrayList<>();
    boolean[] missing = {false};
    if (node.isObject()) { // Keras 3: {"args": [...], "kwargs": {...}}
      collect(node.get("args"), byName, ops, path + ".args", r, missing);
      JsonNode kwargs = node.get("kwargs");
      if (kwargs != null && kwargs.isObject()) {
        for (Map.Entry<String, JsonNode> e : iterable(kwargs)) {
          String k = e.getKey();
          if (k.equals("initial_state")) {
            collect(e.getValue(), byName, ops, path + ".kwargs.initial_state", r, missing);
          } else if (k.equals("mask")) {
            checkMask(e.getValue(), ops, path + ".kwargs.mask");
          } else if (k.equals("training")) {
            continue;
          } else if (structured) {
            collect(e.getValue(), byName, ops, path + ".kwargs." + k, r, missing);
          } else if (containsTensor(e.getValue())) {
            throw new KerasFormatException(path + ".kwargs." + k + ": not supported yet: a tensor passed as '" + k + "'");
          }
        }
      }
    } else if (node.isArray()) { // Keras 2: [[layer, node, tensor, kwargs], ...]
      for (JsonNode t : node) {
        if (!t.isArray() || t.size() < 3) throw new KerasFormatException(path + ": expected [layer, node, tensor, kwargs] entries");
        KerasTensor kt = tensor(t.get(0).asText(), t.get(1).asInt(), t.get(2).asInt(), byName, ops, path);
        if (kt == null) missing[0] = true;
        else r.add(kt);
        JsonNode kw = t.size() > 3 ? t.get(3) : null;
        if (kw != null && kw.isObject()) {
          for (Map.Entry<String, JsonNode> e : iterable(kw)) {
            if (e.getKey().equals("initial_state")) collect(e.getValue(), byName, ops, path + ".initial_state", r, missing);
            else if (e.getKey().equals("mask")) checkMask(e.getValue(), ops, path + ".mask");
            else if (containsTensor(e.getValue())) {
              throw new KerasFormatException(path + ": not supported yet: a tensor passed as '" + e.getKey() + "'");
            }
          }
        }
      }
    } else {
      throw new KerasFormatException(path + ": expected a node object or list");
    }
    return missing[0] ? null : r;
  }

  /**
   * A serialized call argument as the layer takes it: tensors as {@link KerasTensor}s, lists as
   * lists, and constants (true, 2, "x", null) as their Java values. Every tensor must exist.
   */
  private static Object callArgument(JsonNode n, Map<String, Layer<?>> byName, Map<String, String> ops, String path) {
    if (n == null || n.isNull()) return null;
    if (n.isObject()) {
      List<KerasTensor> t = new ArrayList<>();
      boolean[] missing = {false};
      collect(n, byName, ops, path, t, missing);
      if (t.size() == 1 && !missing[0]) return t.get(0);
      if (n.has("class_name")) throw new KerasFormatException(path + ": not supported yet: an argument of class " + n.get("class_name"));
      throw new KerasFormatException(path + ": not supported yet: a dict argument");
    }
    if (n.isArray()) {
      List<Object> r = new ArrayList<>();
      for (int i = 0; i < n.size(); i++) r.add(callArgument(n.get(i), byName, ops, path + "[" + i + "]"));
      return r;
    }
    if (n.isBoolean()) return n.asBoolean();
    if (n.isIntegralNumber()) return n.asLong();
    if (n.isNumber()) return n.asDouble();
    return n.asText();
  }

  /** A call's keyword arguments as the layer takes them; masks jkeras computes itself and {@code training} are left out. */
  private static Map<String, Object> callKwargs(JsonNode kwargs, Map<String, Layer<?>> byName, Map<String, String> ops, String path) {
    Map<String, Object> r = new LinkedHashMap<>();
    if (kwargs == null || !kwargs.isObject()) return r;
    for (Map.Entry<String, JsonNode> e : iterable(kwargs)) {
      String k = e.getKey();
      if (k.equals("mask")) {
        checkMask(e.getValue(), ops, path + ".mask");
      } else if (!k.equals("training")) {
        r.put(k, callArgument(e.getValue(), byName, ops, path + "." + k));
      }
    }
    return r;
  }

  /** Every {@code __keras_tensor__} (or Keras 2 history triple) in {@code n}, in order. */
  private static void collect(JsonNode n, Map<String, Layer<?>> byName, Map<String, String> ops, String path,
      List<KerasTensor> out, boolean[] missing) {
    if (n == null || n.isNull()) return;
    if (n.isObject()) {
      JsonNode h = n.path("config").get("keras_history");
      if (h != null && h.isArray() && h.size() >= 3) {
        KerasTensor t = tensor(h.get(0).asText(), h.get(1).asInt(), h.get(2).asInt(), byName, ops, path);
        if (t == null) missing[0] = true;
        else out.add(t);
        return;
      }
      if ("__keras_tensor__".equals(n.path("class_name").asText())) {
        throw new KerasFormatException(path + ": a tensor without keras_history");
      }
      return; // a constant argument
    }
    if (n.isArray()) {
      if (n.size() >= 3 && n.get(0).isTextual() && n.get(1).isNumber() && n.get(2).isNumber()) {
        KerasTensor t = tensor(n.get(0).asText(), n.get(1).asInt(), n.get(2).asInt(), byName, ops, path);
        if (t == null) missing[0] = true;
        else out.add(t);
        return;
      }
      for (JsonNode c : n) collect(c, byName, ops, path, out, missing);
    }
  }

  /** The tensor [layer, node, tensor], or null when that node has not been made yet. */
  private static KerasTensor tensor(String layerName, int node, int index, Map<String, Layer<?>> byName,
      Map<String, String> ops, String path) {
    if (ops.containsKey(layerName)) {
      throw new KerasFormatException(path + ": not supported yet: the output of the op '" + layerName + "' ("
          + ops.get(layerName) + ") used as data (jkeras leaves out the ops Keras records for masks only)");
    }
    Layer<?> l = byName.get(layerName);
    if (l == null) throw new KerasFormatException(path + ": refers to layer '" + layerName + "', which the config does not have");
    if (node < 0 || index < 0) throw new KerasFormatException(path + ": negative node or tensor index for '" + layerName + "'");
    List<Node> nodes = l.inboundNodes();
    if (node >= nodes.size()) return null;
    List<KerasTensor> outs = nodes.get(node).outputs();
    if (index >= outs.size()) {
      throw new KerasFormatException(path + ": layer '" + layerName + "' call " + node + " has " + outs.size()
          + " outputs, not " + (index + 1));
    }
    return outs.get(index);
  }

  private static List<KerasTensor> tensors(JsonNode n, Map<String, Layer<?>> byName, Map<String, String> ops, String path) {
    if (n == null || !n.isArray() || n.size() == 0) throw new KerasFormatException(path + ": expected a list of [layer, node, tensor]");
    List<JsonNode> entries = new ArrayList<>();
    if (n.get(0).isTextual()) entries.add(n); // Keras 3 writes one input as a bare [name, 0, 0]
    else for (JsonNode e : n) entries.add(e);
    List<KerasTensor> r = new ArrayList<>();
    for (JsonNode e : entries) {
      if (!e.isArray() || e.size() < 3 || !e.get(0).isTextual()) throw new KerasFormatException(path + ": expected [layer, node, tensor]");
      KerasTensor t = tensor(e.get(0).asText(), e.get(1).asInt(), e.get(2).asInt(), byName, ops, path);
      if (t == null) throw new KerasFormatException(path + ": layer '" + e.get(0).asText() + "' has no call " + e.get(1).asInt());
      r.add(t);
    }
    return r;
  }

  /** A mask passed to a call must be one jkeras computes itself (from Masking or Embedding), never a free tensor. */
  private static void checkMask(JsonNode mask, Map<String, String> ops, String path) {
    if (mask == null || mask.isNull()) return;
    List<String> layers = new ArrayList<>();
    collectNames(mask, layers);
    for (String l : layers) {
      if (!ops.containsKey(l)) {
        throw new KerasFormatException(path + ": not supported yet: an explicit mask from layer '" + l + "'");
      }
    }
  }

  private static void collectNames(JsonNode n, List<String> out) {
    if (n == null) return;
    JsonNode h = n.isObject() ? n.path("config").get("keras_history") : null;
    if (h != null && h.isArray() && h.size() > 0) {
      out.add(h.get(0).asText());
    } else if (n.isArray() && n.size() >= 3 && n.get(0).isTextual() && n.get(1).isNumber()) {
      out.add(n.get(0).asText());
    } else if (n.isContainerNode()) {
      for (JsonNode c : n) collectNames(c, out);
    }
  }

  private static boolean containsTensor(JsonNode n) {
    List<String> names = new ArrayList<>();
    collectNames(n, names);
    return !names.isEmpty();
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }

  // ----- writing -----

  /** Keras 3's config of a Functional model: layers with their inbound nodes, input and output layers. */
  static Map<String, Object> config(Functional model) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("trainable", true);
    List<Object> layers = new ArrayList<>();
    Map<Node, Integer> nodeIndex = new IdentityHashMap<>();
    for (Node n : model.nodes()) nodeIndex.put(n, n.index());
    for (Layer<?> l : model.layers()) {
      Map<String, Object> entry = new LinkedHashMap<>(KerasJson.layerTree(l));
      entry.put("name", l.name());
      List<Object> inbound = new ArrayList<>();
      for (Node n : l.inboundNodes()) {
        if (n.isInput() || !nodeIndex.containsKey(n)) continue;
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("args", serializeArgs(n.args()));
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : n.kwargs().entrySet()) kwargs.put(e.getKey(), serializeArgs(e.getValue()));
        call.put("kwargs", kwargs);
        inbound.add(call);
      }
      entry.put("inbound_nodes", inbound);
      layers.add(entry);
    }
    config.put("layers", layers);
    config.put("input_layers", history(model.inputs()));
    config.put("output_layers", history(model.outputs()));
    return config;
  }

  private static Object serializeArgs(Object a) {
    if (a instanceof KerasTensor) return kerasTensor((KerasTensor) a);
    if (a instanceof List) {
      List<Object> r = new ArrayList<>();
      for (Object o : (List<?>) a) r.add(serializeArgs(o));
      return r;
    }
    return a;
  }

  private static Map<String, Object> kerasTensor(KerasTensor t) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("shape", KerasObjects.shape(t.shape()));
    c.put("dtype", t.dtype());
    c.put("keras_history", List.of(t.layer().name(), t.node().index(), t.tensorIndex()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_name", "__keras_tensor__");
    m.put("config", c);
    return m;
  }

  /** [[layer, node, tensor], ...]; Keras 3 writes a single one bare. */
  private static Object history(List<KerasTensor> ts) {
    List<Object> r = new ArrayList<>();
    for (KerasTensor t : ts) r.add(List.of(t.layer().name(), t.node().index(), t.tensorIndex()));
    return r.size() == 1 ? r.get(0) : r;
  }
}
