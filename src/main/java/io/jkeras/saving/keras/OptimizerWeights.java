package io.jkeras.saving.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jkeras.backend.Weight;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Model;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.optimizers.OptimizerState;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.utils.Names;
import io.jkeras.utils.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The optimizer's state in Keras files, where Keras puts it:
 * <ul>
 *   <li>Keras 3 ({@code model.weights.h5} of a {@code .keras}, {@code .weights.h5}): group
 *       {@code optimizer/vars} with datasets {@code 0..n} = {@code optimizer.variables}:
 *       iteration (int64), learning_rate (float32), then the slots in Keras's order
 *       ({@link Optimizer#stateLayout}).</li>
 *   <li>Legacy full-model {@code .h5}: group {@code optimizer_weights}, attribute
 *       {@code weight_names}. Keras 3 writes its variables there under their paths
 *       ("adam/iteration", ...); tf.keras 2 and Keras 2 write the step count (if any) and then
 *       each slot kind for every weight in turn ("Adam/iter:0", "Adam/dense/kernel/m:0", ...,
 *       "Adam/dense/kernel/v:0", ...), without the learning rate.</li>
 * </ul>
 * As Keras does, a file whose optimizer has another number of variables than the model's (a
 * file saved before the first step, another optimizer configuration) is skipped with a warning;
 * with the same number, every shape must match or nothing is loaded.
 */
final class OptimizerWeights {
  private OptimizerWeights() {}

  /** Adds {@code optimizer/vars} for a compiled model (nothing for an uncompiled one, as Keras). */
  static void write(Hdf5.Tree root, Model model) {
    if (!model.isCompiled()) return;
    OptimizerState s = model.optimizerState();
    Hdf5.Tree vars = root.group("optimizer").group("vars").attribute("name", Names.toSnakeCase(model.optimizer().className()));
    vars.scalar("0", s.iterations());
    vars.scalar("1", s.learningRate());
    List<OptimizerState.Slot> layout = layout(model);
    for (int j = 0; j < s.values().size(); j++) {
      FloatArray v = s.values().get(j);
      if (layout.get(j).shape.length == 0) {
        vars.scalar(Integer.toString(j + 2), v.data()[0]);
      } else {
        vars.dataset(Integer.toString(j + 2), v);
      }
    }
  }

  private static List<OptimizerState.Slot> layout(Model model) {
    List<String> paths = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    for (Weight w : model.trainableWeights()) {
      paths.add(w.path());
      shapes.add(w.shape());
    }
    return model.optimizer().stateLayout(paths, shapes);
  }

  /** Restores {@code optimizer/vars} of a Keras 3 weights file into a compiled model's optimizer; false if there was none. */
  static boolean readKeras3(Model model, HdfFile hdf, Path file) {
    if (!model.isCompiled()) return false;
    Group opt = Hdf5.childGroup(hdf, "optimizer");
    Group vars = opt == null ? null : Hdf5.childGroup(opt, "vars");
    if (vars == null) return false;
    List<Dataset> ds = new ArrayList<>();
    for (int i = 0; ; i++) {
      Node n = Hdf5.child(vars, Integer.toString(i));
      if (n == null) break;
      if (n.isGroup()) throw new KerasFormatException(file + ": optimizer/vars/" + i + " is a group, expected a dataset");
      ds.add((Dataset) n);
    }
    List<OptimizerState.Slot> layout = layout(model);
    String opName = model.optimizer().className();
    if (ds.size() != layout.size() + 2) {
      // A model compiled but never trained: Keras saved iteration 0 and the learning rate only.
      if (ds.size() == 2 && Hdf5.readInteger(ds.get(0)) == 0) return false;
      warn(file, opName + " has " + (layout.size() + 2) + " variables whereas the saved optimizer has " + ds.size());
      return false;
    }
    long steps = Hdf5.readInteger(ds.get(0));
    float lr = readScalar(ds.get(1), file);
    List<FloatArray> values = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int j = 0; j < layout.size(); j++) {
      values.add(checkedRead(ds.get(j + 2), layout.get(j), file, "optimizer/vars/" + (j + 2)));
      names.add(layout.get(j).name);
    }
    apply(model, new OptimizerState(steps, lr, names, values), file);
    return true;
  }

  /** Restores {@code optimizer_weights} of a legacy full-model {@code .h5}; false if there was none or it was skipped. */
  static boolean readLegacy(Model model, HdfFile hdf, Path file) {
    if (!model.isCompiled()) return false;
    Group g = Hdf5.childGroup(hdf, "optimizer_weights");
    if (g == null) return false;
    List<String> names = Hdf5.strings(g, "weight_names");
    if (names == null || names.isEmpty()) return false;
    List<Dataset> ds = new ArrayList<>();
    for (String n : names) {
      Node node = Hdf5.resolve(g, n);
      if (!(node instanceof Dataset)) throw new KerasFormatException(file + ": optimizer_weights has no dataset '" + n + "'");
      ds.add((Dataset) node);
    }
    List<OptimizerState.Slot> layout = layout(model);
    String opName = model.optimizer().className();
    boolean keras3 = names.get(0).endsWith("/iteration");
    if (keras3) {
      if (ds.size() != layout.size() + 2) {
        if (ds.size() == 2 && Hdf5.readInteger(ds.get(0)) == 0) return false;
        warn(file, opName + " has " + (layout.size() + 2) + " variables whereas the saved optimizer has " + ds.size());
        return false;
      }
      List<FloatArray> values = new ArrayList<>();
      List<String> keep = new ArrayList<>();
      for (int j = 0; j < layout.size(); j++) {
        values.add(checkedRead(ds.get(j + 2), layout.get(j), file, "optimizer_weights/" + names.get(j + 2)));
        keep.add(layout.get(j).name);
      }
      apply(model, new OptimizerState(Hdf5.readInteger(ds.get(0)), readScalar(ds.get(1), file), keep, values), file);
      return true;
    }
    // Keras 2 / tf.keras 2: [step count] + one block per slot kind, no learning rate.
    int first = 0;
    long steps = 0;
    if (Shapes.product(Hdf5.shape(ds.get(0))) == 1 && names.get(0).toLowerCase(Locale.ROOT).contains("iter")) {
      steps = Hdf5.readInteger(ds.get(0));
      first = 1;
    }
    int n = model.trainableWeights().size();
    int scalars = 0;
    List<String> kinds = new ArrayList<>();
    for (OptimizerState.Slot s : layout) {
      if (s.kind == null) scalars++;
      else if (!kinds.contains(s.kind)) kinds.add(s.kind);
    }
    if (scalars != 0 || ds.size() - first != layout.size()) {
      warn(file, opName + (scalars != 0 ? "'s Keras 2 state has no known layout" : " has " + layout.size()
          + " slot variables whereas the saved optimizer has " + (ds.size() - first)));
      return false;
    }
    // Keras 3's order for each layout entry: which block (slot kind) and weight it comes from.
    List<FloatArray> values = new ArrayList<>();
    List<String> keep = new ArrayList<>();
    for (int j = 0; j < layout.size(); j++) {
      int src = first + kinds.indexOf(layout.get(j).kind) * n + layout.get(j).weight;
      values.add(checkedRead(ds.get(src), layout.get(j), file, "optimizer_weights/" + names.get(src)));
      keep.add(layout.get(j).name);
    }
    apply(model, new OptimizerState(steps, model.optimizer().learningRate(), keep, values), file);
    return true;
  }

  private static void apply(Model model, OptimizerState s, Path file) {
    try {
      model.setOptimizerState(s);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(file + ": optimizer state: " + e.getMessage(), e);
    }
  }

  private static FloatArray checkedRead(Dataset d, OptimizerState.Slot slot, Path file, String where) {
    long[] got = Hdf5.shape(d);
    long[] want = slot.shape;
    boolean scalar = want.length == 0;
    if (scalar ? Shapes.product(got) != 1 || got.length > 1 : !Arrays.equals(got, want)) {
      throw new KerasFormatException(file + ": " + where + " has shape " + Shapes.toString(got) + " but the optimizer's "
          + slot.name + " needs " + Shapes.toString(want));
    }
    return Hdf5.read(d, Math.max(1, Shapes.product(want)));
  }

  private static float readScalar(Dataset d, Path file) {
    FloatArray a = Hdf5.read(d, 1);
    return a.data()[0];
  }

  private static void warn(Path file, String why) {
    System.err.println("jkeras: warning: " + file + ": optimizer state not loaded (training starts it afresh): " + why);
  }
}
