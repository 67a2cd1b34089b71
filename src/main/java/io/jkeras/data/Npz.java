package io.jkeras.data;

import io.jkeras.utils.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** NumPy {@code .npz} archives: a zip of {@code <name>.npy} entries, as {@code numpy.savez} writes. */
public final class Npz {
  /** Largest entry read, so that a hostile archive cannot exhaust memory. */
  static final long MAX_ENTRY = 1L << 31;

  private Npz() {}

  public static void write(Path path, Map<String, FloatArray> arrays) throws IOException {
    // beside the target and renamed over it: a kill never leaves a truncated archive
    AtomicFiles.writeFile(path, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
        for (Map.Entry<String, FloatArray> e : arrays.entrySet()) {
          zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
          zip.write(Npy.toBytes(e.getValue()));
          zip.closeEntry();
        }
      }
    });
  }

  /** Entries in archive order, keyed by name without ".npy". */
  public static Map<String, FloatArray> read(Path path) throws IOException {
    Map<String, FloatArray> r = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        if (!name.endsWith(".npy")) continue;
        byte[] bytes = zip.readNBytes((int) Math.min(MAX_ENTRY, Integer.MAX_VALUE - 8));
        if (zip.read() != -1) throw new IllegalArgumentException(path + ": entry " + name + " is larger than " + MAX_ENTRY + " bytes");
        try {
          r.put(name.substring(0, name.length() - 4), Npy.read(bytes));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(path + ": entry " + name + ": " + ex.getMessage(), ex);
        }
      }
    } catch (ZipException ex) {
      throw new IllegalArgumentException(path + ": not a valid .npz (zip) file: " + ex.getMessage(), ex);
    }
    return r;
  }
}
