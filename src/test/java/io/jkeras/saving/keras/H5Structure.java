package io.jkeras.saving.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The structure of an HDF5 file as sorted lines, for comparing a jkeras-written file with a
 * Keras-written one: every group with its attributes, every dataset with dtype, shape and
 * attributes ({@code D layers/dense/vars/0 float32 (128, 64)}).
 */
final class H5Structure {
  private H5Structure() {}

  /** The lines of {@code file}, leaving out every path that starts with one of {@code excluded}. */
  static List<String> of(Path file, String... excluded) {
    List<String> lines = new ArrayList<>();
    try (HdfFile hdf = new HdfFile(file)) {
      walk(hdf, "", lines, excluded);
    }
    Collections.sort(lines);
    return lines;
  }

  /** The structure of the model.weights.h5 inside a .keras archive. */
  static List<String> ofArchive(Path keras, Path tmpDir, String... excluded) {
    try (ZipFile zip = new ZipFile(keras.toFile())) {
      Path h5 = Files.createTempFile(tmpDir, "w", ".h5");
      try (InputStream in = zip.getInputStream(zip.getEntry("model.weights.h5"))) {
        Files.copy(in, h5, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return of(h5, excluded);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void walk(Group g, String path, List<String> lines, String[] excluded) {
    for (String ex : excluded) if (!path.isEmpty() && (path.equals(ex) || path.startsWith(ex + "/"))) return;
    lines.add("G /" + path + attrs(g));
    for (Map.Entry<String, Node> e : new TreeMap<>(g.getChildren()).entrySet()) {
      String p = path.isEmpty() ? e.getKey() : path + "/" + e.getKey();
      boolean skip = false;
      for (String ex : excluded) if (p.equals(ex) || p.startsWith(ex + "/")) skip = true;
      if (skip) continue;
      Node n = e.getValue();
      if (n.isGroup()) {
        walk((Group) n, p, lines, excluded);
      } else {
        Dataset d = (Dataset) n;
        lines.add("D /" + p + " " + dtype(d) + " " + Arrays.toString(d.getDimensions()) + attrs(n));
      }
    }
  }

  private static String dtype(Dataset d) {
    Class<?> t = d.getJavaType();
    int size = d.getDataType().getSize();
    if (t == float.class) return "float" + 8 * size;
    if (t == double.class) return "float64";
    return t.getSimpleName() + size;
  }

  private static String attrs(Node n) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Attribute> a : new TreeMap<>(n.getAttributes()).entrySet()) {
      Object v = a.getValue().getData();
      String s = v instanceof String ? "string '" + v + "'" : v.getClass().isArray() ? v.getClass().getSimpleName() : String.valueOf(v);
      b.append(" @").append(a.getKey()).append('=').append(s);
    }
    return b.toString();
  }
}
