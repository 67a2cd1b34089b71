package io.jkeras.data;

import io.jkeras.utils.Shapes;
import java.util.Arrays;
import java.util.List;

/** Keras's data helpers: {@code to_categorical} and {@code pad_sequences}. */
public final class DataUtils {
  private DataUtils() {}

  /** One-hot rows: {@code labels[i]} becomes a vector of {@code numClasses} with a 1 at that index. */
  public static float[][] toCategorical(int[] labels, int numClasses) {
    if (numClasses <= 0) throw new IllegalArgumentException("num_classes must be positive, got " + numClasses);
    float[][] out = new float[labels.length][numClasses];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside [0, " + numClasses + ")");
      }
      out[i][labels[i]] = 1;
    }
    return out;
  }

  /** {@code to_categorical} with {@code num_classes = max(labels) + 1}, as Keras infers it. */
  public static float[][] toCategorical(int[] labels) {
    int max = -1;
    for (int l : labels) max = Math.max(max, l);
    return toCategorical(labels, max + 1);
  }

  /** One-hot encodes a whole array of integer labels (any shape): adds a trailing axis. */
  public static FloatArray toCategorical(FloatArray labels, int numClasses) {
    float[] in = labels.data();
    float[] out = new float[Math.multiplyExact(in.length, numClasses)];
    for (int i = 0; i < in.length; i++) {
      int c = (int) in[i];
      if (c != in[i] || c < 0 || c >= numClasses) {
        throw new IllegalArgumentException("label " + in[i] + " at flat index " + i + " is not a class id in [0, " + numClasses + ")");
      }
      out[i * numClasses + c] = 1;
    }
    long[] s = labels.shape();
    if (s.length > 1 && s[s.length - 1] == 1) s = Arrays.copyOf(s, s.length - 1);
    return new FloatArray(out, Shapes.concat(s, numClasses));
  }

  /** Where {@link #padSequences} pads or truncates. */
  public enum Side { PRE, POST }

  /** {@code pad_sequences(sequences)} with Keras's defaults: maxlen = longest, pre padding and truncating, value 0. */
  public static int[][] padSequences(List<int[]> sequences) {
    return padSequences(sequences, -1, Side.PRE, Side.PRE, 0);
  }

  /**
   * Keras's {@code pad_sequences}: every sequence becomes {@code maxlen} long (the longest one
   * when {@code maxlen < 0}), padded with {@code value} and truncated on the given sides.
   */
  public static int[][] padSequences(List<int[]> sequences, int maxlen, Side padding, Side truncating, int value) {
    int len = maxlen;
    if (len < 0) {
      len = 0;
      for (int[] s : sequences) len = Math.max(len, s.length);
    }
    int[][] out = new int[sequences.size()][len];
    for (int i = 0; i < out.length; i++) {
      int[] s = sequences.get(i);
      if (s == null) throw new IllegalArgumentException("sequence " + i + " is null");
      Arrays.fill(out[i], value);
      int n = Math.min(len, s.length);
      int from = truncating == Side.PRE ? s.length - n : 0;
      int to = padding == Side.PRE ? len - n : 0;
      System.arraycopy(s, from, out[i], to, n);
    }
    return out;
  }
}
