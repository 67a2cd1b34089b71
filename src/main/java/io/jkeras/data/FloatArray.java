package io.jkeras.data;

import java.lang.reflect.Array;
import java.util.Arrays;
import io.jkeras.utils.Shapes;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * A dense float32 array in row-major order: the form in which jkeras holds datasets and
 * batches. Java arrays are flattened once on the way in; batches are then cut from the flat
 * data with one bulk copy per sample, never per element.
 */
public final class FloatArray {
  private final float[] data;
  private final long[] shape;
  private final int rowSize;

  public FloatArray(float[] data, long... shape) {
    if (shape.length == 0) throw new IllegalArgumentException("an array needs at least one dimension");
    for (long d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
    }
    if (Shapes.product(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape " + Shapes.toString(shape) + " needs " + Shapes.product(shape) + " values, got " + data.length);
    }
    this.data = data;
    this.shape = shape.clone();
    this.rowSize = (int) (shape[0] == 0 ? 0 : data.length / shape[0]);
  }

  /**
   * Converts a rectangular Java array ({@code float[]...float[][][][]}, {@code int[]...},
   * {@code double[]...}), an NdArray, or a FloatArray. Ragged arrays are rejected with the path
   * of the first row whose length differs.
   */
  public static FloatArray of(Object array) {
    if (array == null) throw new IllegalArgumentException("array is null");
    if (array instanceof FloatArray) return (FloatArray) array;
    if (array instanceof FloatNdArray) {
      FloatNdArray nd = (FloatNdArray) array;
      float[] flat = new float[(int) nd.size()];
      nd.copyTo(DataBuffers.of(flat, false, false));
      return new FloatArray(flat, nd.shape().asArray());
    }
    if (array instanceof NdArray) {
      throw new IllegalArgumentException("only float NdArrays are accepted, got " + array.getClass().getSimpleName());
    }
    if (!array.getClass().isArray()) {
      throw new IllegalArgumentException("expected a Java array or NdArray, got " + array.getClass().getName());
    }
    long[] shape = shapeOf(array);
    float[] flat = new float[Math.toIntExact(Shapes.product(shape))];
    int[] pos = {0};
    flatten(array, shape, 0, flat, pos, "x");
    return new FloatArray(flat, shape);
  }

  private static long[] shapeOf(Object array) {
    int rank = 0;
    Class<?> c = array.getClass();
    while (c.isArray()) {
      rank++;
      c = c.getComponentType();
    }
    if (c != float.class && c != int.class && c != double.class && c != long.class) {
      throw new IllegalArgumentException("unsupported element type " + c.getName() + " (use float, int, long or double)");
    }
    long[] shape = new long[rank];
    Object a = array;
    for (int i = 0; i < rank; i++) {
      int n = Array.getLength(a);
      shape[i] = n;
      if (n == 0) break;
      if (i < rank - 1) a = Array.get(a, 0);
    }
    return shape;
  }

  private static void flatten(Object a, long[] shape, int depth, float[] out, int[] pos, String path) {
    int n = Array.getLength(a);
    if (n != shape[depth]) {
      throw new IllegalArgumentException(
          "ragged array: " + path + " has length " + n + " but the first row at that depth has " + shape[depth]);
    }
    if (depth == shape.length - 1) {
      if (a instanceof float[]) {
        System.arraycopy(a, 0, out, pos[0], n);
      } else if (a instanceof int[]) {
        int[] ia = (int[]) a;
        for (int i = 0; i < n; i++) out[pos[0] + i] = ia[i];
      } else if (a instanceof long[]) {
        long[] la = (long[]) a;
        for (int i = 0; i < n; i++) out[pos[0] + i] = la[i];
      } else {
        double[] da = (double[]) a;
        for (int i = 0; i < n; i++) out[pos[0] + i] = (float) da[i];
      }
      pos[0] += n;
      return;
    }
    for (int i = 0; i < n; i++) {
      Object row = Array.get(a, i);
      if (row == null) throw new IllegalArgumentException("null row at " + path + "[" + i + "]");
      flatten(row, shape, depth + 1, out, pos, path + "[" + i + "]");
    }
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Number of samples (the first dimension). */
  public int length() {
    return (int) shape[0];
  }

  /** The flat backing data (not a copy). */
  public float[] data() {
    return data;
  }

  public int rowSize() {
    return rowSize;
  }

  /** Index of the first NaN or infinite value, or -1. */
  public int firstNonFinite() {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) return i;
    }
    return -1;
  }

  /**
   * Copies samples {@code indices[from..to)} into a new tensor. Large samples (word-lm's one-hot
   * label rows) are written straight into the tensor's native memory, one bulk write each; small
   * ones are gathered into one Java array first, since a native write per short row costs more
   * than the extra copy (measured in bench/Feed).
   */
  public TFloat32 batchTensor(int[] indices, int from, int to) {
    int n = to - from;
    long[] s = shape.clone();
    s[0] = n;
    if (rowSize >= DIRECT_ROW) {
      return TFloat32.tensorOf(Shape.of(s), t -> {
        FloatDataBuffer b = t.asRawTensor().data().asFloats();
        for (int i = 0; i < n; i++) b.offset((long) i * rowSize).write(data, indices[from + i] * rowSize, rowSize);
      });
    }
    float[] buf = new float[n * rowSize];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data, indices[from + i] * rowSize, buf, i * rowSize, rowSize);
    }
    return TFloat32.tensorOf(Shape.of(s), t -> t.asRawTensor().data().asFloats().write(buf));
  }

  /** Samples of at least this many floats are copied straight into native memory. */
  private static final int DIRECT_ROW = 4096;

  /** Copies the contiguous samples {@code [from, to)} into a new tensor (one bulk write). */
  public TFloat32 sliceTensor(int from, int to) {
    long[] s = shape.clone();
    s[0] = to - from;
    return TFloat32.tensorOf(Shape.of(s), t -> t.asRawTensor().data().asFloats().write(data, from * rowSize, (to - from) * rowSize));
  }

  /** Samples {@code [from, to)} as a new FloatArray. */
  public FloatArray slice(int from, int to) {
    long[] s = shape.clone();
    s[0] = to - from;
    return new FloatArray(Arrays.copyOfRange(data, from * rowSize, to * rowSize), s);
  }

  public float get(long... index) {
    if (index.length != shape.length) throw new IllegalArgumentException("index rank " + index.length + " != " + shape.length);
    long off = 0;
    for (int i = 0; i < index.length; i++) off = off * shape[i] + index[i];
    return data[(int) off];
  }

  /** Reads a tensor's content into a FloatArray. */
  public static FloatArray fromTensor(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    long[] s = t.shape().asArray();
    if (s.length == 0) s = new long[] {1};
    return new FloatArray(out, s);
  }

  /** Rows of a rank-2 array. */
  public float[][] toMatrix() {
    if (shape.length != 2) throw new IllegalStateException("toMatrix needs rank 2, shape is " + Shapes.toString(shape));
    float[][] m = new float[(int) shape[0]][(int) shape[1]];
    for (int i = 0; i < m.length; i++) System.arraycopy(data, i * rowSize, m[i], 0, rowSize);
    return m;
  }

  /** A rank-3 array as float[][][]. */
  public float[][][] toArray3() {
    if (shape.length != 3) throw new IllegalStateException("toArray3 needs rank 3, shape is " + Shapes.toString(shape));
    float[][][] m = new float[(int) shape[0]][(int) shape[1]][(int) shape[2]];
    int k = 0;
    for (float[][] a : m) for (float[] b : a) {
      System.arraycopy(data, k, b, 0, b.length);
      k += b.length;
    }
    return m;
  }

  @Override
  public String toString() {
    return "FloatArray" + Shapes.toString(shape);
  }
}
