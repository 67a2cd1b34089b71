package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Axis arguments of the normalization layers: reading Keras's int-or-list {@code axis} from a
 * config, and resolving negative axes against an input rank, with errors naming the layer and field.
 */
final class Axes {
  private Axes() {}

  /** Keras's {@code axis}: an int or a list of ints (a one-element list where only an int is allowed). */
  static int[] read(Config c, String key, int def, boolean listAllowed) {
    if (!c.has(key)) {
      c.ignore(key);
      return new int[] {def};
    }
    JsonNode v = c.getNode(key);
    if (v.isArray() && v.size() == 1 && !listAllowed) v = v.get(0); // Keras 2 wrote [-1] after build
    if (v.isIntegralNumber()) return new int[] {v.asInt()};
    if (listAllowed && v.isArray() && v.size() > 0) {
      int[] r = new int[v.size()];
      for (int i = 0; i < r.length; i++) {
        if (!v.get(i).isIntegralNumber()) throw new KerasFormatException(c.path() + "." + key + ": expected integers, got " + Config.describe(v));
        r[i] = v.get(i).asInt();
      }
      return r;
    }
    throw new KerasFormatException(c.path() + "." + key + ": expected an integer" + (listAllowed ? " or a list of integers" : "")
        + ", got " + Config.describe(v));
  }

  /**
   * {@code axes} as non-negative axes of a rank-{@code rank} input, sorted; throws naming
   * {@code layer} if one is out of range, repeated, or the batch axis.
   */
  static int[] resolve(Layer<?> layer, int[] axes, long[] inputShape) {
    int rank = inputShape.length;
    int[] r = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      int a = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (a < 0 || a >= rank) {
        throw layer.shapeError("axis " + axes[i] + " is out of range for an input of rank " + rank, inputShape);
      }
      if (a == 0) throw layer.shapeError("axis " + axes[i] + " is the batch axis, which cannot be normalized over here", inputShape);
      r[i] = a;
    }
    Arrays.sort(r);
    for (int i = 1; i < r.length; i++) {
      if (r[i] == r[i - 1]) throw layer.shapeError("axis lists axis " + r[i] + " twice", inputShape);
    }
    return r;
  }

  /** The config value of {@code axes}: an int for one given as an int, else a list. */
  static Object config(int[] axes, boolean asList) {
    if (!asList && axes.length == 1) return axes[0];
    List<Object> r = new ArrayList<>();
    for (int a : axes) r.add(a);
    return r;
  }
}
