package io.jkeras.cli;

import io.jkeras.data.FloatArray;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** predict --decode/--top-k: each probability vector (the last axis) as its k most likely labels. */
final class Decoder {
  private Decoder() {}

  static void print(Map<String, FloatArray> results, List<String> vocab, int k, PrintStream out) {
    if (results.size() != 1) {
      throw new ConfigException("--decode/--top-k read one output; the model has " + results.size() + " " + results.keySet());
    }
    FloatArray y = results.values().iterator().next();
    long[] shape = y.shape();
    int classes = (int) shape[shape.length - 1];
    if (vocab != null && vocab.size() != classes) {
      throw new ConfigException("the vocabulary has " + vocab.size() + " labels but the model's output has " + classes
          + " classes: give the vocabulary the model was trained with (--vocabulary)");
    }
    int steps = shape.length > 2 ? (int) (y.data().length / shape[0] / classes) : 1;
    float[] d = y.data();
    int rows = d.length / classes;
    for (int r = 0; r < rows; r++) {
      final int off = r * classes;
      List<Integer> ids = new ArrayList<>();
      for (int c = 0; c < classes; c++) ids.add(c);
      ids.sort(Comparator.comparingDouble((Integer c) -> -d[off + c]));
      StringBuilder b = new StringBuilder(steps > 1 ? "sample " + r / steps + " step " + r % steps + ":" : "sample " + r + ":");
      for (int i = 0; i < Math.min(k, classes); i++) {
        int c = ids.get(i);
        String label = vocab == null ? String.valueOf(c) : "'" + vocab.get(c) + "'";
        b.append(String.format(Locale.ROOT, " %s %.4f", label, d[off + c]));
      }
      out.println(b);
    }
  }
}
