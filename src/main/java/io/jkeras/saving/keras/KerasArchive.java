package io.jkeras.saving.keras;

import io.jhdf.HdfFile;
import io.jkeras.config.KerasFormatException;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.utils.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The {@code .keras} zip archive, as Keras 3's {@code saving_lib} writes it: three stored
 * (uncompressed) entries {@code metadata.json}, {@code config.json} and
 * {@code model.weights.h5}, and the layers' asset files under {@code assets/} (the vocabularies of
 * lookup layers).
 *
 * <p>Reading never extracts by entry name, so no entry can be written outside a target
 * directory; entries whose names would escape one ({@code ../}, absolute paths, drive
 * letters, backslashes) make the archive refused anyway, as an archive no Keras writes.
 *
 * <p>Before any member is read, the central directory is checked: at most
 * {@link #MAX_ENTRIES_PROPERTY} members (default 1000), no name twice, each member at most
 * {@link #MAX_ENTRY_PROPERTY} bytes (default 2 GiB; the JSON members at most
 * {@link #MAX_JSON_BYTES}), all together at most {@link #MAX_TOTAL_PROPERTY} bytes (default 4
 * GiB), and none expanding more than {@link #MAX_RATIO} times (Keras stores its members; a
 * member that expands more is a decompression bomb). The limits are system properties, so a
 * user with larger models raises them ({@code -Djkeras.archive.maxEntryBytes=...}).
 *
 * <p>Then every member is read once, in file order, through its local header: the local header
 * must agree with the central directory (name, method, time, sizes, CRC), the bytes are counted
 * (never more than declared, whatever the archive claims) and their CRC-32 must match, so a
 * damaged archive is refused naming the file and the member instead of loading damaged
 * weights. The weights go to memory up to {@link #IN_MEMORY_PROPERTY} bytes (default 64 MiB),
 * above that to a file in a private (owner-only) temporary directory
 * ({@link AtomicFiles#privateTempDirectory}) that {@link Contents#close} removes.
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
  /** System property: the largest member accepted, in bytes (default 2 GiB). */
  static final String MAX_ENTRY_PROPERTY = "jkeras.archive.maxEntryBytes";
  /** System property: the largest total of all members, in bytes (default 4 GiB). */
  static final String MAX_TOTAL_PROPERTY = "jkeras.archive.maxTotalBytes";
  /** System property: the most members an archive may have (default 1000). */
  static final String MAX_ENTRIES_PROPERTY = "jkeras.archive.maxEntries";
  /** System property: weights up to this many bytes are read into memory, larger ones to a private temporary file (default 64 MiB). */
  static final String IN_MEMORY_PROPERTY = "jkeras.archive.inMemoryBytes";
  /** Folder of the archive holding the layers' assets (Keras's saving_lib _ASSETS_DIRNAME). */
  static final String ASSETS = "assets/";
  /** Largest total size of the asset files read into memory (the vocabularies of lookup layers). */
  static long maxAssetsBytes = 256L << 20;
  /** Largest number of asset files accepted. */
  static final int MAX_ASSET_FILES = 10_000;

  private KerasArchive() {}

  static long maxEntryBytes() {
    return property(MAX_ENTRY_PROPERTY, 2L << 30);
  }

  static long maxTotalBytes() {
    return property(MAX_TOTAL_PROPERTY, 4L << 30);
  }

  static long maxEntries() {
    return property(MAX_ENTRIES_PROPERTY, 1000);
  }

  static long inMemoryBytes() {
    return Math.min(property(IN_MEMORY_PROPERTY, 64L << 20), Integer.MAX_VALUE - 8);
  }

  private static long property(String name, long dflt) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) return dflt;
    try {
      long r = Long.parseLong(v.trim());
      if (r >= 0) return r;
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("system property " + name + " must be a whole number of bytes >= 0, got '" + v + "'");
  }

  /**
   * The parts of an archive that jkeras reads: the two JSON texts, and the weights in memory or
   * in a private temporary directory (removed by {@link #close}).
   */
  static final class Contents implements AutoCloseable {
    final String config;
    final String metadata;
    /** The asset files by their path under {@code assets/} ("layers/text_vectorization/vocabulary.txt"). */
    final Map<String, byte[]> assets;
    private final byte[] weightsBytes;
    private final Path weightsFile;
    private final Path privateDir;

    Contents(String config, String metadata, Map<String, byte[]> assets, byte[] weightsBytes, Path weightsFile, Path privateDir) {
      this.config = config;
      this.metadata = metadata;
      this.assets = assets;
      this.weightsBytes = weightsBytes;
      this.weightsFile = weightsFile;
      this.privateDir = privateDir;
    }

    /** Opens the weights as HDF5; errors name {@code label} (the archive's "file!/model.weights.h5"). */
    HdfFile openWeights(Path label) {
      if (weightsBytes != null) return Hdf5.open(ByteBuffer.wrap(weightsBytes), label, WEIGHTS);
      try {
        return Hdf5.open(weightsFile, WEIGHTS);
      } catch (KerasFormatException e) {
        throw new KerasFormatException(e.getMessage().replace(weightsFile.toString(), label.toString()), e);
      }
    }

    /** The weights member's bytes (read back from the private file when it is there). */
    byte[] weightsBytes() throws IOException {
      return weightsBytes != null ? weightsBytes.clone() : Files.readAllBytes(weightsFile);
    }

    /** The temporary file's path in messages, to be replaced by the archive's name; null when in memory. */
    Path weightsFile() {
      return weightsFile;
    }

    @Override
    public void close() {
      AtomicFiles.deletePrivate(privateDir);
    }
  }

  /** Reads {@code file}: config.json and metadata.json into memory, model.weights.h5 into memory or a private temporary file. */
  static Contents read(Path file) {
    if (!Files.isRegularFile(file)) throw new KerasFormatException(file + ": no such file");
    Map<String, ZipEntry> central = new LinkedHashMap<>();
    long maxEntries = maxEntries();
    long maxEntry = maxEntryBytes();
    long maxTotal = maxTotalBytes();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > maxEntries) {
        throw new KerasFormatException(file + ": refused: the archive has " + zip.size() + " members, more than the " + maxEntries
            + " accepted (a Keras model has 3; raise the limit with -D" + MAX_ENTRIES_PROPERTY + "=N)");
      }
      Enumeration<? extends ZipEntry> entries = zip.entries();
      long total = 0;
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        checkName(file, e.getName());
        if (central.put(e.getName(), e) != null) {
          throw new KerasFormatException(file + ": refused: the archive lists the member " + e.getName()
              + " twice (a damaged or crafted archive; Keras never writes one)");
        }
        boolean json = e.getName().equals(CONFIG) || e.getName().equals(METADATA);
        checkSize(file, e, json ? Math.min(MAX_JSON_BYTES, maxEntry) : maxEntry, json ? null : MAX_ENTRY_PROPERTY);
        total += Math.max(0, e.getSize());
        if (total > maxTotal) {
          throw new KerasFormatException(file + ": refused: its members hold more than " + maxTotal + " bytes in total (the"
              + " limit; raise it with -D" + MAX_TOTAL_PROPERTY + "=BYTES)");
        }
      }
      ZipEntry config = central.get(CONFIG);
      if (config == null || config.isDirectory()) {
        throw new KerasFormatException(file + ": not a Keras 3 .keras archive: it has no " + CONFIG);
      }
      ZipEntry weights = central.get(WEIGHTS);
      if (weights == null || weights.isDirectory()) {
        if (central.containsKey("model.weights.npz")) {
          throw new KerasFormatException(file + ": weights in the npz format (model.weights.npz) are not supported yet;"
              + " save with the default weights_format='h5'");
        }
        throw new KerasFormatException(file + ": the archive has no " + WEIGHTS);
      }
    } catch (ZipException e) {
      throw new KerasFormatException(file + ": not a .keras archive (not a readable zip file: " + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new KerasFormatException(file + ": cannot read: " + e.getMessage(), e);
    } catch (KerasFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // ZipFile's "malformed input": a member name that is not valid UTF-8
      throw new KerasFormatException(file + ": damaged archive: its central directory cannot be read (" + e.getMessage() + ")", e);
    }
    return readMembers(file, central);
  }

  /** Reads every member through its local header, checking it against the central directory and its CRC. */
  private static Contents readMembers(Path file, Map<String, ZipEntry> central) {
    String configText = null;
    String metaText = null;
    byte[] weightsBytes = null;
    Path weightsFile = null;
    Path privateDir = null;
    Map<String, byte[]> assets = new LinkedHashMap<>();
    long assetBytes = 0;
    String current = null;
    boolean ok = false;
    try (ZipInputStream zin = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      Set<String> seen = new HashSet<>();
      ZipEntry local;
      while ((local = zin.getNextEntry()) != null) {
        current = local.getName();
        ZipEntry c = central.get(current);
        if (c == null || !seen.add(current)) {
          throw new KerasFormatException(file + ": refused: a local header names the member '" + current + "', which the"
              + " central directory " + (c == null ? "does not list" : "lists once") + " (a damaged archive)");
        }
        agree(file, local, c);
        if (current.equals(CONFIG) || current.equals(METADATA)) {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          copyChecked(zin, b, c, file);
          if (current.equals(CONFIG)) configText = b.toString(StandardCharsets.UTF_8);
          else metaText = b.toString(StandardCharsets.UTF_8);
        } else if (current.equals(WEIGHTS)) {
          if (c.getSize() <= inMemoryBytes()) {
            // straight into an array of the declared size (copyChecked never writes more)
            byte[] into = new byte[(int) c.getSize()];
            copyChecked(zin, new OutputStream() {
              private int at;

              @Override
              public void write(int b) {
                into[at++] = (byte) b;
              }

              @Override
              public void write(byte[] b, int off, int len) {
                System.arraycopy(b, off, into, at, len);
                at += len;
              }
            }, c, file);
            weightsBytes = into;
          } else {
            privateDir = AtomicFiles.privateTempDirectory();
            weightsFile = privateDir.resolve(WEIGHTS);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(weightsFile), 1 << 16)) {
              copyChecked(zin, out, c, file);
            }
          }
        } else if (current.startsWith(ASSETS) && !local.isDirectory()) {
          // into memory, bounded in count and in total before anything is allocated
          if (assets.size() >= MAX_ASSET_FILES) {
            throw new KerasFormatException(file + ": refused: more than " + MAX_ASSET_FILES + " asset files");
          }
          assetBytes += c.getSize();
          if (assetBytes > maxAssetsBytes) {
            throw new KerasFormatException(file + ": refused: its asset files hold more than " + maxAssetsBytes + " bytes");
          }
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          copyChecked(zin, b, c, file);
          assets.put(current.substring(ASSETS.length()), b.toByteArray());
        } else {
          // read to check its CRC too: a damaged member anywhere means a damaged archive
          copyChecked(zin, OutputStream.nullOutputStream(), c, file);
        }
        // the sizes and CRC a data descriptor gave, now known
        agree(file, local, c);
        current = null;
      }
      if (seen.size() != central.size()) {
        List<String> missing = new ArrayList<>(central.keySet());
        missing.removeAll(seen);
        throw new KerasFormatException(file + ": refused: the central directory lists " + missing + " but the archive holds no"
            + " such member (a damaged archive)");
      }
      ok = true;
      return new Contents(configText, metaText, assets, weightsBytes, weightsFile, privateDir);
    } catch (ZipException e) {
      throw new KerasFormatException(file + ": " + (current != null ? "member " + current + " is damaged: " : "damaged archive: ")
          + e.getMessage() + (String.valueOf(e.getMessage()).contains("CRC") ? " (CRC-32 check)" : ""), e);
    } catch (IOException e) {
      throw new KerasFormatException(file + ": cannot read" + (current != null ? " member " + current : "") + ": " + e.getMessage(), e);
    } catch (KerasFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // ZipInputStream's "malformed input": a local header whose name is not valid UTF-8
      throw new KerasFormatException(file + ": damaged archive: a local header cannot be read" + (current != null ? " after member "
          + current : "") + " (" + e.getMessage() + ")", e);
    } finally {
      if (!ok) AtomicFiles.deletePrivate(privateDir);
    }
  }

  /** A local header must say what the central directory says. */
  private static void agree(Path file, ZipEntry local, ZipEntry c) {
    String what = null;
    if (local.getMethod() != c.getMethod()) what = "compression method";
    else if (local.getTime() != c.getTime()) what = "date and time";
    else if (local.getSize() >= 0 && local.getSize() != c.getSize()) what = "size";
    else if (local.getCompressedSize() >= 0 && local.getCompressedSize() != c.getCompressedSize()) what = "compressed size";
    else if (local.getCrc() >= 0 && local.getCrc() != c.getCrc()) what = "CRC-32";
    if (what != null) {
      throw new KerasFormatException(file + ": refused: member " + c.getName() + ": its local header and the central directory"
          + " disagree on its " + what + " (a damaged archive)");
    }
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

  private static void checkSize(Path file, ZipEntry e, long limit, String property) {
    long size = e.getSize();
    long compressed = e.getCompressedSize();
    if (size > limit) {
      throw new KerasFormatException(file + ": refused: member " + e.getName() + " declares " + size + " bytes, more than the "
          + limit + " accepted" + (property != null ? " (raise the limit with -D" + property + "=BYTES)" : ""));
    }
    if (size > RATIO_FLOOR && compressed >= 0 && size > MAX_RATIO * Math.max(1, compressed)) {
      throw new KerasFormatException(file + ": refused: member " + e.getName() + " would expand " + compressed + " stored bytes to "
          + size + " (more than " + MAX_RATIO + " times): a decompression bomb, not a Keras archive");
    }
  }

  /**
   * Copies a member: exactly the size the central directory declares (never more, whatever the
   * stream holds), with its CRC-32 checked against the central directory's.
   */
  private static void copyChecked(InputStream in, OutputStream out, ZipEntry c, Path file) throws IOException {
    long declared = c.getSize();
    byte[] buf = new byte[1 << 16];
    CRC32 crc = new CRC32();
    long total = 0;
    int n;
    while ((n = in.read(buf, 0, (int) Math.min(buf.length, Math.max(1, declared - total + 1)))) > 0) {
      total += n;
      if (total > declared) {
        throw new KerasFormatException(file + ": refused: member " + c.getName() + " holds more than the " + declared
            + " bytes it declares (a damaged or crafted archive)");
      }
      crc.update(buf, 0, n);
      out.write(buf, 0, n);
    }
    if (total != declared) {
      throw new KerasFormatException(file + ": member " + c.getName() + " is damaged: it holds " + total + " bytes but declares "
          + declared);
    }
    if (crc.getValue() != c.getCrc()) {
      throw new KerasFormatException(file + ": member " + c.getName() + " is damaged: its CRC-32 is "
          + String.format("%08x", crc.getValue()) + " but the archive says " + String.format("%08x", c.getCrc()));
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
