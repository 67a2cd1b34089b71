package io.jkeras.saving.keras;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jkeras.Keras;
import io.jkeras.activations.Activations;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.Layer;
import io.jkeras.layers.LayerRegistry;
import io.jkeras.losses.Loss;
import io.jkeras.losses.Losses;
import io.jkeras.models.Functional;
import io.jkeras.models.NestedModel;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.optimizers.OptimizerConfigs;
import io.jkeras.optimizers.Optimizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras's model JSON, both ways: reads what Python writes with {@code model.to_json()} and the
 * {@code config.json} of a {@code .keras} archive (Keras 3; tf.keras 2.x; Keras 1/2 legacy
 * names), including functional models that are a single chain of layers; writes Keras 3 JSON
 * that {@code keras.models.model_from_json} accepts.
 *
 * <p>Safety: parsed as a plain tree (no Jackson default typing), with limits on size, nesting
 * and string length; only layers in {@link LayerRegistry} are ever built.
 */
public final class KerasJson {
  /**
   * Top-level key marking a config whose "hard_sigmoid" is Keras 2's clip(0.2x+0.5, 0, 1)
   * (a model read from a Keras 1/2 file): Keras 3 has no name for that function, so jkeras
   * records it here; Python Keras ignores the key (and uses its own hard_sigmoid). .keras files
   * carry such models exactly instead, by scaling the weights (see {@link KerasModels#saveKeras}).
   */
  public static final String KERAS2_HARD_SIGMOID_KEY = "jkeras_hard_sigmoid";

  /** Largest config accepted, in bytes. */
  public static final long MAX_BYTES = 32L << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(64).maxStringLength(1 << 20).maxNumberLength(64).build())
      .build());

  private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private KerasJson() {}

  /** Reads a Sequential model (or a chain-shaped Functional one) from a JSON file. Errors name the file and the JSON path. */
  public static Sequential read(Path path) {
    Model m = readModel(path);
    if (m instanceof Sequential) return (Sequential) m;
    m.close();
    throw new KerasFormatException(path + ": a Functional model that is not a single chain: open it with readModel");
  }

  /** Reads any model from a JSON file: a Sequential, or a Functional graph. */
  public static Model readModel(Path path) {
    String text;
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) throw new KerasFormatException(path + ": " + size + " bytes is larger than the " + MAX_BYTES + " accepted for a model config");
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new KerasFormatException(path + ": no such file", e);
    } catch (IOException e) {
      throw new KerasFormatException(path + ": cannot read: " + e.getMessage(), e);
    }
    try {
      return readModel(text);
    } catch (KerasFormatException e) {
      throw new KerasFormatException(path + ": " + e.getMessage(), e);
    }
  }

  /** Reads a Sequential model (or a chain-shaped Functional one) from JSON text. */
  public static Sequential read(String json) {
    return fromTree(parse(json), -1);
  }

  /** Reads any model from JSON text. */
  public static Model readModel(String json) {
    return modelFromTree(parse(json), -1);
  }

  /** Parses JSON text with the size and depth limits; malformed JSON reports line and column. */
  public static JsonNode parse(String json) {
    if (json.length() > MAX_BYTES) throw new KerasFormatException("config larger than " + MAX_BYTES + " characters");
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || !n.isObject()) throw new KerasFormatException("expected a JSON object at the top level");
      return n;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new KerasFormatException("malformed JSON" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The Keras major version a config was written by: "keras_version" if present, else by its shape. */
  public static int kerasMajor(JsonNode root) {
    JsonNode v = root.get("keras_version");
    if (v != null && v.isTextual() && !v.asText().isEmpty() && Character.isDigit(v.asText().charAt(0))) {
      return Character.getNumericValue(v.asText().charAt(0));
    }
    return root.has("module") ? 3 : 2;
  }

  /**
   * Builds the model from a parsed config. {@code kerasMajor} overrides the version found in
   * the tree (a {@code .keras} archive keeps it in metadata.json); -1 detects it.
   */
  public static Sequential fromTree(JsonNode root, int kerasMajor) {
    Model m = modelFromTree(root, kerasMajor);
    if (m instanceof Sequential) return (Sequential) m;
    String what = "a Functional model with " + m.inputCount() + " input(s), " + m.outputCount() + " output(s) and "
        + m.layers().size() + " layers";
    m.close();
    throw new KerasFormatException("config: " + what + " is not a Sequential model: open it as a Model"
        + " (KerasJson.readModel, KerasModels.loadModel, SavingApi.loadModel)");
  }

  /**
   * {@link #fromTree} for any model: a Sequential (also for a Functional config whose layers form
   * one chain, as before), or a {@link Functional}.
   */
  public static Model modelFromTree(JsonNode root, int kerasMajor) {
    int major = kerasMajor > 0 ? kerasMajor : kerasMajor(root);
    if ("keras2".equals(root.path(KERAS2_HARD_SIGMOID_KEY).asText())) major = 2;
    JsonNode cn = root.get("class_name");
    String cls = cn == null ? "" : cn.asText();
    JsonNode config = root.get("config");
    switch (cls) {
      case "Sequential":
        return sequential(config, major);
      case "Model":
      case "Functional":
        try {
          return functional(config, major);
        } catch (NotAChain e) {
          return FunctionalJson.read(config, major);
        }
      default:
        throw new KerasFormatException("class_name: not supported yet: a top-level model of class '" + cls
            + "' (supported: Sequential, Model and Functional)");
    }
  }

  private static Sequential sequential(JsonNode config, int major) {
    JsonNode layers;
    String name = null;
    long[] buildShape = null;
    String layersPath;
    if (config != null && config.isArray()) { // Keras <= 2.2: "config" is the list of layers
      layers = config;
      layersPath = "config";
    } else if (config != null && config.isObject() && config.has("layers") && config.get("layers").isArray()) {
      layers = config.get("layers");
      layersPath = "config.layers";
      if (config.hasNonNull("name")) name = config.get("name").asText();
      if (config.hasNonNull("build_input_shape")) {
        buildShape = new Config(config, "config", major).getShape("build_input_shape");
      }
    } else {
      throw new KerasFormatException("config: a Sequential config needs a \"layers\" list");
    }
    Sequential model = name == null ? new Sequential() : new Sequential(name);
    for (int i = 0; i < layers.size(); i++) {
      Layer<?> l = layer(layers.get(i), layersPath + "[" + i + "]", major);
      if (l instanceof InputLayer && i > 0) {
        throw new KerasFormatException(layersPath + "[" + i + "]: an InputLayer may only come first in a Sequential model");
      }
      model.add(l);
    }
    if (model.inputBatchShape() == null && buildShape != null) model.setInputBatchShape(buildShape);
    return model;
  }

  /** Keras's model classes, which a config may also use as a layer (a model nested in another). */
  private static final Set<String> MODEL_CLASSES = Set.of("Functional", "Model", "Sequential");

  /**
   * One layer entry of a model config: a layer, or a model used as a layer (class Sequential,
   * Functional or Model), read with its weights not yet created: the model it is a layer of
   * creates them.
   */
  static Layer<?> layer(JsonNode entry, String path, int major) {
    String cls = entry.path("class_name").asText();
    if (!MODEL_CLASSES.contains(cls)) return LayerRegistry.deserialize(entry, path, major);
    try {
      JsonNode config = entry.get("config");
      return cls.equals("Sequential") ? NestedModel.of(sequential(config, major)) : FunctionalJson.readNested(config, major);
    } catch (KerasFormatException e) {
      throw new KerasFormatException(path + " (a " + cls + " model used as a layer): " + e.getMessage(), e);
    }
  }

  /** A layer's entry in a model config: the serialized layer, or for a model used as a layer, that model's own config. */
  static Map<String, Object> layerTree(Layer<?> l) {
    return l instanceof NestedModel ? toTree(((NestedModel) l).model()) : LayerRegistry.serialize(l);
  }

  /** Thrown while reading a functional config as a chain when it is not one: it is then read as a Functional graph. */
  private static final class NotAChain extends KerasFormatException {
    private static final long serialVersionUID = 1L;

    NotAChain(String message) {
      super(message);
    }
  }

  /** A functional model whose layers form one chain input -> ... -> output becomes a Sequential. */
  private static Sequential functional(JsonNode config, int major) {
    if (config == null || !config.has("layers") || !config.get("layers").isArray()) {
      throw new KerasFormatException("config: a functional config needs a \"layers\" list");
    }
    JsonNode layers = config.get("layers");
    Map<String, Integer> index = new HashMap<>();
    Map<String, String> inbound = new HashMap<>();
    List<String> names = new ArrayList<>();
    Map<String, JsonNode> byName = new HashMap<>();
    Map<String, String> maskUses = new LinkedHashMap<>(); // mask op layer -> a layer given it as mask=
    for (int i = 0; i < layers.size(); i++) {
      JsonNode l = layers.get(i);
      String name = l.path("name").asText(l.path("config").path("name").asText(null));
      if (name == null) throw new KerasFormatException("config.layers[" + i + "]: a functional layer needs a name");
      byName.put(name, l);
      if (MASK_OPS.contains(l.path("class_name").asText())) continue; // checked below, then left out
      index.put(name, i);
      names.add(name);
      String where = "config.layers[" + i + "].inbound_nodes";
      List<String> sources = inboundLayers(l.get("inbound_nodes"), where);
      for (String m : maskKwargs(l.get("inbound_nodes"))) {
        sources.remove(m);
        maskUses.put(m, name);
      }
      if (sources.size() > 1) {
        throw new NotAChain("config.layers[" + i + "]: not supported yet: layer '" + name + "' has "
            + sources.size() + " inputs " + sources + " (only single-chain functional models are converted to Sequential)");
      }
      if (!sources.isEmpty()) inbound.put(name, sources.get(0));
    }
    List<String> inputs = tensorLayerNames(config.get("input_layers"));
    List<String> outputs = tensorLayerNames(config.get("output_layers"));
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw new NotAChain("config: not supported yet: a functional model with " + inputs.size() + " inputs and "
          + outputs.size() + " outputs (only one input and one output)");
    }
    // Walk back from the output to the input; every layer must be on that one path.
    List<String> chain = new ArrayList<>();
    String cur = outputs.get(0);
    while (cur != null) {
      if (chain.contains(cur)) throw new KerasFormatException("config: the layer graph has a cycle at '" + cur + "'");
      chain.add(0, cur);
      cur = inbound.get(cur);
    }
    if (!chain.get(0).equals(inputs.get(0))) {
      throw new NotAChain("config: not supported yet: the output does not lead back to the input '" + inputs.get(0) + "'");
    }
    for (Map.Entry<String, String> e : maskUses.entrySet()) checkMaskOp(e.getKey(), e.getValue(), byName, inbound, chain);
    if (chain.size() != names.size()) {
      List<String> off = new ArrayList<>(names);
      off.removeAll(chain);
      throw new NotAChain("config: not supported yet: layers " + off + " are not on the single input-to-output chain");
    }
    Sequential model = new Sequential(config.path("name").asText("model"));
    for (String n : chain) {
      int i = index.get(n);
      Layer<?> l = layer(layers.get(i), "config.layers[" + i + "]", major);
      if (l instanceof InputLayer && !n.equals(inputs.get(0))) {
        throw new KerasFormatException("config.layers[" + i + "]: unexpected InputLayer inside the chain");
      }
      if (!(l instanceof InputLayer) && n.equals(inputs.get(0))) {
        throw new KerasFormatException("config.layers[" + i + "]: the model input must be an InputLayer");
      }
      model.add(l);
    }
    return model;
  }

  /**
   * Keras 3 records the mask of a Masking or Embedding layer in a functional config as op
   * layers (NotEqual, then Any for Masking) whose output later layers get as {@code mask=}. jkeras
   * propagates those masks itself, so the ops are left out once they are checked to compute
   * exactly that mask; any other mask is refused.
   */
  private static final Set<String> MASK_OPS = Set.of("NotEqual", "Any");

  /** The layers whose outputs a Keras 3 inbound node passes as its {@code mask} keyword argument. */
  private static List<String> maskKwargs(JsonNode nodes) {
    List<String> r = new ArrayList<>();
    if (nodes == null || !nodes.isArray()) return r;
    for (JsonNode n : nodes) if (n.isObject()) collectHistory(n.path("kwargs").get("mask"), r);
    return r;
  }

  private static void checkMaskOp(String op, String user, Map<String, JsonNode> byName, Map<String, String> inbound,
      List<String> chain) {
    String refuse = "config: not supported yet: layer '" + user + "' gets mask='" + op + "', which is not the mask of a"
        + " Masking or Embedding layer on the chain";
    JsonNode any = null;
    JsonNode notEqual = byName.get(op);
    if (notEqual != null && "Any".equals(notEqual.path("class_name").asText())) {
      any = notEqual;
      JsonNode axis = any.path("config").path("axis");
      if (!(axis.isInt() && axis.asInt() == -1) || any.path("config").path("keepdims").asBoolean(false)) {
        throw new KerasFormatException(refuse);
      }
      List<String> src = inboundLayers(any.get("inbound_nodes"), "config.layers['" + op + "'].inbound_nodes");
      notEqual = src.size() == 1 ? byName.get(src.get(0)) : null;
    }
    if (notEqual == null || !"NotEqual".equals(notEqual.path("class_name").asText())) throw new KerasFormatException(refuse);
    JsonNode args = notEqual.path("inbound_nodes").path(0).path("args");
    List<String> src = new ArrayList<>();
    collectHistory(args.path(0), src);
    JsonNode constant = args.path(1);
    if (src.size() != 1 || !constant.isNumber()) throw new KerasFormatException(refuse);
    // The layer that takes the same tensor and masks it the same way.
    for (String name : chain) {
      if (!src.get(0).equals(inbound.get(name))) continue;
      JsonNode l = byName.get(name);
      String cls = l.path("class_name").asText();
      JsonNode c = l.path("config");
      if (any != null && cls.equals("Masking") && c.path("mask_value").asDouble(0) == constant.asDouble()) return;
      if (any == null && cls.equals("Embedding") && c.path("mask_zero").asBoolean(false) && constant.asDouble() == 0) return;
    }
    throw new KerasFormatException(refuse);
  }

  /** Layer names a layer's inbound_nodes refer to (Keras 2 nested lists or Keras 3 keras_history). */
  private static List<String> inboundLayers(JsonNode nodes, String path) {
    List<String> r = new ArrayList<>();
    if (nodes == null || nodes.isNull()) return r;
    if (!nodes.isArray()) throw new KerasFormatException(path + ": expected a list");
    if (nodes.size() > 1) {
      throw new NotAChain(path + ": not supported yet: a layer called " + nodes.size() + " times (shared layers)");
    }
    for (JsonNode node : nodes) collectHistory(node, r);
    return r;
  }

  private static void collectHistory(JsonNode n, List<String> out) {
    if (n == null) return;
    if (n.isObject()) {
      JsonNode h = n.path("config").get("keras_history");
      if (h != null && h.isArray() && h.size() > 0) {
        out.add(h.get(0).asText());
        return;
      }
      for (JsonNode c : n) collectHistory(c, out);
    } else if (n.isArray()) {
      // Keras 2: [layer_name, node_index, tensor_index, kwargs]
      if (n.size() >= 3 && n.get(0).isTextual() && n.get(1).isNumber()) {
        out.add(n.get(0).asText());
        return;
      }
      for (JsonNode c : n) collectHistory(c, out);
    }
  }

  private static List<String> tensorLayerNames(JsonNode n) {
    List<String> r = new ArrayList<>();
    if (n == null) return r;
    if (n.isArray() && n.size() >= 3 && n.get(0).isTextual()) { // a single [name, 0, 0]
      r.add(n.get(0).asText());
      return r;
    }
    for (JsonNode t : n) {
      if (t.isArray() && t.size() > 0) r.add(t.get(0).asText());
    }
    return r;
  }

  // ----- writing -----

  /** Keras 3's {@code model.to_json()} of {@code model}. */
  public static String write(Sequential model) {
    return write(model, true);
  }

  /** Keras 3's {@code model.to_json()} of any model. */
  public static String write(Model model) {
    if (model instanceof Sequential) return write((Sequential) model);
    try {
      return WRITER.writeValueAsString(toTree(model));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write model config: " + e.getMessage(), e);
    }
  }

  /** The Keras 3 config tree of any model. */
  public static Map<String, Object> toTree(Model model) {
    if (model instanceof Sequential) return toTree((Sequential) model);
    if (!(model instanceof Functional)) throw new IllegalArgumentException("cannot serialize model class " + model.getClass().getName());
    if (KerasWeights.usesKeras2HardSigmoid(model)) {
      throw new IllegalArgumentException("model " + model.name() + ": Keras 2's hard_sigmoid in a Functional model cannot be"
          + " written to a Keras 3 config yet");
    }
    // As Keras 3 writes a Functional model: its own module and registered name, no build shape.
    Map<String, Object> root = KerasObjects.serialize("keras.src.models.functional", "Functional",
        FunctionalJson.config((Functional) model));
    root.put("registered_name", "Functional");
    Map<String, Object> bc = new LinkedHashMap<>();
    bc.put("input_shape", null);
    root.put("build_config", bc);
    if (model.isCompiled()) root.put("compile_config", compileConfig(model));
    return root;
  }

  /**
   * With {@code markKeras2HardSigmoid} false, "hard_sigmoid" is written unmarked: for a .keras
   * archive, whose weights are scaled so that Keras 3's hard_sigmoid computes Keras 2's.
   */
  static String write(Sequential model, boolean markKeras2HardSigmoid) {
    try {
      Map<String, Object> tree = toTree(model);
      if (!markKeras2HardSigmoid) tree.remove(KERAS2_HARD_SIGMOID_KEY);
      return WRITER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write model config: " + e.getMessage(), e);
    }
  }

  /** The Keras 3 config tree as maps and lists (what {@link #write} serializes). */
  public static Map<String, Object> toTree(Sequential model) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("trainable", true);
    config.put("dtype", KerasObjects.float32Policy());
    List<Object> layers = new ArrayList<>();
    long[] input = model.inputBatchShape();
    if (input != null) {
      InputLayer in = InputLayer.withBatchShape(input);
      in.name(model.inputName());
      in.dtype(model.inputDtype());
      layers.add(KerasObjects.serialize("keras.layers", "InputLayer", in.getConfig()));
    }
    for (Layer<?> l : model.layers()) layers.add(layerTree(l));
    config.put("layers", layers);
    if (input != null) config.put("build_input_shape", KerasObjects.shape(input));
    Map<String, Object> root = KerasObjects.serialize("keras", "Sequential", config);
    if (input != null) {
      Map<String, Object> bc = new LinkedHashMap<>();
      bc.put("input_shape", KerasObjects.shape(input));
      root.put("build_config", bc);
    }
    if (model.isCompiled()) root.put("compile_config", compileConfig(model));
    if (KerasWeights.usesKeras2HardSigmoid(model)) {
      if (KerasWeights.usesActivation(model, a -> a.name().equals("hard_sigmoid") && !Activations.isKeras2HardSigmoid(a))) {
        throw new IllegalStateException("model " + model.name() + " mixes Keras 2's and Keras 3's hard_sigmoid, which one config"
            + " cannot tell apart");
      }
      root.put(KERAS2_HARD_SIGMOID_KEY, "keras2");
    }
    return root;
  }

  /** Keras 3's compile_config: optimizer, loss and metrics. */
  public static Map<String, Object> compileConfig(Model model) {
    Map<String, Object> c = new LinkedHashMap<>();
    Optimizer o = model.optimizer();
    c.put("optimizer", KerasObjects.serialize("keras.optimizers", o.className(), o.getConfig()));
    if (model.hasLossPerOutput()) {
      // Keras's dict form, by output name.
      List<String> names = model.outputNames();
      Map<String, Object> losses = new LinkedHashMap<>();
      Map<String, Object> weights = new LinkedHashMap<>();
      Map<String, Object> metrics = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        losses.put(names.get(i), model.losses().get(i).name());
        if (model.lossWeights() != null) weights.put(names.get(i), model.lossWeights().get(i));
        if (!model.metricsOf(i).isEmpty()) metrics.put(names.get(i), new ArrayList<>(model.metricsOf(i)));
      }
      c.put("loss", losses);
      c.put("loss_weights", model.lossWeights() == null ? null : weights);
      c.put("metrics", metrics.isEmpty() ? null : metrics);
    } else {
      c.put("loss", model.loss().name());
      c.put("loss_weights", null);
      List<String> metrics = model.metricsOf(0);
      c.put("metrics", metrics.isEmpty() ? null : new ArrayList<>(metrics));
    }
    c.put("weighted_metrics", null);
    c.put("run_eagerly", false);
    c.put("steps_per_execution", 1);
    c.put("jit_compile", false);
    return c;
  }

  /**
   * Compiles {@code model} as a Keras 3 {@code compile_config} says (Keras's load_model does
   * this for .keras files). Optimizer arguments jkeras has are applied; others are refused.
   * Without an optimizer (Keras 3's {@code to_json()} leaves it out), Keras's
   * {@code model_from_json} compiles with {@code compile()}'s default, "rmsprop": so does this.
   */
  public static void compile(Model model, JsonNode compileConfig) {
    if (compileConfig == null || compileConfig.isNull()) return;
    Config c = new Config(compileConfig, "compile_config", 3);
    JsonNode opt = c.getNode("optimizer");
    Optimizer optimizer = opt == null || opt.isNull() ? Optimizers.get("rmsprop")
        : OptimizerConfigs.fromConfig(opt, "compile_config.optimizer");
    JsonNode lossNode = c.getNode("loss");
    if (lossNode == null || lossNode.isNull()) throw new KerasFormatException("compile_config.loss: missing");
    JsonNode weightsNode = c.getNode("loss_weights");
    JsonNode metricsNode = c.getNode("metrics");
    c.ignore("loss_weights", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss");
    boolean byName = lossNode.isObject() && !lossNode.has("class_name");
    if (byName || lossNode.isArray()) {
      // A loss per output: Keras's dict (by output name) or list form.
      List<String> names = model.outputNames();
      List<Object> losses = new ArrayList<>();
      List<Double> weights = weightsNode == null || weightsNode.isNull() ? null : new ArrayList<>();
      List<List<String>> metrics = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String at = byName ? names.get(i) : Integer.toString(i);
        JsonNode l = byName ? lossNode.get(names.get(i)) : lossNode.get(i);
        if (l == null || l.isNull()) throw new KerasFormatException("compile_config.loss: no loss for output " + at);
        losses.add(loss(l, "compile_config.loss." + at));
        if (weights != null) {
          JsonNode w = byName ? weightsNode.get(names.get(i)) : weightsNode.get(i);
          weights.add(w == null || w.isNull() ? 1.0 : w.asDouble());
        }
        JsonNode m = metricsNode == null || metricsNode.isNull() ? null : metricsNode.isObject() ? metricsNode.get(names.get(i))
            : metricsNode.get(i);
        metrics.add(metricNames(m));
      }
      model.compile(optimizer, losses, weights, metrics);
      return;
    }
    Loss loss = loss(lossNode, "compile_config.loss");
    model.compile(optimizer, loss, metricNames(metricsNode).toArray(new String[0]));
  }

  private static Loss loss(JsonNode lossNode, String path) {
    if (lossNode.isTextual()) return Losses.get(lossNode.asText());
    if (lossNode.isObject() && lossNode.has("class_name")) {
      Map<String, Object> lc = new HashMap<>();
      JsonNode cfg = lossNode.get("config");
      if (cfg != null && cfg.isObject()) {
        cfg.fields().forEachRemaining(e -> {
          if (!e.getKey().equals("name") && !e.getKey().equals("reduction") && !e.getKey().equals("dtype")) {
            lc.put(e.getKey(), new ObjectMapper().convertValue(e.getValue(), Object.class));
          }
        });
      }
      return Losses.get(lossNode.get("class_name").asText(), lc);
    }
    throw new KerasFormatException(path + ": not supported yet: " + Config.describe(lossNode));
  }

  private static List<String> metricNames(JsonNode m) {
    List<String> metrics = new ArrayList<>();
    if (m != null && m.isArray()) {
      for (JsonNode x : m) {
        if (x.isTextual()) metrics.add(x.asText());
        else if (x.isObject() && x.has("config")) metrics.add(x.path("config").path("name").asText(x.path("class_name").asText()));
      }
    }
    return metrics;
  }

  /** Sets a default name for an InputLayer that Keras would create ("input_layer", "input_layer_1", ...). */
  public static String defaultInputName() {
    return Keras.uniqueName("input_layer");
  }
}
