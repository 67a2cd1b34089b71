package io.jkeras.reliability;

import io.jkeras.cli.Main;
import io.jkeras.data.ArrayFiles;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.data.Npz;
import io.jkeras.models.Model;
import io.jkeras.saving.SavingApi;
import io.jkeras.saving.savedmodel.SavedModel;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The child JVM of {@link ForkedCases}: runs cases one after another in this JVM and appends
 * {@code START id} before and {@code END id<TAB>code<TAB>exception<TAB>millis<TAB>message} after
 * each to the results file (unbuffered, so a native abort loses nothing already written). Cases
 * already ended in the results file are skipped, so the parent restarts it after an abort.
 *
 * <p>A case is a CLI command line ({@code predict MODEL --input x.npy}, run through
 * {@link Main#run}) or a library call: {@code api:load PATH [WEIGHTS]},
 * {@code api:savedmodel DIR}, {@code api:array FILE}, {@code api:npz FILE},
 * {@code api:predict PATH INPUT.npy REFERENCE.npy} (loads, predicts; a result that differs from
 * the reference is reported as exit 3, "silent corruption"). After each case the private temp
 * directory ({@code java.io.tmpdir}) must be empty; what is left is reported and removed.
 */
public final class CaseRunner {
  /** The exit code of an api:predict whose output differs from the reference. */
  public static final int SILENT_CORRUPTION = 3;

  private CaseRunner() {}

  public static void main(String[] args) throws Exception {
    Path cases = Path.of(args[0]);
    Path results = Path.of(args[1]);
    Set<String> done = new HashSet<>();
    if (Files.exists(results)) {
      for (String l : Files.readAllLines(results, StandardCharsets.UTF_8)) {
        if (l.startsWith("END ") || l.startsWith("START ")) done.add(l.substring(l.indexOf(' ') + 1).split("\t", 2)[0]);
      }
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (FileOutputStream out = new FileOutputStream(results.toFile(), true)) {
      for (String line : Files.readAllLines(cases, StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        String[] parts = line.split("\t");
        String id = parts[0];
        if (done.contains(id)) continue;
        out.write(("START " + id + "\n").getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        String[] a = Arrays.copyOfRange(parts, 1, parts.length);
        Outcome o = run(a);
        String left = leftovers(tmp);
        String msg = o.message + (left.isEmpty() ? "" : "\n[left in the temp directory: " + left + "]");
        out.write(("END " + id + "\t" + o.code + "\t" + o.exception + "\t" + (System.nanoTime() - t0) / 1_000_000 + "\t"
            + escape(msg) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    System.exit(0);
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "");
  }

  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private record Outcome(int code, String exception, String message) {}

  private static Outcome run(String[] a) {
    if (a.length > 0 && a[0].startsWith("api:")) {
      try {
        return api(a);
      } catch (Throwable t) {
        return new Outcome(1, t.getClass().getSimpleName(), String.valueOf(t.getMessage()));
      }
    }
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    ByteArrayOutputStream be = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(bo, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(be, true, StandardCharsets.UTF_8));
      code = Main.run(a);
    } catch (Throwable t) {
      code = 99;
      t.printStackTrace(System.err);
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    String err = be.toString(StandardCharsets.UTF_8);
    String out = bo.toString(StandardCharsets.UTF_8);
    // the head and the tail of a long output (a summary's last layer is at its end)
    return new Outcome(code, "-", err + (out.length() > 4000 ? out.substring(0, 2000) + "\n[...]\n" + out.substring(out.length() - 2000) : out));
  }

  private static Outcome api(String[] a) throws Exception {
    switch (a[0]) {
      case "api:scenario":
        return new Outcome(0, "-", Scenarios.run(a[1], Arrays.copyOfRange(a, 2, a.length)));
      case "api:load": {
        try (Model m = SavingApi.loadModel(Path.of(a[1]), a.length > 2 ? Path.of(a[2]) : null)) {
          return new Outcome(0, "-", "loaded " + m.name());
        }
      }
      case "api:savedmodel": {
        try (SavedModel m = SavedModel.load(Path.of(a[1]))) {
          return new Outcome(0, "-", "loaded " + m.signatures().keySet());
        }
      }
      case "api:array":
        return new Outcome(0, "-", "read " + Arrays.toString(ArrayFiles.read(Path.of(a[1])).shape()));
      case "api:npz":
        return new Outcome(0, "-", "read " + Npz.read(Path.of(a[1])).keySet());
      case "api:predict": {
        FloatArray x = Npy.read(Path.of(a[2]));
        FloatArray ref = Npy.read(Path.of(a[3]));
        FloatArray y;
        Path p = Path.of(a[1]);
        if (SavingApi.isPlainSavedModel(p)) {
          try (SavedModel m = SavedModel.load(p)) {
            y = m.predict(x);
          }
        } else {
          try (Model m = SavingApi.loadModel(p)) {
            y = m.predict(x);
          }
        }
        boolean same = Arrays.equals(ref.shape(), y.shape()) && Arrays.equals(ref.data(), y.data());
        return same ? new Outcome(0, "-", "loaded; outputs identical to the original's")
            : new Outcome(SILENT_CORRUPTION, "-", "loaded with outputs that differ from the original's: max |diff| " + maxDiff(ref, y));
      }
      default:
        throw new IllegalArgumentException("unknown case kind " + a[0]);
    }
  }

  private static String maxDiff(FloatArray a, FloatArray b) {
    if (!Arrays.equals(a.shape(), b.shape())) return "(shape " + Arrays.toString(b.shape()) + " vs " + Arrays.toString(a.shape()) + ")";
    double m = 0;
    for (int i = 0; i < a.data().length; i++) m = Math.max(m, Math.abs((double) a.data()[i] - b.data()[i]));
    return Double.toString(m);
  }

  /** What the case left in the private temp directory (then removed, so the next case starts clean). */
  static String leftovers(Path tmp) {
    if (!Files.isDirectory(tmp)) return "";
    List<Path> left;
    try (Stream<Path> s = Files.list(tmp)) {
      left = s.filter(p -> !p.getFileName().toString().startsWith("hsperfdata")).toList();
    } catch (IOException e) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (Path p : left) {
      if (b.length() > 0) b.append(", ");
      b.append(p.getFileName());
      ForkedCases.deleteTree(p);
    }
    return b.toString();
  }
}
