package io.jkeras.layers;

import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras 1's recurrent weights, one W, U and b per gate ({@code lstm_1_W_i:0}, ...), fused into
 * Keras 2/3's kernel, recurrent_kernel and bias, whose columns hold the gates side by side. For
 * {@link Layer#fromLegacyWeights} of LSTM and GRU.
 */
final class LegacyGates {
  private LegacyGates() {}

  private static final Pattern GATE = Pattern.compile("(?:^|_)([WUb])_([a-z])$");

  /**
   * Fuses per-gate W, U, b arrays into kernel, recurrent_kernel, bias with the gates in
   * {@code gates} order. Gates are found by name ({@code lstm_1_W_i:0}); files whose names do
   * not say follow Keras 1's stored order, {@code starts} giving each gate's first array.
   */
  static List<FloatArray> fuse(List<String> names, List<FloatArray> arrays, String gates, int... starts) {
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
        List<String> shapes = new ArrayList<>();
        for (FloatArray a : parts) shapes.add(Shapes.toString(a.shape()));
        throw new KerasFormatException("per-gate arrays of different shapes: " + shapes);
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
}
