package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Access to the real Python-Keras artifacts in {@code ../shared/keras-fixtures} (never copied
 * into the project). A test that needs one calls {@link #path} and is skipped with a clear
 * message when the folder is absent.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    String p = System.getProperty("jkeras.fixtures", "../shared/keras-fixtures");
    return Paths.get(p);
  }

  /** The fixture file, or a skipped test when ../shared/keras-fixtures is not there. */
  public static Path path(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(Files.exists(p), "skipped: Keras fixture " + p + " not found (../shared/keras-fixtures is absent)");
    return p;
  }

  public static FloatArray npy(String relative) {
    try {
      return Npy.read(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a numeric HDF5 dataset into a FloatArray. */
  public static FloatArray h5(Path file, String datasetPath) {
    try (HdfFile hdf = new HdfFile(file)) {
      Node n = hdf.getByPath(datasetPath);
      Dataset d = (Dataset) n;
      int[] dims = d.getDimensions();
      long[] shape = new long[Math.max(1, dims.length)];
      if (dims.length == 0) shape[0] = 1;
      for (int i = 0; i < dims.length; i++) shape[i] = dims[i];
      Object data = d.getData();
      if (dims.length == 0) {
        return new FloatArray(new float[] {((Number) data).floatValue()}, 1);
      }
      FloatArray a = FloatArray.of(toPrimitive(data));
      return new FloatArray(a.data(), shape);
    }
  }

  private static Object toPrimitive(Object data) {
    // jhdf returns float[]..., double[]..., int[]...; FloatArray.of handles those.
    if (data.getClass().isArray() && Array.getLength(data) >= 0) return data;
    throw new IllegalArgumentException("not an array dataset: " + data.getClass());
  }

  /** Asserts element-wise |a - b| <= atol + rtol * |b|; reports the worst element. */
  public static double assertClose(FloatArray expected, FloatArray actual, double atol, double rtol) {
    assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), "shape");
    double worst = 0;
    int at = -1;
    float[] e = expected.data();
    float[] a = actual.data();
    for (int i = 0; i < e.length; i++) {
      double err = Math.abs(e[i] - a[i]);
      double excess = err - (atol + rtol * Math.abs(e[i]));
      if (excess > 0 && (at < 0 || err > worst)) {
        at = i;
      }
      worst = Math.max(worst, err);
    }
    if (at >= 0) {
      throw new AssertionError("max abs error " + worst + " exceeds tolerance (atol " + atol + ", rtol " + rtol
          + "); first bad element " + at + ": expected " + e[at] + ", got " + a[at]);
    }
    return worst;
  }
}
