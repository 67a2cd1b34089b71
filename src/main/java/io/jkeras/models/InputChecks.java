package io.jkeras.models;

import io.jkeras.data.FloatArray;
import io.jkeras.losses.Loss;
import io.jkeras.utils.Shapes;
import java.util.Arrays;

/**
 * What a model checks of the data it is given before anything reaches TensorFlow (the part of
 * Keras 3's data adapters and {@code Trainer} that rejects bad input): the input's shape against
 * the model's, the targets against the output and the loss, and the batch size of a stateful model.
 * The messages name the call ("fit", "evaluate"...) and the data ("x", "validation x") at fault.
 */
final class InputChecks {
  /** Inputs and targets, converted and checked. */
  record Data(FloatArray x, FloatArray y) {}

  private final Model model;

  InputChecks(Model model) {
    this.model = model;
  }

  /**
   * The prelude of every call that takes targets ({@code what}: "fit", "evaluate",
   * "trainOnBatch"...): the model is compiled, x and y are converted, the model is built from x's
   * shape if need be, and x and y are checked.
   */
  Data inputsAndTargets(String what, Object x, Object y) {
    model.requireCompiled(what);
    FloatArray xa = FloatArray.of(x);
    FloatArray ya = FloatArray.of(y);
    model.ensureBuilt(xa);
    inputsAndTargets(xa, ya, "x", what);
    return new Data(xa, ya);
  }

  /** The prelude of predict: x is converted, the model built from its shape if need be, and x checked. */
  FloatArray inputs(Object x) {
    FloatArray xa = FloatArray.of(x);
    model.ensureBuilt(xa);
    input(xa, "x");
    return xa;
  }

  /** Checks x (named {@code xWhat} in messages) and then y against x, for the call {@code what}. */
  void inputsAndTargets(FloatArray x, FloatArray y, String xWhat, String what) {
    input(x, xWhat);
    targets(x, y, what);
  }

  private void input(FloatArray x, String what) {
    long[] spec = model.inputBatchShape() != null ? model.inputBatchShape() : model.layers().get(0).builtInputShape();
    if (spec == null) return;
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
    model.layers().get(0).checkInputData(x);
  }

  private void targets(FloatArray x, FloatArray y, String what) {
    if (x.length() != y.length()) {
      throw new IllegalArgumentException(what + ": x has " + x.length() + " samples but y has " + y.length());
    }
    Loss loss = model.loss();
    long[] out = model.computeOutputShape(Shapes.withBatch(-1, Shapes.dropBatch(x.shape())));
    long[] ys = y.shape();
    ys[0] = -1;
    if (loss.isSparse()) {
      boolean ok = ys.length == out.length - 1 || (ys.length == out.length && ys[ys.length - 1] == 1);
      if (!ok || !Shapes.compatible(Arrays.copyOf(out, ys.length - (ys.length == out.length ? 1 : 0)),
          Arrays.copyOf(ys, ys.length - (ys.length == out.length ? 1 : 0)))) {
        throw new IllegalArgumentException(what + ": " + loss.name() + " expects integer labels of shape "
            + Shapes.toString(Arrays.copyOf(out, out.length - 1)) + " but y has shape " + Shapes.toString(y.shape()));
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
      throw new IllegalArgumentException(what + ": y has shape " + Shapes.toString(y.shape()) + " but model " + model.name()
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
