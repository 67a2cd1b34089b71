package io.jkeras.utils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Crash-safe writing of files and directories, and jkeras's private temporary directories:
 * the one mechanism every jkeras writer uses (model directories, {@code .keras},
 * {@code .weights.h5}, SavedModel exports, checkpoints, CSV logs, charts, array outputs).
 *
 * <p><b>Files</b> are written to {@code .<name>.jkeras-tmp-<pid>-<random>} beside the target,
 * flushed to disk, and renamed over the target, so a process killed at any moment leaves the
 * old file or the new one, never a part of one.
 *
 * <p><b>Directories</b> are written to {@code .<name>.jkeras-tmp-<pid>-<random>}; once complete
 * (and flushed) that is renamed to {@code .<name>.jkeras-new-...}, the existing target to
 * {@code .<name>.jkeras-old-...}, the new one to the target, and the old one is deleted. Between
 * the two renames no target exists; a process killed there leaves a complete {@code new} and
 * the complete {@code old}, and {@link #recover} (run before every write of the target, and by
 * loaders that find the target missing) renames the new one in. So after any kill the target
 * is, or is recovered to, the old or the new directory.
 *
 * <p><b>Leftovers</b> of killed processes are removed by the next write of the same target:
 * only entries with jkeras's prefix for that target, owned by this user, whose process (the pid
 * in the name) is no longer running or that are older than {@link #STALE_HOURS_PROPERTY} hours
 * (default 24). Names of jkeras versions before this one (no pid: {@code .<name>.tmp-*},
 * {@code .<name>.old-*}, {@code .<name>.*.tmp}) count as stale after
 * {@link #STALE_MINUTES_PROPERTY} minutes (default 60).
 *
 * <p><b>Permissions:</b> new files and directories are created without explicit permissions, so
 * they follow the process's umask as any other program's files do; a file or directory that
 * replaces an existing one keeps the existing one's POSIX permissions. Private temporary
 * directories ({@link #privateTempDirectory}) are owner-only (0700).
 *
 * <p>Writers of one target in one JVM are serialized; two processes writing one target at once
 * are not coordinated (the last rename wins; neither leaves a broken target).
 */
public final class AtomicFiles {
  /** System property: the directory for private temporary directories (default {@code java.io.tmpdir}). */
  public static final String TMPDIR_PROPERTY = "jkeras.tmpdir";
  /** System property: hours after which a leftover with a live pid is still taken as stale (default 24). */
  public static final String STALE_HOURS_PROPERTY = "jkeras.tmp.staleHours";
  /** System property: minutes after which a leftover without a pid (older jkeras versions) is stale (default 60). */
  public static final String STALE_MINUTES_PROPERTY = "jkeras.tmp.staleMinutes";
  /** The prefix of private temporary directories in the temporary directory. */
  public static final String TEMP_PREFIX = "jkeras-";

  static final String MARK = ".jkeras-";
  private static final long PID = ProcessHandle.current().pid();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** One lock per target path being written in this JVM (removed when no thread holds or waits for it). */
  private static final Map<Path, TargetLock> LOCKS = new HashMap<>();
  private static final Set<Path> LIVE_TEMP = ConcurrentHashMap.newKeySet();
  private static volatile boolean tempCleaned;
  private static volatile boolean hookAdded;
  private static final Object NO_UID = new Object();
  private static volatile Object uid;

  private AtomicFiles() {}

  /** Writes a file's contents to the temporary path it is given. */
  @FunctionalInterface
  public interface FileWriter {
    /** Writes the whole file at {@code tmp} (an empty file that exists). */
    void write(Path tmp) throws IOException;
  }

  /** Writes a directory's contents into the (empty, existing) directory it is given. */
  @FunctionalInterface
  public interface DirectoryWriter {
    /** Fills {@code dir}. */
    void write(Path dir) throws IOException;
  }

  // ----- files -----

  /** Writes {@code text} (UTF-8) to {@code target} atomically. */
  public static void writeString(Path target, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    writeFile(target, tmp -> Files.write(tmp, b));
  }

  /**
   * Writes {@code target} through {@code writer} to a temporary file beside it, flushes that to
   * disk and renames it over {@code target}: readers and a crash see the old file or the new one.
   */
  public static void writeFile(Path target, FileWriter writer) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (abs.getFileName() == null) throw new IOException("cannot write " + target + ": not a file name");
    if (Files.isDirectory(abs)) throw new IOException("cannot write " + target + ": it is a directory");
    Files.createDirectories(abs.getParent());
    TargetLock lock = lock(abs);
    try {
      recoverLocked(abs);
      Path tmp = sibling(abs, "tmp");
      try {
        Files.createFile(tmp);
        Set<PosixFilePermission> mode = copyPermissions(abs, tmp);
        writer.write(tmp);
        if (Files.isDirectory(tmp)) throw new IOException("cannot write " + target + ": the writer made a directory");
        force(tmp);
        restorePermissions(tmp, mode);
        move(tmp, abs, true);
        forceDirectory(abs.getParent());
      } finally {
        deleteQuietly(tmp);
      }
    } finally {
      unlock(abs, lock);
    }
  }

  /**
   * A new empty file beside {@code target} under the name of this write's temporary files, for
   * a writer that needs a second scratch file; the caller deletes it, and a kill leaves it to
   * the next write's cleanup.
   */
  public static Path scratchFile(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Files.createDirectories(abs.getParent());
    return Files.createFile(sibling(abs, "tmp"));
  }

  // ----- directories -----

  /**
   * Writes the directory {@code target} through {@code writer} into a new directory beside it,
   * then swaps it in (see the class comment). An existing target must be a directory; it is
   * replaced as a whole.
   */
  public static void replaceDirectory(Path target, DirectoryWriter writer) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (abs.getFileName() == null) throw new IOException("cannot write " + target + ": not a directory name");
    Files.createDirectories(abs.getParent());
    TargetLock lock = lock(abs);
    try {
      recoverLocked(abs);
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("cannot write the directory " + target + ": a file (not a directory) is there");
      }
      String suffix = PID + "-" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
      Path tmp = abs.resolveSibling("." + abs.getFileName() + MARK + "tmp-" + suffix);
      Path fresh = abs.resolveSibling("." + abs.getFileName() + MARK + "new-" + suffix);
      Path old = abs.resolveSibling("." + abs.getFileName() + MARK + "old-" + suffix);
      try {
        Files.createDirectory(tmp);
        Set<PosixFilePermission> mode = copyPermissions(abs, tmp);
        writer.write(tmp);
        forceTree(tmp);
        restorePermissions(tmp, mode);
        move(tmp, fresh, false);
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
          move(abs, old, false);
          try {
            move(fresh, abs, false);
          } catch (IOException | RuntimeException e) {
            try {
              move(old, abs, false);
            } catch (IOException again) {
              e.addSuppressed(again);
            }
            throw e;
          }
          forceDirectory(abs.getParent());
          // the new model is in place: an old copy that cannot be deleted now goes with the next write's cleanup
          deleteTreeQuietly(old);
        } else {
          move(fresh, abs, false);
          forceDirectory(abs.getParent());
        }
      } finally {
        deleteTreeQuietly(tmp);
        deleteTreeQuietly(fresh);
      }
    } finally {
      unlock(abs, lock);
    }
  }

  // ----- recovery -----

  /**
   * Brings {@code target} back from a write that a killed process left unfinished, and removes
   * that process's leftovers (see the class comment); loaders call it when the target is
   * missing. Returns true if the target was restored (renamed back in from a complete new or
   * old copy). Errors are not thrown: a directory that cannot be cleaned is left as it is.
   */
  public static boolean recover(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    if (abs.getFileName() == null || abs.getParent() == null || !Files.isDirectory(abs.getParent())) return false;
    TargetLock lock = lock(abs);
    try {
      return recoverLocked(abs);
    } catch (IOException | UncheckedIOException e) {
      return false;
    } finally {
      unlock(abs, lock);
    }
  }

  /** One leftover beside a target: its kind (tmp, new, old) and whether it is stale. */
  private static final class Leftover {
    final Path path;
    final String kind;
    final FileTime time;

    Leftover(Path path, String kind, FileTime time) {
      this.path = path;
      this.kind = kind;
      this.time = time;
    }
  }

  private static boolean recoverLocked(Path abs) throws IOException {
    String name = abs.getFileName().toString();
    String mark = "." + name + MARK;
    String legacy = "." + name + ".";
    List<Leftover> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(abs.getParent(), p -> p.getFileName().toString().startsWith(legacy))) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        String kind = null;
        boolean stale = false;
        if (n.startsWith(mark)) {
          String rest = n.substring(mark.length());
          int dash = rest.indexOf('-');
          if (dash < 0) continue;
          kind = rest.substring(0, dash);
          if (!kind.equals("tmp") && !kind.equals("new") && !kind.equals("old")) continue;
          String[] parts = rest.substring(dash + 1).split("-");
          if (parts.length != 2) continue;
          long pid;
          try {
            pid = Long.parseLong(parts[0]);
          } catch (NumberFormatException e) {
            continue;
          }
          // Under this target's lock, this JVM's own leftovers are from writes that already ended.
          stale = pid == PID || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
              || olderThan(p, staleHours() * 3600_000L);
        } else {
          // names earlier jkeras versions used: ".<name>.tmp-*", ".<name>.old-*", ".<name>.<random>.tmp",
          // ".<name>.weights-<random>.tmp"; no pid, so only by age
          String rest = n.substring(legacy.length());
          if (rest.matches("tmp-\\d+")) kind = "tmp";
          else if (rest.matches("old-\\d+")) kind = "old";
          else if (rest.matches("(weights-)?\\d+\\.tmp")) kind = "tmp";
          else continue;
          stale = olderThan(p, staleMinutes() * 60_000L);
        }
        if (!stale || !ownedByUser(p)) continue;
        FileTime t;
        try {
          t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        }
        found.add(new Leftover(p, kind, t));
      }
    }
    if (found.isEmpty()) return false;
    // newest first: the most recent complete copy is the one a missing target is restored from
    found.sort(Comparator.comparing((Leftover l) -> l.time).reversed());
    boolean restored = false;
    for (String kind : List.of("new", "old")) {
      for (Leftover l : found) {
        if (!l.kind.equals(kind)) continue;
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
          move(l.path, abs, false);
          forceDirectory(abs.getParent());
          restored = true;
        } else {
          deleteTree(l.path);
        }
      }
    }
    for (Leftover l : found) if (l.kind.equals("tmp")) deleteTree(l.path);
    return restored;
  }

  // ----- private temporary directories -----

  /**
   * A new owner-only (0700) directory {@code jkeras-<pid>-<random>} in {@link #TMPDIR_PROPERTY}
   * (default {@code java.io.tmpdir}) for data that must go to disk (a large archive member).
   * The caller deletes it with {@link #deleteTree} in a {@code finally}; a shutdown hook deletes
   * any still there when the JVM exits, and the first call in each JVM removes such directories
   * that killed jkeras processes left ({@link #cleanStaleTemp}).
   */
  public static Path privateTempDirectory() throws IOException {
    Path base = tempBase();
    Files.createDirectories(base);
    if (!tempCleaned) {
      tempCleaned = true;
      cleanStaleTemp(base);
    }
    addHook();
    Path dir = Files.createTempDirectory(base, TEMP_PREFIX + PID + "-");
    LIVE_TEMP.add(dir);
    return dir;
  }

  /** The directory private temporary directories go to. */
  public static Path tempBase() {
    String p = System.getProperty(TMPDIR_PROPERTY);
    return Path.of(p != null && !p.isBlank() ? p : System.getProperty("java.io.tmpdir")).toAbsolutePath();
  }

  /**
   * Removes from {@code base} what killed jkeras processes left: {@code jkeras-<pid>-*}
   * directories of processes no longer running (or older than the stale hours), and the
   * {@code jkeras-<digits>.weights.h5} files of earlier jkeras versions older than the stale
   * minutes; only entries this user owns. Returns how many were removed.
   */
  public static int cleanStaleTemp(Path base) {
    int removed = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(base, TEMP_PREFIX + "*")) {
      for (Path p : s) {
        String rest = p.getFileName().toString().substring(TEMP_PREFIX.length());
        boolean stale;
        int dash = rest.indexOf('-');
        if (rest.endsWith(".weights.h5") && rest.substring(0, rest.length() - 11).matches("-?\\d+")) {
          stale = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && olderThan(p, staleMinutes() * 60_000L);
        } else if (dash > 0 && rest.substring(0, dash).matches("\\d{1,18}") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          long pid = Long.parseLong(rest.substring(0, dash));
          stale = pid != PID && (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
              || olderThan(p, staleHours() * 3600_000L));
        } else {
          continue;
        }
        if (stale && ownedByUser(p)) {
          deleteTree(p);
          removed++;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory we cannot list or clean is left as it is
    }
    return removed;
  }

  /** Deletes a private temporary directory made by {@link #privateTempDirectory} (quietly). */
  public static void deletePrivate(Path dir) {
    if (dir == null) return;
    deleteTreeQuietly(dir);
    LIVE_TEMP.remove(dir);
  }

  private static synchronized void addHook() {
    if (hookAdded) return;
    hookAdded = true;
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (Path p : LIVE_TEMP) deleteTreeQuietly(p);
      }, "jkeras-temp-cleanup"));
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting
    }
  }

  // ----- helpers -----

  /** Deletes {@code p} and everything below it (symbolic links are deleted, not followed); nothing if absent. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> all;
      try (Stream<Path> s = Files.walk(p)) {
        all = new ArrayList<>(s.toList());
      }
      all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path q : all) Files.deleteIfExists(q);
    } else {
      Files.deleteIfExists(p);
    }
  }

  private static void deleteTreeQuietly(Path p) {
    try {
      deleteTree(p);
    } catch (IOException | UncheckedIOException e) {
      // left for the next write's recovery
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // left for the next write's recovery
    }
  }

  private static Path sibling(Path abs, String kind) {
    return abs.resolveSibling("." + abs.getFileName() + MARK + kind + "-" + PID + "-"
        + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
  }

  private static final class TargetLock {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private static TargetLock lock(Path abs) {
    TargetLock l;
    synchronized (LOCKS) {
      l = LOCKS.computeIfAbsent(abs, p -> new TargetLock());
      l.users++;
    }
    l.lock.lock();
    return l;
  }

  private static void unlock(Path abs, TargetLock l) {
    l.lock.unlock();
    synchronized (LOCKS) {
      if (--l.users == 0) LOCKS.remove(abs);
    }
  }

  private static void move(Path from, Path to, boolean replace) throws IOException {
    try {
      if (replace) Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      else Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // a file system without atomic renames (beside the target, this is rare): still a rename
      if (replace) Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      else Files.move(from, to);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("cannot rename " + from + " to " + to + ": it exists (another process writing it?)", e);
    }
  }

  /**
   * Gives a replacement its target's POSIX permissions (new targets keep the umask's), plus the
   * owner's read/write (and search, for a directory) while it is written; returns the target's
   * permissions to restore once it is written, or null.
   */
  private static Set<PosixFilePermission> copyPermissions(Path from, Path to) {
    try {
      if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) return null;
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> writable = EnumSet.copyOf(perms);
      writable.add(PosixFilePermission.OWNER_WRITE);
      writable.add(PosixFilePermission.OWNER_READ);
      if (Files.isDirectory(to)) writable.add(PosixFilePermission.OWNER_EXECUTE);
      Files.setPosixFilePermissions(to, writable);
      return perms;
    } catch (UnsupportedOperationException | IOException | IllegalArgumentException e) {
      // not a POSIX file system: the default permissions stay
      return null;
    }
  }

  private static void restorePermissions(Path p, Set<PosixFilePermission> perms) throws IOException {
    if (perms == null || perms.equals(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))) return;
    Files.setPosixFilePermissions(p, perms);
  }

  /** Flushes a file's data to the disk (so a power loss after the rename cannot leave it empty). */
  private static void force(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.force(true);
    }
  }

  private static void forceTree(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.toList();
    }
    for (Path p : all) {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) force(p);
    }
    for (Path p : all) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) forceDirectory(p);
    }
  }

  /** Flushes a directory's entries (renames) to the disk where the platform allows it. */
  private static void forceDirectory(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can open a directory (Windows): its renames are durable enough
    }
  }

  private static boolean olderThan(Path p, long millis) {
    try {
      return System.currentTimeMillis() - Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() > millis;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean ownedByUser(Path p) {
    try {
      Object uid = selfUid();
      if (uid != null) return uid.equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
      return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).equals(
          p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name")));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** This process's uid (the owner of /proc/self on Linux), or null where that is not known. */
  private static Object selfUid() {
    Object u = uid;
    if (u == null) {
      try {
        u = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        u = NO_UID;
      }
      uid = u;
    }
    return u == NO_UID ? null : u;
  }

  private static long staleHours() {
    return longProperty(STALE_HOURS_PROPERTY, 24);
  }

  private static long staleMinutes() {
    return longProperty(STALE_MINUTES_PROPERTY, 60);
  }

  private static long longProperty(String name, long dflt) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) return dflt;
    try {
      long r = Long.parseLong(v.trim());
      if (r >= 0) return r;
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException("system property " + name + " must be a whole number >= 0, got '" + v + "'");
  }
}
