package io.jkeras.saving.keras.legacy;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jkeras.backend.Weight;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Layer;
import io.jkeras.models.Model;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.utils.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 1/2's layout of weights in HDF5 (Keras 1/2 and tf.keras {@code model.save("x.h5")} under
 * {@code model_weights}, or {@code save_weights("x.h5")} at the root): attribute
 * {@code layer_names} lists the layers, each layer group's {@code weight_names} its datasets
 * ({@code dense_1/kernel:0}; Keras 1 {@code dense_1_W:0}; some writers drop the {@code :0}).
 * Layers that have weights are matched by order with the model's layers that have weights, as
 * Keras's {@code load_weights} does for HDF5 files, so the names in the file (KotlinDL's
 * {@code lstm_9} for a config's {@code lstm_3}) do not matter. Each layer converts arrays of
 * another layout itself ({@link Layer#fromLegacyWeights}: Keras 1's per-gate LSTM and GRU
 * weights).
 */
public final class LegacyWeights {
  private LegacyWeights() {}

  /**
   * Reads and checks the arrays of the legacy weights group {@code root} for every weight of
   * {@code model}, assigning none: each weight with its value, in the model's order.
   * {@code file} names the file in errors, {@code prefix} the group ({@code "model_weights/"}
   * or {@code ""} for the root).
   */
  public static Map<Weight, FloatArray> plan(Model model, Group root, Path file, String prefix) {
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
    Map<Weight, FloatArray> plan = new LinkedHashMap<>();
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
      if (arrays.size() != ws.size()) arrays = l.fromLegacyWeights(names, arrays);
      if (arrays.size() != ws.size()) {
        throw new KerasFormatException(file + ": layer " + describe(l) + ": " + where + " holds " + arrays.size() + " arrays "
            + shapesOf(arrays) + " but the layer has " + ws.size() + " weights " + Weight.namesAndShapes(ws));
      }
      for (int j = 0; j < ws.size(); j++) {
        Weight w = ws.get(j);
        FloatArray a = arrays.get(j);
        if (!Arrays.equals(scalarAsOne(a.shape()), scalarAsOne(w.shape()))) {
          throw new KerasFormatException(file + ": layer " + describe(l) + ": weight " + w.name() + " has shape "
              + Shapes.toString(w.shape()) + " in the model but " + where + "/" + names.get(Math.min(j, names.size() - 1))
              + " has shape " + Shapes.toString(a.shape()));
        }
        plan.put(w, Arrays.equals(a.shape(), w.shape()) || w.shape().length == 0 ? a : new FloatArray(a.data(), w.shape()));
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
      Node n = Hdf5.resolve(g, c);
      if (n instanceof Dataset) return (Dataset) n;
    }
    return null;
  }

  /** A shape with a scalar as (1), as FloatArray holds it. */
  private static long[] scalarAsOne(long[] shape) {
    return shape.length == 0 ? new long[] {1} : shape;
  }

  private static String describe(Layer<?> l) {
    return "'" + l.name() + "' (" + l.className() + ")";
  }

  private static String shapesOf(List<FloatArray> as) {
    List<String> r = new ArrayList<>();
    for (FloatArray a : as) r.add(Shapes.toString(a.shape()));
    return r.toString();
  }
}
