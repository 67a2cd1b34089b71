package io.jkeras.saving.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.models.Model;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's archive findings: members were not CRC-checked (11 of 150 byte-flipped archives
 * loaded, one with outputs off by 0.0068), and a weights member inflating 17x to 3 GB passed
 * (the only cap was 16 GiB). Also: members go to memory or to a private temporary directory
 * that is gone afterwards, whether the load succeeds or fails.
 */
class KerasArchiveSafetyTest {
  @TempDir Path tmp;

  private static final Path GOOD = Path.of(KerasFileFixturesTest.RES + "mixed.keras");
  private static final Path INPUT = Path.of(KerasFileFixturesTest.RES + "mixed_input.npy");

  private static KerasFormatException fails(Runnable r) {
    return assertThrows(KerasFormatException.class, r::run);
  }

  private static void says(KerasFormatException e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
  }

  /** [start, end) of each member's data in a zip whose local headers are followed by their data (as Keras writes). */
  private static List<long[]> dataRegions(byte[] zip) {
    List<long[]> r = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int o = 0;
    while (o + 30 <= zip.length && b.getInt(o) == 0x04034b50) {
      long csize = Integer.toUnsignedLong(b.getInt(o + 18));
      int start = o + 30 + Short.toUnsignedInt(b.getShort(o + 26)) + Short.toUnsignedInt(b.getShort(o + 28));
      r.add(new long[] {start, start + csize});
      o = (int) (start + csize);
    }
    return r;
  }

  /**
   * Every byte outside the members' data (local headers, central directory, end record) and 150
   * random bytes inside it, each flipped in turn: a flip in the data is refused naming the file,
   * the member and its CRC; a flip anywhere is refused or (a byte no reader uses, as the
   * "version made by" field) yields exactly the members of the good file, and the first 10 of
   * those load through {@code KerasModels} with exactly the good file's outputs. Never another
   * exception, never different contents.
   */
  @Test
  void byteFlippedArchivesAreRefused() throws IOException {
    byte[] good = Files.readAllBytes(GOOD);
    String config;
    String metadata;
    byte[] weights;
    try (KerasArchive.Contents c = KerasArchive.read(GOOD)) {
      config = c.config;
      metadata = c.metadata;
      weights = c.weightsBytes();
    }
    FloatArray x = Npy.read(INPUT);
    float[] want;
    try (Model m = KerasModels.loadModel(GOOD)) {
      want = m.predict(x).data();
    }
    List<long[]> data = dataRegions(good);
    assertEquals(3, data.size());
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < good.length; i++) {
      final int at = i;
      if (data.stream().noneMatch(r -> at >= r[0] && at < r[1])) positions.add(i);
    }
    int headerBytes = positions.size();
    Random random = new Random(15);
    for (int k = 0; k < 150; k++) {
      long[] r = data.get(k % 3);
      positions.add((int) (r[0] + random.nextInt((int) (r[1] - r[0]))));
    }
    String[] members = {"metadata.json", "config.json", "model.weights.h5"};
    int refused = 0;
    int sameContents = 0;
    int loaded = 0;
    List<String> bad = new ArrayList<>();
    for (int n = 0; n < positions.size(); n++) {
      int pos = positions.get(n);
      byte[] b = good.clone();
      b[pos] ^= (byte) (1 + random.nextInt(255));
      // a new name each time: ZipFile caches archives by name and modification time
      Path f = tmp.resolve("flip-" + pos + "-" + n + ".keras");
      Files.write(f, b);
      try (KerasArchive.Contents c = KerasArchive.read(f)) {
        if (config.equals(c.config) && metadata.equals(c.metadata) && Arrays.equals(weights, c.weightsBytes())) {
          sameContents++;
          if (loaded < 10) {
            loaded++;
            try (Model m = KerasModels.loadModel(f)) {
              if (!Arrays.equals(want, m.predict(x).data())) bad.add("byte " + pos + ": loaded with different outputs");
            }
          }
        } else {
          bad.add("byte " + pos + ": read with different contents");
        }
      } catch (KerasFormatException e) {
        refused++;
        if (!e.getMessage().contains(f.toString())) bad.add("byte " + pos + ": the message does not name the file: " + e.getMessage());
        if (n >= headerBytes) {
          String member = null;
          for (int i = 0; i < 3; i++) if (pos >= data.get(i)[0] && pos < data.get(i)[1]) member = members[i];
          if (!e.getMessage().contains(member) || !e.getMessage().contains("CRC")) {
            bad.add("byte " + pos + " (data of " + member + "): not refused by its CRC: " + e.getMessage());
          }
        }
      } catch (RuntimeException e) {
        bad.add("byte " + pos + ": " + e);
      } finally {
        Files.delete(f);
      }
    }
    System.out.println("KerasArchiveSafetyTest: " + positions.size() + " one-byte flips of mixed.keras (" + headerBytes
        + " header bytes, each; 150 data bytes): " + refused + " refused, " + sameContents + " read with identical members ("
        + loaded + " of them loaded and predicted: identical outputs), " + bad.size() + " wrong");
    assertTrue(bad.isEmpty(), String.join("\n", bad));
    assertEquals(positions.size(), refused + sameContents);
  }

  /** A weights member that inflates 17x past the member limit is refused before anything is extracted. */
  @Test
  void membersOverTheSizeLimitsAreRefused() throws IOException {
    assertTrue(KerasArchive.maxEntryBytes() < 3_000_000_000L, "the default member limit refuses the issue's 3 GB member");
    byte[] config = entry("config.json", GOOD);
    byte[] weights = entry("model.weights.h5", GOOD);
    // 3 MiB that deflates about 17x (as the 3 GB member): one random byte in 34, zeros between
    byte[] big = new byte[3 << 20];
    Random r = new Random(1);
    for (int i = 0; i < big.length; i += 34) big[i] = (byte) r.nextInt(256);
    System.arraycopy(weights, 0, big, 0, weights.length);
    Path inflating = tmp.resolve("inflating.keras");
    zip(inflating, new Object[][] {{"config.json", config, true}, {"model.weights.h5", big}});
    try (ZipFile z = new ZipFile(inflating.toFile())) {
      ZipEntry e = z.getEntry("model.weights.h5");
      double ratio = (double) e.getSize() / e.getCompressedSize();
      assertTrue(ratio > 12 && ratio < 25, "ratio " + ratio + " is about the issue's 17x");
      assertTrue(ratio < KerasArchive.MAX_RATIO, "ratio " + ratio + " passes the compression-ratio check");
    }
    Path watched = Files.createDirectories(tmp.resolve("private-tmp"));
    withProperties(new String[][] {{KerasArchive.MAX_ENTRY_PROPERTY, Long.toString(2 << 20)},
        {"jkeras.tmpdir", watched.toString()}, {KerasArchive.IN_MEMORY_PROPERTY, "0"}}, () -> {
          says(fails(() -> KerasModels.loadModel(inflating)), inflating.toString(), "model.weights.h5", "refused",
              "2097152", KerasArchive.MAX_ENTRY_PROPERTY);
        });
    assertEquals(0, watched.toFile().list().length, "nothing extracted");
    // the total of all members
    withProperties(new String[][] {{KerasArchive.MAX_TOTAL_PROPERTY, "50000"}}, () ->
        says(fails(() -> KerasModels.loadModel(GOOD)), GOOD.toString(), "refused", "50000", KerasArchive.MAX_TOTAL_PROPERTY));
    // the number of members
    withProperties(new String[][] {{KerasArchive.MAX_ENTRIES_PROPERTY, "2"}}, () ->
        says(fails(() -> KerasModels.loadModel(GOOD)), GOOD.toString(), "3 members", KerasArchive.MAX_ENTRIES_PROPERTY));
    // raised limits load it
    withProperties(new String[][] {{KerasArchive.MAX_ENTRY_PROPERTY, "60000"}, {KerasArchive.MAX_TOTAL_PROPERTY, "60000"}}, () -> {
      try (Model m = KerasModels.loadModel(GOOD)) {
        assertTrue(m.countParams() > 0);
      }
    });
  }

  /** Through the private temporary directory (members above the in-memory size): same outputs, nothing left, also on failure. */
  @Test
  void membersOnDiskGoToAPrivateDirectoryThatIsRemoved() throws IOException {
    FloatArray x = Npy.read(INPUT);
    float[] inMemory;
    try (Model m = KerasModels.loadModel(GOOD)) {
      inMemory = m.predict(x).data();
    }
    Path base = Files.createDirectories(tmp.resolve("private-tmp"));
    Path wrong = tmp.resolve("wrong.keras");
    zip(wrong, new Object[][] {{"config.json", entry("config.json", Path.of(KerasFileFixturesTest.RES + "emb.keras")), true},
        {"model.weights.h5", entry("model.weights.h5", GOOD), true}});
    withProperties(new String[][] {{"jkeras.tmpdir", base.toString()}, {KerasArchive.IN_MEMORY_PROPERTY, "0"}}, () -> {
      try (Model m = KerasModels.loadModel(GOOD)) {
        assertTrue(Arrays.equals(inMemory, m.predict(x).data()), "same outputs from memory and from disk");
      }
      assertEquals(0, base.toFile().list().length, "private directory removed");
      fails(() -> KerasModels.loadModel(wrong));
      assertEquals(0, base.toFile().list().length, "private directory removed after a failed load");
    });
  }

  private interface Body {
    void run() throws IOException;
  }

  private static void withProperties(String[][] props, Body body) throws IOException {
    String[] before = new String[props.length];
    for (int i = 0; i < props.length; i++) {
      before[i] = System.getProperty(props[i][0]);
      System.setProperty(props[i][0], props[i][1]);
    }
    try {
      body.run();
    } finally {
      for (int i = 0; i < props.length; i++) {
        if (before[i] == null) System.clearProperty(props[i][0]);
        else System.setProperty(props[i][0], before[i]);
      }
    }
  }

  static void zip(Path file, Object[][] entries) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Object[] e : entries) {
        ZipEntry ze = new ZipEntry((String) e[0]);
        byte[] data = (byte[]) e[1];
        if (e.length > 2 && (Boolean) e[2]) {
          ze.setMethod(ZipEntry.STORED);
          ze.setSize(data.length);
          CRC32 crc = new CRC32();
          crc.update(data);
          ze.setCrc(crc.getValue());
        }
        z.putNextEntry(ze);
        z.write(data);
        z.closeEntry();
      }
    }
  }

  static byte[] entry(String name, Path archive) throws IOException {
    try (ZipFile z = new ZipFile(archive.toFile())) {
      return z.getInputStream(z.getEntry(name)).readAllBytes();
    }
  }
}
