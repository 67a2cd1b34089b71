package io.jkeras.models;

import io.jkeras.data.FloatArray;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Preprocessing;
import io.jkeras.losses.Loss;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a model checks of the data it is given before anything reaches TensorFlow (the part of
 * Keras 3's data adapters and {@code Trainer} that rejects bad input): the input's shape against
 * the model's, the targets against the output and the loss, and the batch size of a stateful model.
 * The messages name the call ("fit", "evaluate"...) and the data ("x", "validation x") at fault.
 */
final class InputChecks {
  /** Inputs and targets, converted and checked: one array per model input and per output. */
  record Data(List<FloatArray> xs, List<FloatArray> ys) {}

  private final Model model;

  InputChecks(Model model) {
    this.model = model;
  }

  /**
   * The prelude of every call that takes targets ({@code what}: "fit", "evaluate",
   * "trainOnBatch"...): the model is compiled, x and y are converted, the model is built from x's
   * shapes if need be, and x and y are checked.
   */
  Data inputsAndTargets(String what, Object x, Object y) {
    model.requireCompiled(what);
    List<FloatArray> xs = arrays(x, model.inputCount(), model::inputNames, "x", "input", what);
    List<FloatArray> ys = arrays(y, model.outputCount(), model::outputNames, "y", "output", what);
    model.ensureBuilt(xs);
    inputsAndTargets(xs, ys, "x", what);
    return new Data(xs, ys);
  }

  /** The prelude of predict: x is converted, the model built from its shapes if need be, and x checked. */
  List<FloatArray> inputs(Object x) {
    List<FloatArray> xs = arrays(x, model.inputCount(), model::inputNames, "x", "input", "predict");
    model.ensureBuilt(xs);
    inputs(xs, "x");
    return xs;
  }

  /**
   * One array per name: {@code data} is one array (a model with one input or output), a list in
   * the model's order, or a map by name (Keras's dict form). Names are asked for only when needed:
   * asking names a layer, and layers are named in the order Keras would name them.
   */
  List<FloatArray> arrays(Object data, int count, Supplier<List<String>> namesOf, String what, String kind, String call) {
    if (data == null) throw new IllegalArgumentException(call + ": " + what + " is null");
    List<FloatArray> r = new ArrayList<>();
    if (data instanceof Map<?, ?> map) {
      List<String> names = namesOf.get();
      for (Object k : map.keySet()) {
        if (!names.contains(String.valueOf(k))) {
          throw new IllegalArgumentException(call + ": " + what + " has an entry '" + k + "', which is no " + kind
              + " of model " + model.name() + " (its " + kind + "s: " + String.join(", ", names) + ")");
        }
      }
      for (String n : names) {
        Object v = map.get(n);
        if (v == null) throw new IllegalArgumentException(call + ": " + what + " has no entry for " + kind + " '" + n + "'");
        r.add(array(v, r.size(), kind));
      }
    } else if (data instanceof List<?> list && !(count == 1 && rawInput(0, kind) && !list.isEmpty() && !(list.get(0) instanceof List<?>) && !(list.get(0) instanceof FloatArray) && !list.get(0).getClass().isArray())) {
      if (list.size() != count) {
        List<String> names = namesOf.get();
        throw new IllegalArgumentException(call + ": model " + model.name() + " has " + names.size() + " " + kind + "s ("
            + String.join(", ", names) + ") but " + what + " is a list of " + list.size() + " arrays");
      }
      for (Object v : list) r.add(array(v, r.size(), kind));
    } else {
      if (count != 1) {
        List<String> names = namesOf.get();
        throw new IllegalArgumentException(call + ": model " + model.name() + " has " + names.size() + " " + kind + "s ("
            + String.join(", ", names) + "): give " + what + " as a list in that order or a map by name");
      }
      r.add(array(data, 0, kind));
    }
    return r;
  }

  /** Whether model input {@code i} is fed to a {@link Preprocessing} layer, which takes raw data (text). */
  private boolean rawInput(int i, String kind) {
    return kind.equals("input") && model.firstLayerOf(i) instanceof Preprocessing;
  }

  /**
   * One array: for an input taken by a {@link Preprocessing} layer (TextVectorization,
   * StringLookup, IntegerLookup), the layer's encoding of the raw data, computed in Java.
   */
  private FloatArray array(Object v, int i, String kind) {
    // A FloatArray for such an input is taken as encoded already (ids from TextVectorization.vectorize).
    if (!rawInput(i, kind) || v instanceof FloatArray) return FloatArray.of(v);
    checkPreprocessingPlacement();
    return ((Preprocessing) model.firstLayerOf(i)).encode(v);
  }

  /** Refuses a preprocessing layer that does not take a model input directly: its work runs before the graph. */
  private void checkPreprocessingPlacement() {
    for (Layer<?> l : model.layers()) {
      if (!(l instanceof Preprocessing)) continue;
      boolean first = false;
      for (int i = 0; i < model.inputCount(); i++) first |= model.firstLayerOf(i) == l;
      if (!first) {
        throw new IllegalArgumentException("layer " + l.name() + " (" + l.className() + ") must take a model input directly:"
            + " jkeras computes its output in Java before the graph (give the model the raw data)");
      }
    }
  }

  /** Checks x (named {@code xWhat} in messages) and then y against x, for the call {@code what}. */
  void inputsAndTargets(List<FloatArray> xs, List<FloatArray> ys, String xWhat, String what) {
    inputs(xs, xWhat);
    List<long[]> outs = model.computeOutputShapes(batchless(xs));
    for (int o = 0; o < ys.size(); o++) {
      String yWhat = ys.size() == 1 ? "y" : "y['" + model.outputNames().get(o) + "']";
      targets(xs.get(0), ys.get(o), outs.get(o), model.lossFor(o), yWhat, what);
    }
  }

  private static List<long[]> batchless(List<FloatArray> xs) {
    List<long[]> r = new ArrayList<>();
    for (FloatArray x : xs) r.add(Shapes.withBatch(-1, Shapes.dropBatch(x.shape())));
    return r;
  }

  private void inputs(List<FloatArray> xs, String what) {
    List<long[]> specs = model.inputSpecs();
    for (int i = 0; i < xs.size(); i++) {
      String w = xs.size() == 1 ? what : "input '" + model.inputNames().get(i) + "'";
      if (i > 0 && xs.get(i).length() != xs.get(0).length()) {
        throw new IllegalArgumentException(w + " has " + xs.get(i).length() + " samples but input '"
            + model.inputNames().get(0) + "' has " + xs.get(0).length());
      }
      input(xs.get(i), specs.get(i), model.firstLayerOf(i), w);
    }
  }

  private void input(FloatArray x, long[] spec, Layer<?> first, String what) {
    if (spec == null) return;
    // A preprocessing layer's input is raw data; the model is fed its encoding.
    if (first instanceof Preprocessing) spec = first.computeOutputShape(spec);
    long[] s = x.shape();
    if (s.length != spec.length) {
      throw new IllegalArgumentException(what + " has shape " + Shapes.toString(s) + " (rank " + s.length
          + ") but model " + model.name() + " expects input of shape " + Shapes.toString(spec) + " (rank " + spec.length + ")");
    }
    long[] specNoBatch = Arrays.copyOf(spec, spec.length);
    specNoBatch[0] = -1;
    if (!Shapes.compatible(specNoBatch, s)) {
      throw new IllegalArgumentException(what + " has shape " + Shapes.toString(s) + " but model " + model.name()
          + " expects input of shape " + Shapes.toString(spec));
    }
    for (int i = 1; i < s.length; i++) {
      if (s[i] == 0) throw new IllegalArgumentException(what + " has an empty dimension: " + Shapes.toString(s));
    }
    if (first != null) first.checkInputData(x);
  }

  private void targets(FloatArray x, FloatArray y, long[] out, Loss loss, String yWhat, String what) {
    if (x.length() != y.length()) {
      throw new IllegalArgumentException(what + ": x has " + x.length() + " samples but " + yWhat + " has " + y.length());
    }
    long[] ys = y.shape();
    ys[0] = -1;
    if (loss.isSparse()) {
      boolean ok = ys.length == out.length - 1 || (ys.length == out.length && ys[ys.length - 1] == 1);
      if (!ok || !Shapes.compatible(Arrays.copyOf(out, ys.length - (ys.length == out.length ? 1 : 0)),
          Arrays.copyOf(ys, ys.length - (ys.length == out.length ? 1 : 0)))) {
        throw new IllegalArgumentException(what + ": " + loss.name() + " expects integer labels of shape "
            + Shapes.toString(Arrays.copyOf(out, out.length - 1)) + " but " + yWhat + " has shape " + Shapes.toString(y.shape()));
      }
      float[] d = y.data();
      long classes = out[out.length - 1];
      for (int i = 0; i < d.length; i++) {
        if (d[i] < 0 || d[i] >= classes || d[i] != Math.rint(d[i])) {
          throw new IllegalArgumentException(what + ": label " + d[i] + " at flat index " + i
              + " is not a class id in [0, " + classes + ")");
        }
      }
    } else if (!Shapes.compatible(out, ys)) {
      throw new IllegalArgumentException(what + ": " + yWhat + " has shape " + Shapes.toString(y.shape()) + " but model " + model.name()
          + " outputs " + Shapes.toString(out) + " (loss " + loss.name() + ")");
    }
  }

  /**
   * The batch size evaluate and predict run with, checked: the one asked for, capped to the number
   * of samples (at least 1), or exactly the one asked for with a stateful model.
   */
  int batchSize(int requested, int samples, String what) {
    int bs = model.fixedBatchSize() > 0 ? requested : Math.max(1, Math.min(requested, samples));
    batch(bs, samples, what);
    return bs;
  }

  /** A stateful model runs only whole batches of its fixed size. */
  void batch(int batchSize, int samples, String what) {
    long fixed = model.fixedBatchSize();
    if (fixed > 0) {
      if (batchSize != fixed) {
        throw new IllegalArgumentException(what + ": model " + model.name() + " is stateful with a fixed batch size of " + fixed
            + " but batch_size is " + batchSize);
      }
      if (samples % fixed != 0) {
        throw new IllegalArgumentException(what + ": model " + model.name() + " is stateful with a fixed batch size of " + fixed
            + "; the number of samples (" + samples + ") must be a multiple of it");
      }
    }
  }
}
