package io.jkeras.models;

import io.jkeras.backend.Weight;
import io.jkeras.layers.Layer;
import java.util.Locale;

/** The pieces of Keras's {@code model.summary()} table that Sequential and Functional share. */
final class Summary {
  private Summary() {}

  /** One row: each cell padded (or cut) to its column's width. */
  static String row(int[] cols, String... cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) b.append(fit(cells[i], cols[i]));
    return b.append('\n').toString();
  }

  private static String fit(String s, int w) {
    if (s.length() >= w) return s.substring(0, w - 1) + " ";
    return s + " ".repeat(w - s.length());
  }

  /** The total, trainable and non-trainable parameter lines. */
  static String counts(Model model) {
    long trainable = 0;
    long nonTrainable = 0;
    for (Layer<?> l : model.layers()) {
      for (Weight w : l.trainableWeights()) trainable += w.size();
      for (Weight w : l.nonTrainableWeights()) nonTrainable += w.size();
    }
    return String.format(Locale.ROOT, "Total params: %,d (%s)%n", trainable + nonTrainable, bytes(trainable + nonTrainable))
        + String.format(Locale.ROOT, "Trainable params: %,d (%s)%n", trainable, bytes(trainable))
        + String.format(Locale.ROOT, "Non-trainable params: %,d (%s)%n", nonTrainable, bytes(nonTrainable));
  }

  /** Keras's parameter memory, float32: "20.35 KB". */
  private static String bytes(long params) {
    double b = params * 4.0;
    String[] units = {"B", "KB", "MB", "GB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", b, units[u]);
  }
}
