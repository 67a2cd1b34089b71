package io.jkeras.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.callbacks.CSVLogger;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.testing.KerasPython;
import io.jkeras.utils.AtomicFiles;
import io.jkeras.utils.Charts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's file findings, each reproduced: files jkeras writes follow the umask (they were
 * created 0600), leftovers of killed writes are cleaned by the next write (they never were), and
 * loading a {@code .keras} leaves nothing in the temporary directory even when the JVM dies
 * mid-load (an abort left {@code jkeras-*.weights.h5} behind).
 */
class FileSafetyTest {
  private static Path fresh(String name) throws IOException {
    Path d = KerasPython.work("file-safety").resolve(name);
    AtomicFiles.deleteTree(d);
    Files.createDirectories(d);
    return d;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static Set<PosixFilePermission> perms(Path p) throws IOException {
    return Files.getPosixFilePermissions(p);
  }

  @Test
  void writtenFilesFollowTheUmask() throws Exception {
    Assumptions.assumeTrue(posix(), "skipped: no POSIX permissions here");
    Path d = fresh("umask");
    Path refFile = Files.createFile(d.resolve("ref-file"));
    Path refDir = Files.createDirectory(d.resolve("ref-dir"));
    Set<PosixFilePermission> file = perms(refFile);
    Set<PosixFilePermission> dir = perms(refDir);
    try (Sequential m = FileSafetyChild.model()) {
      m.build(new long[] {-1, FileSafetyChild.IN});
      m.compile("sgd", "mse");
      m.save(d.resolve("m.keras"));
      m.saveWeights(d.resolve("w.weights.h5"));
      ModelFiles.save(m, d.resolve("model"), Map.of(), true);
      m.export(d.resolve("export"));
      CSVLogger log = new CSVLogger(d.resolve("log.csv"), ",", false);
      log.onTrainBegin(Map.of());
      log.onEpochEnd(0, new java.util.LinkedHashMap<>(Map.of("loss", 1.0)));
      log.onTrainEnd(Map.of());
      Charts.historyPng(Map.of("loss", List.of(1.0, 0.5)), "t", d.resolve("h.png"));
      io.jkeras.data.Npz.write(d.resolve("a.npz"), Map.of("a", new FloatArray(new float[] {1f}, 1)));
    }
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(d) || p.getFileName().toString().startsWith("ref-")) continue;
        Set<PosixFilePermission> want = Files.isDirectory(p) ? dir : file;
        if (!perms(p).equals(want)) {
          wrong.add(d.relativize(p) + " " + PosixFilePermissions.toString(perms(p)) + " (umask gives "
              + PosixFilePermissions.toString(want) + ")");
        }
      }
    }
    assertTrue(wrong.isEmpty(), "files not created as the umask says:\n" + String.join("\n", wrong));
    String[] names = d.toFile().list();
    assertTrue(Stream.of(names).noneMatch(n -> n.startsWith(".")), "leftovers: " + String.join(", ", names));
  }

  @Test
  void aReplacedFileKeepsItsPermissions() throws Exception {
    Assumptions.assumeTrue(posix(), "skipped: no POSIX permissions here");
    Path d = fresh("keep");
    try (Sequential m = FileSafetyChild.model()) {
      m.build(new long[] {-1, FileSafetyChild.IN});
      Path k = d.resolve("m.keras");
      m.save(k);
      Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-r-----"));
      m.save(k);
      assertEquals("rw-r-----", PosixFilePermissions.toString(perms(k)));
      Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("r--r--r--"));
      m.save(k);
      assertEquals("r--r--r--", PosixFilePermissions.toString(perms(k)), "a read-only file stays read-only");
      Path dir = d.resolve("model");
      ModelFiles.save(m, dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      ModelFiles.save(m, dir);
      assertEquals("rwx------", PosixFilePermissions.toString(perms(dir)));
    }
  }

  /** What a killed {@code jkeras convert} left, in the names of earlier jkeras versions and of this one. */
  @Test
  void leftoversOfKilledWritesAreCleanedByTheNextWrite() throws Exception {
    Path d = fresh("leftovers");
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(3));
    long dead = deadPid();
    List<Path> stale = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    // earlier versions: .x.keras.<n>.tmp, .x.keras.weights-<n>.tmp, .xdir.tmp-<n>/, .xdir.old-<n>/ (no pid: by age)
    stale.add(touch(d.resolve(".x.keras.8812739.tmp"), old));
    stale.add(touch(d.resolve(".x.keras.weights-2234.tmp"), old));
    stale.add(touchDir(d.resolve(".xdir.tmp-99182"), old));
    stale.add(touchDir(d.resolve(".xdir.old-11"), old));
    // this version: pid in the name; a dead process's are stale at once
    stale.add(touch(d.resolve(".x.keras.jkeras-tmp-" + dead + "-ab12"), null));
    stale.add(touchDir(d.resolve(".xdir.jkeras-tmp-" + dead + "-cd34"), null));
    stale.add(touchDir(d.resolve(".xdir.jkeras-old-" + dead + "-ef56"), null));
    // kept: a young leftover without a pid, a live process's, and names that are not ours
    kept.add(touch(d.resolve(".x.keras.5512.tmp"), null));
    kept.add(touchDir(d.resolve(".xdir.jkeras-tmp-1-0aa0"), null));
    kept.add(touch(d.resolve(".x.keras.backup"), old));
    kept.add(touch(d.resolve(".x.keras.mine.tmp"), old));
    kept.add(touch(d.resolve(".y.keras.123.tmp"), old));
    try (Sequential m = FileSafetyChild.model()) {
      m.build(new long[] {-1, FileSafetyChild.IN});
      m.save(d.resolve("x.keras"));
      ModelFiles.save(m, d.resolve("xdir"));
    }
    for (Path p : stale) assertFalse(Files.exists(p), "stale leftover not removed: " + p.getFileName());
    for (Path p : kept) assertTrue(Files.exists(p), "removed what it must keep: " + p.getFileName());
    assertTrue(ModelFiles.isModelDir(d.resolve("xdir")));
  }

  /** A model directory killed between its two renames: only .old and .new are there; loading restores it. */
  @Test
  void aDirectoryKilledBetweenItsRenamesIsRestoredOnLoad() throws Exception {
    Path d = fresh("between");
    long dead = deadPid();
    try (Sequential m = FileSafetyChild.model()) {
      m.build(new long[] {-1, FileSafetyChild.IN});
      FileSafetyChild.setAll(m, 0.001f);
      ModelFiles.save(m, d.resolve("a"));
      FileSafetyChild.setAll(m, 0.002f);
      ModelFiles.save(m, d.resolve("b"));
    }
    Files.move(d.resolve("a"), d.resolve(".model.jkeras-old-" + dead + "-1"));
    Files.move(d.resolve("b"), d.resolve(".model.jkeras-new-" + dead + "-1"));
    try (var m = SavingApi.loadModel(d.resolve("model"))) {
      float[] out = m.predict(ones()).data();
      assertEquals(0.002f * (FileSafetyChild.IN + 1), out[0], 1e-4f, "the new model is rolled in");
    }
    assertEquals(List.of("model"), List.of(d.toFile().list()), "the old copy is removed");
    // killed after the old one was renamed away but before the new one was complete: the old one comes back
    Files.move(d.resolve("model"), d.resolve(".model.jkeras-old-" + dead + "-2"));
    Files.createDirectory(d.resolve(".model.jkeras-tmp-" + dead + "-2"));
    try (var m = ModelFiles.loadModel(d.resolve("model"))) {
      assertEquals(0.002f * (FileSafetyChild.IN + 1), m.predict(ones()).data()[0], 1e-4f);
    }
    assertEquals(List.of("model"), List.of(d.toFile().list()));
  }

  /**
   * A JVM that dies while it loads a {@code .keras} (a native abort runs no finally and no
   * shutdown hook) used to leave its extracted weights in the temporary directory for good:
   * now small members never go there, large ones go to a private directory that the next
   * jkeras process removes.
   */
  @Test
  void loadingKerasLeavesNothingInTheTemporaryDirectory() throws Exception {
    Path d = fresh("tmp-leak");
    Path tmp = Files.createDirectories(d.resolve("tmp"));
    Path keras = d.resolve("m.keras");
    try (Sequential m = FileSafetyChild.model()) {
      m.build(new long[] {-1, FileSafetyChild.IN});
      m.save(keras);
    }
    // members in memory (the default): nothing ever appears in tmp, so the watcher never halts the child
    Child c = child(tmp, "-Djkeras.archive.inMemoryBytes=67108864", "load-halt", keras, tmp, "3");
    assertEquals(0, c.exit, "the child loads 3 times without writing to the temporary directory:\n" + c.out);
    assertEquals(0, tmp.toFile().list().length, String.join(", ", tmp.toFile().list()));
    // forced to disk: the child dies with its private directory there...
    c = child(tmp, "-Djkeras.archive.inMemoryBytes=0", "load-halt", keras, tmp, "3");
    assertEquals(134, c.exit, "the child halts as soon as it extracts to the temporary directory:\n" + c.out);
    String[] left = tmp.toFile().list();
    assertTrue(left.length > 0, "the halted child left its extraction");
    // ...and the next jkeras process removes it (and its own)
    c = child(tmp, "-Djkeras.archive.inMemoryBytes=0", "load-halt", keras, d.resolve("nothing-watched"), "2");
    assertEquals(0, c.exit, c.out);
    assertEquals(0, tmp.toFile().list().length, "left in the temporary directory: " + String.join(", ", tmp.toFile().list()));
  }

  /**
   * Threads of one JVM writing one file and one directory at once, and a reader beside them: no
   * writer fails, the reader always finds a complete file and a complete directory (retrying
   * after {@link AtomicFiles#recover}, which waits for a writer in its swap, when it falls
   * between a swap's two renames); nothing is left over.
   */
  @Test
  void concurrentWritersInOneJvm() throws Exception {
    Path d = fresh("concurrent");
    Path file = d.resolve("f.txt");
    Path dir = d.resolve("dir");
    AtomicFiles.writeString(file, "w0-0|");
    AtomicFiles.replaceDirectory(dir, t -> Files.writeString(t.resolve("v"), "w0-0|"));
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 1; w <= 4; w++) {
      final int id = w;
      writers.add(new Thread(() -> {
        try {
          for (int i = 0; i < 25; i++) {
            String v = "w" + id + "-" + i + "|" + "x".repeat(1000 * id);
            AtomicFiles.writeString(file, v);
            AtomicFiles.replaceDirectory(dir, t -> Files.writeString(t.resolve("v"), v));
          }
        } catch (Exception e) {
          errors.add(e.toString());
        }
      }));
    }
    Thread reader = new Thread(() -> {
      int reads = 0;
      while (!done.get() || reads < 10) {
        try {
          check(Files.readString(file), "file");
          // a directory is swapped by two renames: a reader that falls between them recovers (waiting for the
          // writer) and reads again, as docs/RELIABILITY.md says
          String v = null;
          for (int attempt = 0; v == null; attempt++) {
            try {
              v = Files.readString(dir.resolve("v"));
            } catch (java.nio.file.NoSuchFileException e) {
              if (attempt == 20) throw e;
              AtomicFiles.recover(dir);
            }
          }
          check(v, "directory");
          reads++;
        } catch (Exception e) {
          errors.add("reader: " + e);
        }
      }
    });
    reader.start();
    for (Thread t : writers) t.start();
    for (Thread t : writers) t.join();
    done.set(true);
    reader.join();
    assertTrue(errors.isEmpty(), String.join("\n", errors));
    assertEquals(List.of("dir", "f.txt"), Stream.of(d.toFile().list()).sorted().toList());
  }

  private static void check(String v, String what) {
    int id = v.charAt(1) - '0';
    if (!v.matches("w\\d-\\d+\\|x*") || (id > 0 && v.length() != v.indexOf('|') + 1 + 1000 * id)) {
      throw new AssertionError("a " + what + " read half-written: " + v.length() + " chars");
    }
  }

  static FloatArray ones() {
    float[] x = new float[FileSafetyChild.IN];
    java.util.Arrays.fill(x, 1f);
    return new FloatArray(x, 1, FileSafetyChild.IN);
  }

  /** The pid of a process that has exited. */
  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
    return p.pid();
  }

  private static Path touch(Path p, FileTime t) throws IOException {
    Files.writeString(p, "x");
    if (t != null) Files.setLastModifiedTime(p, t);
    return p;
  }

  private static Path touchDir(Path p, FileTime t) throws IOException {
    Files.createDirectory(p);
    Files.writeString(p.resolve("weights.npz"), "x");
    if (t != null) Files.setLastModifiedTime(p, t);
    return p;
  }

  static final class Child {
    final int exit;
    final String out;

    Child(int exit, String out) {
      this.exit = exit;
      this.out = out;
    }
  }

  /** Runs {@link FileSafetyChild} with {@code java.io.tmpdir} set to {@code tmp}. */
  private static Child child(Path tmp, String property, Object... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, property, "-cp", System.getProperty("java.class.path"), FileSafetyChild.class.getName()));
    for (Object a : args) cmd.add(a.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child finished");
    return new Child(p.exitValue(), out);
  }
}
