package io.jkeras.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs cases in child JVMs ({@link CaseRunner}): many cases per JVM, so TensorFlow starts once,
 * yet a case that takes the JVM down (a native abort) or runs past its time limit is counted as
 * that case's {@link Kind#ABORT} or {@link Kind#HANG}, and a fresh child JVM goes on with the
 * cases after it. Each child has a private temp directory and its standard error goes to a
 * file, whose tail is the message of an aborted case.
 */
public final class ForkedCases {
  /** How a case ended. */
  public enum Kind { RAN, ABORT, HANG }

  /** One case's outcome: exit code (CLI) or 0/1 (library call), exception class, message. */
  public record Result(String id, Kind kind, int code, String exception, String message, long millis) {}

  /** A case: its id and its command (CLI arguments, or api:... for a library call). */
  public record Spec(String id, List<String> command, int timeoutSeconds) {}

  private final Path work;
  private final String maxHeap;
  private int children;
  private long addressSpaceGiB;

  /** {@code work}: a folder for the case list, results, temp directories and child logs. */
  public ForkedCases(Path work, String maxHeap) {
    this.work = work;
    this.maxHeap = maxHeap;
  }

  /** Caps each child's address space (prlimit --as), 0 for none. */
  public ForkedCases addressSpaceGiB(long gib) {
    this.addressSpaceGiB = gib;
    return this;
  }

  /** Child JVMs started so far (one, plus one after each abort or hang). */
  public int children() {
    return children;
  }

  public Map<String, Result> run(List<Spec> specs) {
    try {
      Files.createDirectories(work);
      Path cases = work.resolve("cases.tsv");
      Path results = work.resolve("results.tsv");
      Files.deleteIfExists(results);
      StringBuilder b = new StringBuilder();
      Map<String, Spec> byId = new LinkedHashMap<>();
      for (Spec s : specs) {
        for (String a : s.command()) {
          if (a.contains("\t") || a.contains("\n")) throw new IllegalArgumentException("case " + s.id() + ": tab or newline in " + a);
        }
        if (byId.put(s.id(), s) != null) throw new IllegalArgumentException("two cases named " + s.id());
        b.append(s.id()).append('\t').append(String.join("\t", s.command())).append('\n');
      }
      Files.writeString(cases, b.toString());
      Map<String, Result> out = new LinkedHashMap<>();
      while (out.size() < specs.size()) {
        int before = out.size();
        runChild(cases, results, byId, out);
        if (out.size() == before) throw new IllegalStateException("child JVM made no progress; see " + work);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void runChild(Path cases, Path results, Map<String, Spec> byId, Map<String, Result> out)
      throws IOException, InterruptedException {
    int n = ++children;
    Path tmp = work.resolve("tmp-" + n);
    Files.createDirectories(tmp);
    Path log = work.resolve("child-" + n + ".err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    // A cap on the child's address space, where prlimit exists: a case that would allocate
    // gigabytes natively fails there instead of taking the machine's memory.
    if (addressSpaceGiB > 0 && Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
      cmd.addAll(List.of("/usr/bin/prlimit", "--as=" + (addressSpaceGiB << 30)));
    }
    cmd.addAll(List.of(java, "-Xmx" + maxHeap, "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), CaseRunner.class.getName(), cases.toString(), results.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.redirectErrorStream(false).redirectError(log.toFile()).redirectOutput(work.resolve("child-" + n + ".out").toFile());
    Process p = pb.start();
    String current = null;
    long started = System.nanoTime();
    int read = 0;
    boolean killed = false;
    while (true) {
      boolean exited = p.waitFor(200, TimeUnit.MILLISECONDS);
      List<String> lines = completeLines(results);
      for (; read < lines.size(); read++) {
        String l = lines.get(read);
        if (l.startsWith("START ")) {
          current = l.substring(6);
          started = System.nanoTime();
        } else if (l.startsWith("END ")) {
          String[] f = l.substring(4).split("\t", 5);
          out.putIfAbsent(f[0], new Result(f[0], Kind.RAN, Integer.parseInt(f[1]), f[2], CaseRunner.unescape(f.length > 4 ? f[4] : ""),
              Long.parseLong(f[3])));
          current = null;
        }
      }
      if (exited) break;
      if (current != null && byId.containsKey(current)
          && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(byId.get(current).timeoutSeconds())) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
        killed = true;
        break;
      }
    }
    if (current != null && !out.containsKey(current)) {
      long ms = (System.nanoTime() - started) / 1_000_000;
      String tail = tail(log);
      String left = CaseRunner.leftovers(tmp);
      String msg = tail + (left.isEmpty() ? "" : "\n[left in the temp directory: " + left + "]");
      // The END line never came: mark it so a restarted child skips the case.
      Files.writeString(results, "END " + current + "\t-1\t-\t" + ms + "\t" + CaseRunner.escape("(no result)") + "\n",
          StandardOpenOption.APPEND);
      out.put(current, killed ? new Result(current, Kind.HANG, -1, "-", "no result after " + byId.get(current).timeoutSeconds()
          + " s (killed)\n" + msg, ms) : new Result(current, Kind.ABORT, p.exitValue(), "-", msg, ms));
    }
  }

  /** The lines of {@code f} up to its last newline (a line being written is left for the next look). */
  private static List<String> completeLines(Path f) throws IOException {
    if (!Files.exists(f)) return List.of();
    String s = Files.readString(f, StandardCharsets.UTF_8);
    int end = s.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n", -1));
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) return "";
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    List<String> keep = new ArrayList<>();
    for (String l : lines) if (!l.startsWith("WARNING: All log messages before absl")) keep.add(l);
    return String.join("\n", keep.subList(Math.max(0, keep.size() - 6), keep.size()));
  }

  static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(q);
    } catch (IOException e) {
      // best effort: a leftover is reported by the next check
    }
  }
}
