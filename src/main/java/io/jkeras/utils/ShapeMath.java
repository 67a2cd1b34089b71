package io.jkeras.utils;

/**
 * Overflow-safe arithmetic on shapes and sizes. TensorFlow multiplies a shape's dimensions in
 * 64 bits and aborts the whole process when the product overflows
 * ({@code tensor_shape.cc: Encountered overflow when multiplying}); every product of dimensions,
 * unit counts or byte sizes that can reach TensorFlow is computed here first, with
 * {@link Math#multiplyExact}, and refused with a message naming what asked for it.
 */
public final class ShapeMath {
  private ShapeMath() {}

  /**
   * {@code a * b}, or a {@link ResourceLimitException} naming {@code what} when the product
   * does not fit in a long.
   */
  public static long multiply(long a, long b, String what) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new ResourceLimitException(what + ": " + a + " x " + b + " overflows a 64-bit size");
    }
  }

  /** {@code a + b}, or a {@link ResourceLimitException} naming {@code what} on overflow. */
  public static long add(long a, long b, String what) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ResourceLimitException(what + ": " + a + " + " + b + " overflows a 64-bit size");
    }
  }

  /**
   * The number of elements of {@code shape}, unknown dimensions ({@code -1}, Keras's None)
   * counted as 1: the size of one sample of a batch-first shape with a None batch. Refuses
   * dimensions below -1 and products that overflow, naming {@code what} and the shape.
   */
  public static long elements(long[] shape, String what) {
    long n = 1;
    for (long d : shape) {
      if (d < -1) throw new ResourceLimitException(what + ": negative dimension " + d + " in shape " + Shapes.toString(shape));
      if (d < 0) continue;
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new ResourceLimitException(what + ": shape " + Shapes.toString(shape)
            + " has more elements than a 64-bit count holds");
      }
    }
    return n;
  }

  /** {@link #elements} of a shape whose every dimension must be known (a weight's). */
  public static long knownElements(long[] shape, String what) {
    for (long d : shape) {
      if (d < 0) throw new ResourceLimitException(what + ": needs a fully known shape, got " + Shapes.toString(shape));
    }
    return elements(shape, what);
  }

  /** {@code n} as an int (a Java array's length), or a {@link ResourceLimitException} naming {@code what}. */
  public static int toIntSize(long n, String what) {
    if (n < 0 || n > Integer.MAX_VALUE - 8) {
      throw new ResourceLimitException(what + ": " + n + " values do not fit in one Java array (at most "
          + (Integer.MAX_VALUE - 8) + ")");
    }
    return (int) n;
  }
}
