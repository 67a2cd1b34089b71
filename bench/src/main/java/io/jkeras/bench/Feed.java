package io.jkeras.bench;

import io.jkeras.data.FloatArray;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * EXPERIMENT: the cost of turning a batch into a tensor, two ways: writing each sample straight
 * into the tensor's native buffer ({@link #direct}), and gathering the samples into one Java
 * array first, then one bulk write ({@link #gatherWrite}); and the library's
 * FloatArray.batchTensor, which picks between them by row size from these measurements. Prints
 * µs per batch for the word-lm labels (20 x 30 x 10000 one-hot), its ids, and char-lstm's x
 * (64 x 50 x 1).
 */
public final class Feed {
  private Feed() {}

  /** One bulk write per sample into the tensor's own memory. */
  public static TFloat32 direct(FloatArray a, int[] indices, int from, int to) {
    long[] s = a.shape();
    s[0] = to - from;
    int row = a.rowSize();
    float[] data = a.data();
    return TFloat32.tensorOf(Shape.of(s), t -> {
      FloatDataBuffer b = t.asRawTensor().data().asFloats();
      for (int i = 0; i < to - from; i++) b.offset((long) i * row).write(data, indices[from + i] * row, row);
    });
  }

  /** Gathers into a float[] (one arraycopy per sample), then one bulk write into the tensor. */
  public static TFloat32 gatherWrite(FloatArray a, int[] indices, int from, int to) {
    long[] s = a.shape();
    s[0] = to - from;
    int row = a.rowSize();
    float[] data = a.data();
    float[] buf = new float[(to - from) * row];
    for (int i = 0; i < to - from; i++) System.arraycopy(data, indices[from + i] * row, buf, i * row, row);
    return TFloat32.tensorOf(Shape.of(s), t -> t.asRawTensor().data().asFloats().write(buf));
  }

  public static void main(String[] args) {
    Random r = new Random(1);
    for (long[] shape : new long[][] {{60, 30, 10000}, {60, 30}, {256, 50, 1}}) {
      int n = 1;
      for (long d : shape) n *= (int) d;
      float[] data = new float[n];
      for (int i = 0; i < n; i += 7) data[i] = r.nextFloat();
      FloatArray a = new FloatArray(data, shape);
      int batch = shape[0] == 60 ? 20 : 64;
      int[] order = new int[(int) shape[0]];
      for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
      for (String how : new String[] {"library", "direct", "gather+write", "library", "direct", "gather+write"}) {
        int reps = 30;
        long t0 = System.nanoTime();
        for (int k = 0; k < reps; k++) {
          try (TFloat32 t = how.equals("library") ? a.batchTensor(order, 0, batch)
              : how.equals("direct") ? direct(a, order, 0, batch) : gatherWrite(a, order, 0, batch)) {
            if (t.size() == 12345) System.out.print("");
          }
        }
        double us = (System.nanoTime() - t0) / 1e3 / reps;
        System.out.printf(Locale.ROOT, "batch %s of %s: %-8s %8.0f µs%n", batch, java.util.Arrays.toString(shape), how, us);
      }
      // Same content?
      try (TFloat32 x = a.batchTensor(order, 0, batch); TFloat32 y = direct(a, order, 0, batch)) {
        float[] p = new float[(int) x.size()];
        float[] q = new float[(int) y.size()];
        x.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(p, false, false));
        y.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(q, false, false));
        System.out.println("  identical: " + java.util.Arrays.equals(p, q));
      }
    }
  }
}
