package io.jkeras.cli;

import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.utils.Shapes;

/**
 * Checks data against a model before anything runs, so that a mismatch is a usage error (exit 2)
 * whose message names the file and the fix, rather than a failure deep in training.
 */
final class DataCheck {
  private DataCheck() {}

  /** x against the model's input shape; {@code source} names where x came from (a job file, an input file). */
  static void input(String source, Sequential model, FloatArray x, String fix) {
    long[] spec = model.inputBatchShape();
    if (spec == null) return;
    long[] s = x.shape();
    long[] a = s.clone();
    a[0] = -1;
    long[] b = spec.clone();
    b[0] = -1;
    if (s.length != spec.length || !Shapes.compatible(b, a)) {
      throw new ConfigException(source + ": the data has shape " + Shapes.toString(s) + " but the model's input is "
          + Shapes.toString(spec) + (fix == null ? "" : "; " + fix));
    }
  }

  /** y against the model's output: the number of classes against the last layer's units. */
  static void targets(String source, Sequential model, FloatArray x, FloatArray y) {
    if (x.length() != y.length()) {
      throw new ConfigException(source + ": the data has " + x.length() + " samples in x but " + y.length() + " in y");
    }
    long[] xs = x.shape();
    xs[0] = -1;
    long[] out = model.computeOutputShape(xs);
    long units = out[out.length - 1];
    String last = model.layers().get(model.layers().size() - 1).name();
    if (model.isCompiled() && model.loss().isSparse()) {
      float max = 0;
      for (float v : y.data()) max = Math.max(max, v);
      long classes = (long) max + 1;
      if (units > 0 && classes > units) {
        throw new ConfigException(source + ": the data has " + classes + " classes (labels up to " + (long) max
            + "); the last layer '" + last + "' has " + units + " units: give it " + classes + " units");
      }
      return;
    }
    long[] ys = y.shape();
    long target = ys[ys.length - 1];
    if (units > 0 && ys.length == out.length && target != units) {
      String what = model.isCompiled() && model.loss().name().contains("categorical") ? target + " classes" : target + " values per sample";
      throw new ConfigException(source + ": the data has " + what + "; the last layer '" + last + "' has " + units
          + " units: give it " + target + " units");
    }
    if (ys.length != out.length && !(model.isCompiled() && model.loss().isSparse())) {
      throw new ConfigException(source + ": the data has y of shape " + Shapes.toString(y.shape()) + " but the model outputs "
          + Shapes.toString(out) + " (loss " + (model.isCompiled() ? model.loss().name() : "none") + ")");
    }
  }
}
