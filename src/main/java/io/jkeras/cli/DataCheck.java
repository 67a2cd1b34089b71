package io.jkeras.cli;

import io.jkeras.data.FloatArray;
import io.jkeras.models.Model;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jkeras.utils.Shapes;

/**
 * Checks data against a model before anything runs, so that a mismatch is a usage error (exit 2)
 * whose message names the file and the fix, rather than a failure deep in training.
 */
final class DataCheck {
  private DataCheck() {}

  /** x against the model's input shape; {@code source} names where x came from (a job file, an input file). */
  static void input(String source, Model model, FloatArray x, String fix) {
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

  /**
   * The arrays of a model of several inputs or outputs ({@code kind} "input" or "output"), keyed
   * by the model's names in its order: a name the model does not have, a missing one, or arrays
   * of different sample counts are usage errors that name the input and its file. {@code given}
   * may hold one array under "" (the job named none): it is the model's only input (output).
   * {@code samples}, if not null, is the sample count the arrays must have (x's, for y).
   */
  static Map<String, FloatArray> named(String source, String field, String kind, Map<String, FloatArray> given,
      Map<String, Path> files, List<String> names, Integer samples) {
    String list = String.join(", ", names);
    if (given.containsKey("")) {
      if (names.size() != 1) {
        throw new ConfigException(source + ": field '" + field + "' is one file" + file(files, "") + " but the model has "
            + names.size() + " " + kind + "s (" + list + "): map each " + kind + " to its file, {\"" + names.get(0)
            + "\": \"" + names.get(0) + ".npy\", ...}");
      }
      given = Map.of(names.get(0), given.get(""));
      files = files.get("") == null ? Map.of() : Map.of(names.get(0), files.get(""));
    }
    for (String k : given.keySet()) {
      if (!names.contains(k)) {
        throw new ConfigException(source + ": field '" + field + "." + k + "'" + file(files, k) + ": the model has no " + kind
            + " '" + k + "'; its " + kind + "s are " + list);
      }
    }
    Map<String, FloatArray> r = new LinkedHashMap<>();
    String first = null;
    for (String k : names) {
      FloatArray a = given.get(k);
      if (a == null) {
        throw new ConfigException(source + ": field '" + field + "' has no file for " + kind + " '" + k + "' (the model's "
            + kind + "s: " + list + ")");
      }
      int want = samples != null ? samples : first != null ? r.get(first).length() : a.length();
      if (a.length() != want) {
        String other = samples != null ? "x has " + samples : kind + " '" + first + "'" + file(files, first) + " has " + want;
        throw new ConfigException(source + ": " + kind + " '" + k + "'" + file(files, k) + " has " + a.length() + " samples but "
            + other + "; every " + (samples != null ? "input and output" : kind) + " needs the same number of samples");
      }
      if (first == null) first = k;
      r.put(k, a);
    }
    return r;
  }

  private static String file(Map<String, Path> files, String k) {
    Path p = files.get(k);
    return p == null ? "" : " (" + p + ")";
  }

  /** y against the model's output: the number of classes against the last layer's units. */
  static void targets(String source, Model model, FloatArray x, FloatArray y) {
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
