package io.jkeras.saving.keras;

import io.jkeras.config.KerasFormatException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The {@code .keras} zip archive, as Keras 3's {@code saving_lib} writes it: three stored
 * (uncompressed) entries {@code metadata.json}, {@code config.json} and
 * {@code model.weights.h5}, and the layers' asset files under {@code assets/} (the vocabularies of
 * lookup layers).
 *
 * <p>Reading never extracts by entry name, so no entry can be written outside a target
 * directory; entries whose names would escape one ({@code ../}, absolute paths, drive
 * letters, backslashes) make the archive refused anyway, as an archive no Keras writes. Sizes
 * are bounded: the JSON entries by {@link #MAX_JSON_BYTES}, the weights by
 * {@link #maxWeightsBytes} and by a compression-ratio check (Keras stores entries; an entry
 * that expands more than {@link #MAX_RATIO} times is a decompression bomb), and the bytes are
 * counted while they are read, whatever sizes the archive declares.
 */
final class KerasArchive {
  static final String METADATA = "metadata.json";
  static final String CONFIG = "config.json";
  static final String WEIGHTS = "model.weights.h5";

  /** Largest config.json or metadata.json accepted. */
  static final long MAX_JSON_BYTES = KerasJson.MAX_BYTES;
  /** Largest expansion ratio accepted for an entry above {@link #RATIO_FLOOR} bytes. */
  static final long MAX_RATIO = 100;
  static final long RATIO_FLOOR = 1L << 20;
  /** Folder of the archive holding the layers' assets (Keras's saving_lib _ASSETS_DIRNAME). */
  static final String ASSETS = "assets/";
  /** Largest total size of the asset files read into memory (the vocabularies of lookup layers). */
  static long maxAssetsBytes = 256L << 20;
  /** Largest number of asset files accepted. */
  static final int MAX_ASSET_FILES = 10_000;

  /** Largest model.weights.h5 accepted (16 GiB; lowered by tests). */
  static long maxWeightsBytes = 16L << 30;

  private KerasArchive() {}

  /** The parts of an archive that jkeras reads: the two JSON texts, and the weights copied to a temporary file. */
  static final class Contents implements AutoCloseable {
    final String config;
    final String metadata;
    final Path weights;
    /** The asset files by their path under {@code assets/} ("layers/text_vectorization/vocabulary.txt"). */
    final Map<String, byte[]> assets;

    Contents(String config, String metadata, Path weights, Map<String, byte[]> assets) {
      this.config = config;
      this.metadata = metadata;
      this.weights = weights;
      this.assets = assets;
    }

    @Override
    public void close() {
      try {
        if (weights != null) Files.deleteIfExists(weights);
      } catch (IOException e) {
        // a temporary file that cannot be deleted is left to the OS
      }
    }
  }

  /** Reads {@code file}: config.json and metadata.json into memory, model.weights.h5 into a temporary file. */
  static Contents read(Path file) {
    if (!Files.isRegularFile(file)) throw new KerasFormatException(file + ": no such file");
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) checkName(file, entries.nextElement().getName());
      ZipEntry config = zip.getEntry(CONFIG);
      if (config == null || config.isDirectory()) {
        throw new KerasFormatException(file + ": not a Keras 3 .keras archive: it has no " + CONFIG);
      }
      String configText = text(zip, config, file);
      ZipEntry meta = zip.getEntry(METADATA);
      String metaText = meta == null || meta.isDirectory() ? null : text(zip, meta, file);
      ZipEntry weights = zip.getEntry(WEIGHTS);
      if (weights == null || weights.isDirectory()) {
        if (zip.getEntry("model.weights.npz") != null) {
          throw new KerasFormatException(file + ": weights in the npz format (model.weights.npz) are not supported yet;"
              + " save with the default weights_format='h5'");
        }
        throw new KerasFormatException(file + ": the archive has no " + WEIGHTS);
      }
      checkSize(file, weights, maxWeightsBytes);
      Map<String, byte[]> assets = assets(zip, file);
      Path tmp = Files.createTempFile("jkeras-", ".weights.h5");
      try {
        try (InputStream in = zip.getInputStream(weights); OutputStream out = Files.newOutputStream(tmp)) {
          copyBounded(in, out, weights, maxWeightsBytes, file);
        }
        return new Contents(configText, metaText, tmp, assets);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
    } catch (ZipException e) {
      throw new KerasFormatException(file + ": not a .keras archive (not a readable zip file: " + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new KerasFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The files under {@code assets/}, read into memory: at most {@link #MAX_ASSET_FILES} files and
   * {@link #maxAssetsBytes} bytes in all, counted while read (a hostile archive cannot make jkeras
   * allocate more).
   */
  private static Map<String, byte[]> assets(ZipFile zip, Path file) throws IOException {
    Map<String, byte[]> r = new LinkedHashMap<>();
    long total = 0;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      ZipEntry e = entries.nextElement();
      if (e.isDirectory() || !e.getName().startsWith(ASSETS)) continue;
      if (r.size() >= MAX_ASSET_FILES) {
        throw new KerasFormatException(file + ": refused: more than " + MAX_ASSET_FILES + " asset files");
      }
      long left = maxAssetsBytes - total;
      checkSize(file, e, left);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (InputStream in = zip.getInputStream(e)) {
        copyBounded(in, b, e, left, file);
      }
      total += b.size();
      r.put(e.getName().substring(ASSETS.length()), b.toByteArray());
    }
    return r;
  }

  /** Refuses entry names that would escape a directory they were extracted to. */
  static void checkName(Path file, String name) {
    boolean bad = name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
        || (name.length() > 1 && name.charAt(1) == ':');
    for (String part : name.split("/")) if (part.equals("..")) bad = true;
    if (bad) {
      throw new KerasFormatException(file + ": refused: the archive has an entry named '" + name.replace("\0", "\\0")
          + "' that points outside the archive's directory (zip-slip); Keras never writes such entries");
    }
  }

  private static void checkSize(Path file, ZipEntry e, long limit) {
    long size = e.getSize();
    long compressed = e.getCompressedSize();
    if (size > limit) {
      throw new KerasFormatException(file + ": refused: entry " + e.getName() + " declares " + size + " bytes, more than the "
          + limit + " accepted");
    }
    if (size > RATIO_FLOOR && compressed >= 0 && size > MAX_RATIO * Math.max(1, compressed)) {
      throw new KerasFormatException(file + ": refused: entry " + e.getName() + " would expand " + compressed + " stored bytes to "
          + size + " (more than " + MAX_RATIO + " times): a decompression bomb, not a Keras archive");
    }
  }

  private static String text(ZipFile zip, ZipEntry e, Path file) throws IOException {
    checkSize(file, e, MAX_JSON_BYTES);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (InputStream in = zip.getInputStream(e)) {
      copyBounded(in, b, e, MAX_JSON_BYTES, file);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Copies at most {@code limit} bytes, and no more than the entry declares; throws past that. */
  private static void copyBounded(InputStream in, OutputStream out, ZipEntry e, long limit, Path file) throws IOException {
    long declared = e.getSize();
    long max = declared >= 0 ? Math.min(limit, declared) : limit;
    byte[] buf = new byte[1 << 16];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        throw new KerasFormatException(file + ": refused: entry " + e.getName() + " holds more than "
            + (max == limit ? "the " + limit + " bytes accepted" : "the " + declared + " bytes it declares"));
      }
      out.write(buf, 0, n);
    }
  }

  /**
   * Writes an archive to {@code out}: the two JSON texts and the weights file, each stored as
   * Keras stores them (JSON entries dated 1980-01-01, as Python's {@code zipfile} dates them).
   */
  static void write(Path out, String metadata, String config, Path weights) throws IOException {
    write(out, metadata, config, weights, Map.of());
  }

  /** {@link #write(Path, String, String, Path)} with asset files, by their path under {@code assets/}. */
  static void write(Path out, String metadata, String config, Path weights, Map<String, byte[]> assets) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(out), 1 << 16))) {
      LocalDateTime epoch = LocalDateTime.of(1980, 1, 1, 0, 0);
      stored(zip, METADATA, metadata.getBytes(StandardCharsets.UTF_8), epoch);
      stored(zip, CONFIG, config.getBytes(StandardCharsets.UTF_8), epoch);
      CRC32 crc = new CRC32();
      byte[] buf = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(weights)) {
        int n;
        while ((n = in.read(buf)) > 0) crc.update(buf, 0, n);
      }
      ZipEntry e = new ZipEntry(WEIGHTS);
      e.setMethod(ZipEntry.STORED);
      long size = Files.size(weights);
      e.setSize(size);
      e.setCompressedSize(size);
      e.setCrc(crc.getValue());
      e.setTimeLocal(LocalDateTime.now().withNano(0));
      zip.putNextEntry(e);
      Files.copy(weights, zip);
      zip.closeEntry();
      for (Map.Entry<String, byte[]> a : assets.entrySet()) stored(zip, ASSETS + a.getKey(), a.getValue(), epoch);
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data, LocalDateTime time) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    e.setTimeLocal(time);
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }
}
