package io.jkeras.utils;

import java.util.Arrays;

/** Shapes as Keras prints them: {@code -1} in a long[] is Keras's {@code None}. */
public final class Shapes {
  private Shapes() {}

  public static String toString(long[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) b.append(", ");
      b.append(shape[i] < 0 ? "None" : Long.toString(shape[i]));
    }
    if (shape.length == 1) b.append(',');
    return b.append(')').toString();
  }

  public static long[] concat(long[] a, long... b) {
    long[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  public static long[] withBatch(long batch, long[] dims) {
    long[] r = new long[dims.length + 1];
    r[0] = batch;
    System.arraycopy(dims, 0, r, 1, dims.length);
    return r;
  }

  public static long[] dropBatch(long[] shape) {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** The product of {@code dims}; an overflow throws (ArithmeticException) instead of wrapping. */
  public static long product(long[] dims) {
    long p = 1;
    for (long d : dims) p = Math.multiplyExact(p, d);
    return p;
  }

  /** True when every known dim of {@code spec} equals the dim of {@code actual} (ranks equal). */
  public static boolean compatible(long[] spec, long[] actual) {
    if (spec.length != actual.length) return false;
    for (int i = 0; i < spec.length; i++) {
      if (spec[i] >= 0 && actual[i] >= 0 && spec[i] != actual[i]) return false;
    }
    return true;
  }
}
