package io.jkeras.saving.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jkeras.activations.Activation;
import io.jkeras.activations.Activations;
import io.jkeras.backend.Weight;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Saveable;
import io.jkeras.models.Model;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.saving.keras.legacy.LegacyWeights;
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
import java.util.function.Predicate;

/**
 * Keras's two layouts of weights in HDF5, read into and written from a built {@link Model}.
 *
 * <p><b>Keras 3</b> ({@code model.weights.h5} inside a {@code .keras} archive, and
 * {@code model.save_weights("x.weights.h5")}): as Keras's {@code saving_lib} walks the model,
 * each layer of the model is a group {@code layers/<snake_case class name>[_N]}, numbered per
 * class in layer order ({@code lstm}, {@code lstm_1}, {@code dense}...), never by the layer's
 * configured name. Within it, the layer's {@link Layer#saveable() saveable tree}: its own
 * variables are datasets {@code vars/0}, {@code vars/1}... of a {@code vars} group whose
 * attribute {@code name} is the layer's name, and each child object is a group of its own
 * (recurrent layers keep their variables under {@code cell/vars}, attribute {@code lstm_cell},
 * {@code gru_cell}, {@code simple_rnn_cell}; {@code Bidirectional} under
 * {@code backward_layer/} and {@code forward_layer/}; {@code TimeDistributed} under
 * {@code layer/}); a model used as a layer has its layers under its own {@code layers/}, named the
 * same way ({@code layers/sequential/layers/dense/vars}). The root's {@code vars} group names the model. Loading maps layers by that
 * order, as Keras does.
 *
 * <p><b>Legacy</b> (Keras 1/2 {@code layer_names} / {@code weight_names}): read by
 * {@link LegacyWeights}.
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

  // ----- layer groups -----

  /**
   * Keras's per-class group names for the model's layers, in order: lstm, dropout, lstm_1, dense,
   * dense_1. {@code reading}: by the class each layer was read from (rnn for Keras's RNN(cell)).
   */
  static List<String> layerGroupNames(Model model, boolean reading) {
    return layerGroupNames(model.layers(), reading);
  }

  /** {@link #layerGroupNames(Model, boolean)} for a list of layers (a model used as a layer names its own so). */
  static List<String> layerGroupNames(List<Layer<?>> modelLayers, boolean reading) {
    Map<String, Integer> used = new HashMap<>();
    List<String> r = new ArrayList<>();
    for (Layer<?> l : modelLayers) {
      String cls = reading ? l.readFromClass() : l.className();
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
  static Hdf5.Tree keras3Tree(Model model, boolean forKeras3Config) {
    requireBuilt(model);
    if (forKeras3Config) for (Layer<?> l : model.layers()) checkKeras3Expressible(l);
    Hdf5.Tree root = new Hdf5.Tree();
    writeLayers(root, model.layers(), forKeras3Config);
    root.group("vars").attribute("name", model.name());
    return root;
  }

  /** A model's layers (the model's own, or those of a model used as a layer): {@code layers/<group>/...}. */
  private static void writeLayers(Hdf5.Tree parent, List<Layer<?>> modelLayers, boolean forKeras3Config) {
    List<String> names = layerGroupNames(modelLayers, false);
    if (names.isEmpty()) return;
    Hdf5.Tree layers = parent.group("layers");
    for (int i = 0; i < names.size(); i++) write(layers.group(names.get(i)), modelLayers.get(i).saveable(), forKeras3Config);
  }

  private static void write(Hdf5.Tree group, Saveable s, boolean forKeras3Config) {
    for (Map.Entry<String, Saveable> c : s.children().entrySet()) write(group.group(c.getKey()), c.getValue(), forKeras3Config);
    writeLayers(group, s.layers(), forKeras3Config);
    Hdf5.Tree vars = group.group("vars").attribute("name", s.name());
    for (int i = 0; i < s.vars().size(); i++) {
      Weight w = s.vars().get(i);
      FloatArray value = forKeras3Config && s.owner() != null ? keras3Value(s.owner(), w) : w.value();
      // A scalar weight (Attention's scale) is a scalar dataset: Keras refuses shape (1) for its shape () variable.
      if (w.shape().length == 0) vars.scalar(Integer.toString(i), value.data()[0]);
      else vars.dataset(Integer.toString(i), value);
    }
  }

  // ----- Keras 2's hard_sigmoid in a Keras 3 file -----

  /**
   * A weight's value for a Keras 3 file. Keras 3 has no Keras 2 hard_sigmoid
   * (clip(0.2 z + 0.5, 0, 1)); its own is clip(z / 6 + 0.5, 0, 1), which is Keras 2's at
   * z / 1.2. Where a layer applies Keras 2's hard_sigmoid to an affine function of its weights
   * (LSTM and GRU gates, GRU candidate, SimpleRNN and Dense outputs), the columns that feed it
   * ({@link Layer#keras3ColumnScale}) are multiplied by 1.2, so that the written config's
   * "hard_sigmoid" (Keras 3's) computes exactly what the model computed. Other weights are
   * written as they are.
   */
  static FloatArray keras3Value(Layer<?> layer, Weight w) {
    FloatArray v = w.value();
    float[] scale = layer.keras3ColumnScale(w);
    if (scale == null) return v;
    float[] d = v.data().clone();
    for (int i = 0; i < d.length; i++) d[i] *= scale[i % scale.length];
    return new FloatArray(d, v.shape());
  }

  /** True if a layer of {@code model} (or one it wraps) uses Keras 2's hard_sigmoid. */
  static boolean usesKeras2HardSigmoid(Model model) {
    return usesActivation(model, Activations::isKeras2HardSigmoid);
  }

  /** True if a layer of {@code model} (or one it wraps) applies an activation that {@code p} accepts. */
  static boolean usesActivation(Model model, Predicate<Activation> p) {
    for (Layer<?> l : model.layers()) {
      for (Activation a : l.activations()) if (p.test(a)) return true;
    }
    return false;
  }

  /** Throws for a layer whose Keras 2 hard_sigmoid no weight scaling can carry into a Keras 3 file. */
  private static void checkKeras3Expressible(Layer<?> l) {
    String why = l.keras2HardSigmoidNotScalable();
    if (why != null) {
      throw new IllegalArgumentException("cannot write layer '" + l.name() + "' (" + l.className() + ") to a Keras 3 file: "
          + why + " uses Keras 2's hard_sigmoid (clip(0.2x+0.5, 0, 1)), which Keras 3 does not have (its hard_sigmoid is"
          + " clip(x/6+0.5, 0, 1))");
    }
    for (Layer<?> inner : l.innerLayers()) checkKeras3Expressible(inner);
  }

  private static void requireBuilt(Model model) {
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

  /**
   * Loads the weights of {@code file} (any layout) into {@code model}, building it first if
   * needed. {@code file} names the file in errors.
   */
  static void load(Model model, HdfFile hdf, Path file) {
    requireBuilt(model);
    Map<Weight, FloatArray> plan;
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
          plan = LegacyWeights.plan(model, Hdf5.childGroup(hdf, "model_weights"), file, "model_weights/");
          break;
        default:
          plan = LegacyWeights.plan(model, hdf, file, "");
      }
    } catch (KerasFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Hdf5.corrupt(file, e);
    }
    plan.forEach(Weight::assign);
  }

  private static Map<Weight, FloatArray> planKeras3(Model model, HdfFile hdf, Path file) {
    String layersKey = Hdf5.childGroup(hdf, "layers") != null ? "layers" : "_layer_checkpoint_dependencies";
    Group layers = Hdf5.childGroup(hdf, layersKey);
    Map<Weight, FloatArray> plan = new LinkedHashMap<>();
    collectLayers(layers, layersKey, model.layers(), plan, file);
    return plan;
  }

  /**
   * Plans the weights of a model's layers (the model's own, or those of a model used as a layer)
   * from their {@code layers} group {@code layers} (null when absent) at {@code layersKey}.
   */
  private static void collectLayers(Group layers, String layersKey, List<Layer<?>> modelLayers, Map<Weight, FloatArray> plan,
      Path file) {
    List<String> names = layerGroupNames(modelLayers, true);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      Layer<?> l = modelLayers.get(i);
      Saveable s = l.saveable();
      Group g = layers == null ? null : Hdf5.childGroup(layers, names.get(i));
      used.add(names.get(i));
      String where = layersKey + "/" + names.get(i);
      if (g == null) {
        if (s.allVars().isEmpty()) continue;
        throw new KerasFormatException(file + ": layer " + describe(l) + " (layer " + (i + 1) + " of the model) has "
            + s.allVars().size() + " weights but the file has no group " + where + (layers == null ? "" : "; the file has layers "
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
  }

  private static void collect(Group g, Saveable s, String where, Layer<?> layer, Map<Weight, FloatArray> plan, Path file) {
    Group vars = g == null ? null : Hdf5.childGroup(g, "vars");
    List<String> present = new ArrayList<>();
    if (vars != null) {
      for (Map.Entry<String, Node> e : vars.getChildren().entrySet()) if (!e.getValue().isGroup()) present.add(e.getKey());
    }
    if (present.size() != s.vars().size()) {
      throw new KerasFormatException(file + ": layer " + describe(layer) + ": " + where + "/vars holds " + present.size()
          + " arrays but the layer has " + s.vars().size() + " weights " + Weight.namesAndShapes(s.vars()));
    }
    for (int i = 0; i < s.vars().size(); i++) {
      Weight w = s.vars().get(i);
      Node n = Hdf5.child(vars, Integer.toString(i));
      if (!(n instanceof Dataset)) {
        throw new KerasFormatException(file + ": layer " + describe(layer) + ": no dataset " + where + "/vars/" + i
            + " (found " + present + ")");
      }
      FloatArray v = checkedRead((Dataset) n, w, layer, where + "/vars/" + i, file);
      plan.put(w, v);
    }
    for (Map.Entry<String, Saveable> c : s.children().entrySet()) {
      Group cg = g == null ? null : Hdf5.childGroup(g, c.getKey());
      List<Weight> childVars = c.getValue().allVars();
      if (cg == null && !childVars.isEmpty()) {
        throw new KerasFormatException(file + ": layer " + describe(layer) + ": missing group " + where + "/" + c.getKey()
            + " with " + childVars.size() + " weights " + Weight.namesAndShapes(childVars));
      }
      collect(cg, c.getValue(), where + "/" + c.getKey(), layer, plan, file);
    }
    if (!s.layers().isEmpty()) collectLayers(g == null ? null : Hdf5.childGroup(g, "layers"), where + "/layers", s.layers(), plan, file);
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

  private static String describe(Layer<?> l) {
    return "'" + l.name() + "' (" + l.className() + ")";
  }
}
