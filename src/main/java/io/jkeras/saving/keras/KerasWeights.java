package io.jkeras.saving.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jkeras.activations.Activations;
import io.jkeras.backend.Weight;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Activation;
import io.jkeras.layers.Bidirectional;
import io.jkeras.layers.Dense;
import io.jkeras.layers.GRU;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.Layer;
import io.jkeras.layers.LayerActivations;
import io.jkeras.layers.RNN;
import io.jkeras.layers.SimpleRNN;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.Sequential;
import io.jkeras.utils.Names;
import io.jkeras.utils.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras's two layouts of weights in HDF5, read into and written from a built {@link Sequential}.
 *
 * <p><b>Keras 3</b> ({@code model.weights.h5} inside a {@code .keras} archive, and
 * {@code model.save_weights("x.weights.h5")}): as Keras's {@code saving_lib} walks the model,
 * each layer of the model is a group {@code layers/<snake_case class name>[_N]}, numbered per
 * class in layer order ({@code lstm}, {@code lstm_1}, {@code dense}...), never by the layer's
 * configured name. A layer's own variables are datasets {@code vars/0}, {@code vars/1}... of
 * a {@code vars} group whose attribute {@code name} is the layer's name; recurrent layers keep
 * theirs under {@code cell/vars} (attribute {@code lstm_cell}, {@code gru_cell},
 * {@code simple_rnn_cell}), {@code Bidirectional} under {@code forward_layer/} and
 * {@code backward_layer/}, {@code TimeDistributed} under {@code layer/}. The root's {@code vars}
 * group names the model. Loading maps layers by that order, as Keras does.
 *
 * <p><b>Legacy</b> (Keras 1/2 and tf.keras {@code model.save("x.h5")} under
 * {@code model_weights}, or {@code save_weights("x.h5")} at the root): attribute
 * {@code layer_names} lists the layers, each layer group's {@code weight_names} its datasets
 * ({@code dense_1/kernel:0}; Keras 1 {@code dense_1_W:0}; some writers drop the {@code :0}).
 * Layers that have weights are matched by order with the model's layers that have weights,
 * as Keras's {@code load_weights} does for HDF5 files, so the names in the file (KotlinDL's
 * {@code lstm_9} for a config's {@code lstm_3}) do not matter. Keras 1 LSTMs store one matrix
 * per gate ({@code W_i, U_i, b_i, W_c, ...}) and GRUs per gate z, r, h: they are fused into
 * the i, f, c, o (z, r, h) layout.
 *
 * <p>Loading reads and checks every array before assigning any, so a mismatch leaves the model
 * as it was. A count or shape mismatch names the layer, the place in the file and both shapes.
 */
public final class KerasWeights {
  private KerasWeights() {}

  /** Which layout a weights file has. */
  public enum Layout {
    /** Keras 3 saving_lib: {@code layers/<name>/vars/<i>}. */
    KERAS3,
    /** Keras 1/2 HDF5: {@code layer_names} / {@code weight_names} at the root. */
    LEGACY_WEIGHTS,
    /** Keras 1/2 full-model HDF5: the same under {@code model_weights}. */
    LEGACY_MODEL
  }

  // ----- the tree of saveables -----

  /** What Keras 3 saves for one object: its own variables (in a vars group named {@code name}), then child objects. */
  static final class Saveable {
    final String name;
    final List<Weight> vars;
    /** The layer whose computation the vars feed (for a cell, its RNN layer). */
    final Layer<?> owner;
    final Map<String, Saveable> children = new LinkedHashMap<>();

    Saveable(String name, List<Weight> vars, Layer<?> owner) {
      this.name = name;
      this.vars = vars;
      this.owner = owner;
    }

    int totalVars() {
      int n = vars.size();
      for (Saveable c : children.values()) n += c.totalVars();
      return n;
    }
  }

  /** The Keras 3 saveable tree of {@code layer}. */
  static Saveable saveable(Layer<?> layer) {
    if (layer instanceof RNN) {
      Saveable s = new Saveable(layer.name(), List.of(), layer);
      s.children.put("cell", new Saveable(Names.toSnakeCase(layer.className()) + "_cell", layer.weights(), layer));
      return s;
    }
    if (layer instanceof Bidirectional) {
      Bidirectional b = (Bidirectional) layer;
      Saveable s = new Saveable(layer.name(), List.of(), layer);
      s.children.put("backward_layer", saveable(b.backwardLayer()));
      s.children.put("forward_layer", saveable(b.forwardLayer()));
      return s;
    }
    if (layer instanceof TimeDistributed) {
      Saveable s = new Saveable(layer.name(), List.of(), layer);
      s.children.put("layer", saveable(((TimeDistributed) layer).layer()));
      return s;
    }
    return new Saveable(layer.name(), layer.weights(), layer);
  }

  /**
   * Keras's per-class group names for the model's layers, in order: lstm, dropout, lstm_1, dense,
   * dense_1. {@code reading}: by the class each layer was read from (rnn for Keras's RNN(cell)).
   */
  static List<String> layerGroupNames(Sequential model, boolean reading) {
    Map<String, Integer> used = new HashMap<>();
    List<String> r = new ArrayList<>();
    for (Layer<?> l : model.layers()) {
      String cls = reading && l instanceof RNN ? ((RNN<?>) l).readFromClass() : l.className();
      String base = Names.toSnakeCase(cls.replaceAll("\\W+", ""));
      Integer n = used.get(base);
      if (n == null) {
        used.put(base, 0);
        r.add(base);
      } else {
        used.put(base, n + 1);
        r.add(base + "_" + (n + 1));
      }
    }
    return r;
  }

  // ----- writing (Keras 3 layout) -----

  /**
   * The Keras 3 weights tree of a built model (what {@code model.weights.h5} holds, optimizer
   * state aside). With {@code forKeras3Config}, weights are adapted to the Keras 3 config that
   * goes with them (see {@link #keras3Value}); without, they are written as they are.
   */
  static Hdf5.Tree keras3Tree(Sequential model, boolean forKeras3Config) {
    requireBuilt(model);
    if (forKeras3Config) for (Layer<?> l : model.layers()) checkKeras3Expressible(l);
    Hdf5.Tree root = new Hdf5.Tree();
    List<String> names = layerGroupNames(model, false);
    if (!names.isEmpty()) {
      Hdf5.Tree layers = root.group("layers");
      for (int i = 0; i < names.size(); i++) {
        Layer<?> l = model.layers().get(i);
        write(layers.group(names.get(i)), saveable(l), forKeras3Config);
      }
    }
    root.group("vars").attribute("name", model.name());
    return root;
  }

  private static void write(Hdf5.Tree group, Saveable s, boolean forKeras3Config) {
    for (Map.Entry<String, Saveable> c : s.children.entrySet()) write(group.group(c.getKey()), c.getValue(), forKeras3Config);
    Hdf5.Tree vars = group.group("vars").attribute("name", s.name);
    for (int i = 0; i < s.vars.size(); i++) {
      Weight w = s.vars.get(i);
      vars.dataset(Integer.toString(i), forKeras3Config && s.owner != null ? keras3Value(s.owner, w) : w.value());
    }
  }

  // ----- Keras 2's hard_sigmoid in a Keras 3 file -----

  private static final float KERAS2_TO_KERAS3 = 1.2f;

  /**
   * A weight's value for a Keras 3 file. Keras 3 has no Keras 2 hard_sigmoid
   * (clip(0.2 z + 0.5, 0, 1)); its own is clip(z / 6 + 0.5, 0, 1), which is Keras 2's at
   * z / 1.2. Where a layer applies Keras 2's hard_sigmoid to an affine function of its weights
   * (LSTM and GRU gates, GRU candidate, SimpleRNN and Dense outputs), the columns that feed it
   * are multiplied by 1.2, so that the written config's "hard_sigmoid" (Keras 3's) computes
   * exactly what the model computed. Other weights are written as they are.
   */
  static FloatArray keras3Value(Layer<?> layer, Weight w) {
    FloatArray v = w.value();
    float[] scale = columnScale(layer, w);
    if (scale == null) return v;
    float[] d = v.data().clone();
    for (int i = 0; i < d.length; i++) d[i] *= scale[i % scale.length];
    return new FloatArray(d, v.shape());
  }

  /** Per last-axis column factors for {@code w} of {@code layer}, or null for none. */
  private static float[] columnScale(Layer<?> layer, Weight w) {
    long[] shape = w.shape();
    int cols = (int) shape[shape.length - 1];
    float[] s = new float[cols];
    Arrays.fill(s, 1f);
    boolean any = false;
    if (layer instanceof LSTM) {
      LSTM l = (LSTM) layer;
      int u = l.units();
      if (Activations.isKeras2HardSigmoid(l.recurrentActivation())) {
        Arrays.fill(s, 0, 2 * u, KERAS2_TO_KERAS3);
        Arrays.fill(s, 3 * u, 4 * u, KERAS2_TO_KERAS3);
        any = true;
      }
    } else if (layer instanceof GRU) {
      GRU l = (GRU) layer;
      int u = l.units();
      if (Activations.isKeras2HardSigmoid(l.recurrentActivation())) {
        Arrays.fill(s, 0, 2 * u, KERAS2_TO_KERAS3);
        any = true;
      }
      if (Activations.isKeras2HardSigmoid(l.activation())) {
        Arrays.fill(s, 2 * u, 3 * u, KERAS2_TO_KERAS3);
        any = true;
      }
    } else if (layer instanceof SimpleRNN) {
      any = Activations.isKeras2HardSigmoid(((RNN<?>) layer).activation());
      if (any) Arrays.fill(s, KERAS2_TO_KERAS3);
    } else if (layer instanceof Dense) {
      any = Activations.isKeras2HardSigmoid(((Dense) layer).activation());
      if (any) Arrays.fill(s, KERAS2_TO_KERAS3);
    }
    return any ? s : null;
  }

  /** True if a layer of {@code model} (or one it wraps) uses Keras 2's hard_sigmoid. */
  static boolean usesKeras2HardSigmoid(Sequential model) {
    return LayerActivations.any(model, Activations::isKeras2HardSigmoid);
  }

  /** Throws for a layer whose Keras 2 hard_sigmoid no weight scaling can carry into a Keras 3 file. */
  private static void checkKeras3Expressible(Layer<?> l) {
    String why = null;
    if (l instanceof LSTM && Activations.isKeras2HardSigmoid(((LSTM) l).activation())) {
      why = "its activation (applied to the cell state too)";
    } else if (l instanceof Activation
        && Activations.isKeras2HardSigmoid(((Activation) l).activation())) {
      why = "it";
    } else if (l instanceof Bidirectional) {
      checkKeras3Expressible(((Bidirectional) l).forwardLayer());
      checkKeras3Expressible(((Bidirectional) l).backwardLayer());
    } else if (l instanceof TimeDistributed) {
      checkKeras3Expressible(((TimeDistributed) l).layer());
    }
    if (why != null) {
      throw new IllegalArgumentException("cannot write layer '" + l.name() + "' (" + l.className() + ") to a Keras 3 file: "
          + why + " uses Keras 2's hard_sigmoid (clip(0.2x+0.5, 0, 1)), which Keras 3 does not have (its hard_sigmoid is"
          + " clip(x/6+0.5, 0, 1))");
    }
  }

  private static void requireBuilt(Sequential model) {
    if (!model.isBuilt()) {
      if (model.inputBatchShape() == null) {
        throw new IllegalStateException("model " + model.name() + " is not built and has no input shape: build it (or fit it) first");
      }
      model.build(model.inputBatchShape());
    }
  }

  // ----- reading -----

  /** The layout of an open weights or model file, or null if it is neither. */
  static Layout layout(HdfFile file) {
    if (file.getAttributes().containsKey("layer_names")) return Layout.LEGACY_WEIGHTS;
    if (Hdf5.childGroup(file, "model_weights") != null) return Layout.LEGACY_MODEL;
    if (Hdf5.childGroup(file, "layers") != null || Hdf5.childGroup(file, "_layer_checkpoint_dependencies") != null
        || Hdf5.childGroup(file, "vars") != null) {
      return Layout.KERAS3;
    }
    return null;
  }

  /** One weight and the array it gets. */
  private static final class Assignment {
    final Weight weight;
    final FloatArray value;

    Assignment(Weight weight, FloatArray value) {
      this.weight = weight;
      this.value = value;
    }
  }

  /**
   * Loads the weights of {@code file} (any layout) into {@code model}, building it first if
   * needed. {@code file} names the file in errors.
   */
  static void load(Sequential model, HdfFile hdf, Path file) {
    requireBuilt(model);
    List<Assignment> plan;
    try {
      Layout layout = layout(hdf);
      if (layout == null) {
        throw new KerasFormatException(file + ": not a Keras weights file (no 'layers' group, 'layer_names' attribute or"
            + " 'model_weights' group)");
      }
      switch (layout) {
        case KERAS3:
          plan = planKeras3(model, hdf, file);
          break;
        case LEGACY_MODEL:
          plan = planLegacy(model, Hdf5.childGroup(hdf, "model_weights"), file, "model_weights/");
          break;
        default:
          plan = planLegacy(model, hdf, file, "");
      }
    } catch (KerasFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Hdf5.corrupt(file, e);
    }
    for (Assignment a : plan) a.weight.assign(a.value);
  }

  private static List<Assignment> planKeras3(Sequential model, HdfFile hdf, Path file) {
    String layersKey = Hdf5.childGroup(hdf, "layers") != null ? "layers" : "_layer_checkpoint_dependencies";
    Group layers = Hdf5.childGroup(hdf, layersKey);
    List<String> names = layerGroupNames(model, true);
    List<Assignment> plan = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      Layer<?> l = model.layers().get(i);
      Saveable s = saveable(l);
      Group g = layers == null ? null : Hdf5.childGroup(layers, names.get(i));
      used.add(names.get(i));
      String where = layersKey + "/" + names.get(i);
      if (g == null) {
        if (s.totalVars() == 0) continue;
        throw new KerasFormatException(file + ": layer " + describe(l) + " (layer " + (i + 1) + " of the model) has "
            + s.totalVars() + " weights but the file has no group " + where + (layers == null ? "" : "; the file has layers "
            + new TreeSet<>(layers.getChildren().keySet())));
      }
      collect(g, s, where, l, plan, file);
    }
    if (layers != null) {
      List<String> extra = new ArrayList<>();
      for (Map.Entry<String, Node> e : layers.getChildren().entrySet()) {
        if (!used.contains(e.getKey()) && hasDatasets(e.getValue())) extra.add(e.getKey());
      }
      if (!extra.isEmpty()) {
        Collections.sort(extra);
        throw new KerasFormatException(file + ": the file has weights for layers " + extra + " that the model (layers "
            + names + ") does not have: a different architecture");
      }
    }
    return plan;
  }

  private static void collect(Group g, Saveable s, String where, Layer<?> layer, List<Assignment> plan, Path file) {
    Group vars = g == null ? null : Hdf5.childGroup(g, "vars");
    List<String> present = new ArrayList<>();
    if (vars != null) {
      for (Map.Entry<String, Node> e : vars.getChildren().entrySet()) if (!e.getValue().isGroup()) present.add(e.getKey());
    }
    if (present.size() != s.vars.size()) {
      throw new KerasFormatException(file + ": layer " + describe(layer) + ": " + where + "/vars holds " + present.size()
          + " arrays but the layer has " + s.vars.size() + " weights " + shapes(s.vars));
    }
    for (int i = 0; i < s.vars.size(); i++) {
      Weight w = s.vars.get(i);
      Node n = Hdf5.child(vars, Integer.toString(i));
      if (!(n instanceof Dataset)) {
        throw new KerasFormatException(file + ": layer " + describe(layer) + ": no dataset " + where + "/vars/" + i
            + " (found " + present + ")");
      }
      FloatArray v = checkedRead((Dataset) n, w, layer, where + "/vars/" + i, file);
      plan.add(new Assignment(w, v));
    }
    for (Map.Entry<String, Saveable> c : s.children.entrySet()) {
      Group cg = g == null ? null : Hdf5.childGroup(g, c.getKey());
      if (cg == null && c.getValue().totalVars() > 0) {
        throw new KerasFormatException(file + ": layer " + describe(layer) + ": missing group " + where + "/" + c.getKey()
            + " with " + c.getValue().totalVars() + " weights " + shapes(allVars(c.getValue())));
      }
      collect(cg, c.getValue(), where + "/" + c.getKey(), layer, plan, file);
    }
  }

  private static List<Weight> allVars(Saveable s) {
    List<Weight> r = new ArrayList<>(s.vars);
    for (Saveable c : s.children.values()) r.addAll(allVars(c));
    return r;
  }

  private static boolean hasDatasets(Node n) {
    if (!n.isGroup()) return true;
    for (Node c : ((Group) n).getChildren().values()) if (hasDatasets(c)) return true;
    return false;
  }

  /** Reads a dataset that must have {@code w}'s shape; the shape is checked before the data is read. */
  private static FloatArray checkedRead(Dataset d, Weight w, Layer<?> layer, String where, Path file) {
    long[] shape = Hdf5.shape(d);
    if (!sameShape(shape, w.shape())) {
      throw new KerasFormatException(file + ": layer " + describe(layer) + ": weight " + w.name() + " has shape "
          + Shapes.toString(w.shape()) + " in the model but " + where + " has shape " + Shapes.toString(shape));
    }
    return reshape(Hdf5.read(d, w.size()), w.shape());
  }

  private static boolean sameShape(long[] a, long[] b) {
    return Arrays.equals(a.length == 0 ? new long[] {1} : a, b.length == 0 ? new long[] {1} : b);
  }

  private static FloatArray reshape(FloatArray a, long[] shape) {
    return Arrays.equals(a.shape(), shape) || shape.length == 0 ? a : new FloatArray(a.data(), shape);
  }

  // ----- legacy layout -----

  private static List<Assignment> planLegacy(Sequential model, Group root, Path file, String prefix) {
    List<String> layerNames = Hdf5.strings(root, "layer_names");
    if (layerNames == null) {
      throw new KerasFormatException(file + ": " + (prefix.isEmpty() ? "the root" : prefix) + " has no 'layer_names' attribute");
    }
    List<String> fileLayers = new ArrayList<>();
    List<List<String>> fileWeights = new ArrayList<>();
    for (String name : layerNames) {
      Group g = Hdf5.childGroup(root, name);
      if (g == null) throw new KerasFormatException(file + ": layer_names lists '" + name + "' but there is no group " + prefix + name);
      List<String> wn = Hdf5.strings(g, "weight_names");
      if (wn != null && !wn.isEmpty()) {
        fileLayers.add(name);
        fileWeights.add(wn);
      }
    }
    List<Layer<?>> modelLayers = new ArrayList<>();
    for (Layer<?> l : model.layers()) if (!l.weights().isEmpty()) modelLayers.add(l);
    if (modelLayers.size() != fileLayers.size()) {
      List<String> ml = new ArrayList<>();
      for (Layer<?> l : modelLayers) ml.add(l.name());
      throw new KerasFormatException(file + ": the file has weights for " + fileLayers.size() + " layers " + fileLayers
          + " but the model has " + modelLayers.size() + " layers with weights " + ml);
    }
    List<Assignment> plan = new ArrayList<>();
    for (int i = 0; i < modelLayers.size(); i++) {
      Layer<?> l = modelLayers.get(i);
      List<Weight> ws = l.weights();
      long budget = 0;
      for (Weight w : ws) budget += w.size();
      Group g = Hdf5.childGroup(root, fileLayers.get(i));
      List<String> names = fileWeights.get(i);
      List<FloatArray> arrays = new ArrayList<>();
      for (String wn : names) {
        Dataset d = dataset(g, wn);
        if (d == null) {
          throw new KerasFormatException(file + ": weight_names of " + prefix + fileLayers.get(i) + " lists '" + wn
              + "' but there is no such dataset");
        }
        arrays.add(Hdf5.read(d, budget));
      }
      String where = prefix + fileLayers.get(i);
      arrays = convertLegacy(l, names, arrays);
      if (arrays.size() != ws.size()) {
        throw new KerasFormatException(file + ": layer " + describe(l) + ": " + where + " holds " + arrays.size() + " arrays "
            + shapesOf(arrays) + " but the layer has " + ws.size() + " weights " + shapes(ws));
      }
      for (int j = 0; j < ws.size(); j++) {
        Weight w = ws.get(j);
        if (!sameShape(arrays.get(j).shape(), w.shape())) {
          throw new KerasFormatException(file + ": layer " + describe(l) + ": weight " + w.name() + " has shape "
              + Shapes.toString(w.shape()) + " in the model but " + where + "/" + names.get(Math.min(j, names.size() - 1))
              + " has shape " + Shapes.toString(arrays.get(j).shape()));
        }
        plan.add(new Assignment(w, reshape(arrays.get(j), w.shape())));
      }
    }
    return plan;
  }

  /** The dataset a weight name refers to, tolerating names with or without Keras 2's ":0". */
  private static Dataset dataset(Group g, String name) {
    List<String> candidates = new ArrayList<>(List.of(name));
    if (name.endsWith(":0")) candidates.add(name.substring(0, name.length() - 2));
    else candidates.add(name + ":0");
    for (String c : candidates) {
      Node n = resolve(g, c);
      if (n instanceof Dataset) return (Dataset) n;
    }
    return null;
  }

  private static Node resolve(Group g, String path) {
    Node cur = g;
    for (String part : path.split("/")) {
      if (part.isEmpty()) continue;
      if (!(cur instanceof Group)) return null;
      cur = Hdf5.child((Group) cur, part);
      if (cur == null) return null;
    }
    return cur == g ? null : cur;
  }

  private static final Pattern GATE = Pattern.compile("(?:^|_)([WUb])_([a-z])$");

  /**
   * Converts a legacy layer's arrays to jkeras's (= Keras 2/3) layout: Keras 1 LSTM (12 arrays,
   * per gate) and GRU (9) are fused; a Bidirectional converts each half.
   */
  static List<FloatArray> convertLegacy(Layer<?> layer, List<String> names, List<FloatArray> arrays) {
    int expected = layer.weights().size();
    if (arrays.size() == expected) return arrays;
    if (layer instanceof LSTM && arrays.size() == 12) return fuseGates(names, arrays, "ifco", new int[] {0, 6, 3, 9});
    if (layer instanceof GRU && arrays.size() == 9) return fuseGates(names, arrays, "zrh", new int[] {0, 3, 6});
    if (layer instanceof Bidirectional && arrays.size() % 2 == 0) {
      Bidirectional b = (Bidirectional) layer;
      int half = arrays.size() / 2;
      List<FloatArray> r = new ArrayList<>(convertLegacy(b.forwardLayer(), names.subList(0, half), arrays.subList(0, half)));
      r.addAll(convertLegacy(b.backwardLayer(), names.subList(half, names.size()), arrays.subList(half, arrays.size())));
      return r;
    }
    return arrays;
  }

  /**
   * Fuses per-gate W, U, b arrays into kernel, recurrent_kernel, bias with the gates in
   * {@code gates} order. Gates are found by name ({@code lstm_1_W_i:0}); files whose names do
   * not say follow Keras 1's stored order, {@code starts} giving each gate's first array.
   */
  private static List<FloatArray> fuseGates(List<String> names, List<FloatArray> arrays, String gates, int[] starts) {
    Map<String, FloatArray> byName = new HashMap<>();
    for (int i = 0; i < arrays.size() && names.size() == arrays.size(); i++) {
      String n = names.get(i);
      if (n.endsWith(":0")) n = n.substring(0, n.length() - 2);
      n = n.substring(n.lastIndexOf('/') + 1);
      Matcher m = GATE.matcher(n);
      if (m.find() && gates.indexOf(m.group(2)) >= 0) byName.put(m.group(1) + m.group(2), arrays.get(i));
    }
    List<FloatArray> kernel = new ArrayList<>();
    List<FloatArray> recurrent = new ArrayList<>();
    List<FloatArray> bias = new ArrayList<>();
    boolean named = byName.size() == arrays.size();
    for (int g = 0; g < gates.length(); g++) {
      char gate = gates.charAt(g);
      kernel.add(named ? byName.get("W" + gate) : arrays.get(starts[g]));
      recurrent.add(named ? byName.get("U" + gate) : arrays.get(starts[g] + 1));
      bias.add(named ? byName.get("b" + gate) : arrays.get(starts[g] + 2));
    }
    return List.of(concatLastAxis(kernel), concatLastAxis(recurrent), concatLastAxis(bias));
  }

  /** Concatenates arrays along their last axis (all other dimensions equal). */
  static FloatArray concatLastAxis(List<FloatArray> parts) {
    long[] first = parts.get(0).shape();
    long rows = Shapes.product(Arrays.copyOf(first, first.length - 1));
    long total = 0;
    for (FloatArray p : parts) {
      long[] s = p.shape();
      if (s.length != first.length || !Arrays.equals(Arrays.copyOf(s, s.length - 1), Arrays.copyOf(first, first.length - 1))) {
        throw new KerasFormatException("per-gate arrays of different shapes: " + shapesOf(parts));
      }
      total += s[s.length - 1];
    }
    float[] out = new float[Math.toIntExact(rows * total)];
    int pos = 0;
    for (long r = 0; r < rows; r++) {
      for (FloatArray p : parts) {
        int w = (int) p.shape()[p.shape().length - 1];
        System.arraycopy(p.data(), (int) (r * w), out, pos, w);
        pos += w;
      }
    }
    long[] shape = first.clone();
    shape[shape.length - 1] = total;
    return new FloatArray(out, shape);
  }

  private static String describe(Layer<?> l) {
    return "'" + l.name() + "' (" + l.className() + ")";
  }

  private static String shapes(List<Weight> ws) {
    List<String> r = new ArrayList<>();
    for (Weight w : ws) r.add(w.name() + Shapes.toString(w.shape()));
    return r.toString();
  }

  private static String shapesOf(List<FloatArray> as) {
    List<String> r = new ArrayList<>();
    for (FloatArray a : as) r.add(Shapes.toString(a.shape()));
    return r.toString();
  }
}
