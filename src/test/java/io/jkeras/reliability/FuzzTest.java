package io.jkeras.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Byte-level fuzzing of the model files jkeras reads: a {@code .keras} archive, a Keras
 * full-model {@code .h5} (a fixture), a SavedModel's {@code saved_model.pb} and its
 * {@code variables.index} / {@code variables.data-*}. Each mutant (bytes flipped, overwritten,
 * zeroed, inserted or cut; seeded, so a failure is reproducible) is loaded and run in a child JVM
 * ({@link ForkedCases}) and must be refused with a clean exception or predict exactly what the
 * original predicts: 0 aborts, 0 hangs, 0 unclean exceptions (NullPointerException, index errors,
 * Errors), and 0 silent successes where the format has checksums (SavedModel variables; a
 * {@code .keras} once its members are CRC-checked). HDF5 and {@code saved_model.pb} carry no
 * checksums, so a changed output there is counted and reported, not failed.
 *
 * <p>{@code -Djkeras.fuzz.cases=N} mutants per format (default 30, about a minute in all;
 * {@code mvn -Pfuzz} runs 1000), {@code -Djkeras.fuzz.seed=S}.
 */
class FuzzTest {
  static final Path WORK = Path.of("target", "fuzz");
  /** Exceptions that are a bug whatever the input: the loader did not check something. */
  static final Set<String> UNCLEAN = Set.of("NullPointerException", "ArrayIndexOutOfBoundsException", "IndexOutOfBoundsException",
      "StringIndexOutOfBoundsException", "ClassCastException", "NegativeArraySizeException", "ArithmeticException", "OutOfMemoryError",
      "StackOverflowError", "BufferUnderflowException", "BufferOverflowException", "InternalError", "NoSuchElementException");

  /**
   * Failures of the default seed that are known findings (mutant id and mutation -> why): reported
   * as skipped with the reason unless {@code -Djkeras.fuzz.strict=true}; any other failure fails.
   */
  static final Map<String, String> KNOWN = Map.of();

  record Target(String format, Path original, String file, boolean checksummed) {}

  @Test
  void mutatedModelFilesAreRefusedOrPredictTheSame() throws IOException {
    int perFormat = Integer.getInteger("jkeras.fuzz.cases", 30);
    long seed = Long.getLong("jkeras.fuzz.seed", 20261202L);
    ForkedCases.deleteTree(WORK);
    Path base = WORK.resolve("base");
    Files.createDirectories(base);
    // The models: LSTM(4) -> Dense(2) as .keras and as a SavedModel; the fixture .h5 if present.
    FloatArray x = new FloatArray(new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f, 0.9f, 1f}, 1, 5, 2);
    Path xFile = base.resolve("x.npy");
    Npy.write(xFile, x);
    Path keras = base.resolve("model.keras");
    Path sm = base.resolve("model_sm");
    Path ref = base.resolve("ref.npy");
    try (Sequential m = new Sequential(new InputLayer(5, 2), new LSTM(4).name("lstm"), new Dense(2).name("dense"))) {
      m.build(new long[] {-1, 5, 2});
      KerasModels.saveKeras(m, keras);
      m.export(sm);
      Npy.write(ref, m.predict(x));
    }
    List<Target> targets = new ArrayList<>();
    targets.add(new Target(".keras", keras, null, false));
    targets.add(new Target("saved_model.pb", sm, "saved_model.pb", false));
    targets.add(new Target("variables.index", sm, "variables/variables.index", true));
    targets.add(new Target("variables.data", sm, "variables/variables.data-00000-of-00001", true));
    Path h5 = Fixtures.root().resolve("keras2-dl4j-simple-lstm-2.0.6/simple_lstm_tf_keras_2_model.h5");
    if (Files.isRegularFile(h5)) {
      targets.add(new Target(".h5", h5, null, false));
    }
    assertTrue(perFormat > 0);

    Random rnd = new Random(seed);
    List<ForkedCases.Spec> specs = new ArrayList<>();
    Map<String, String> formatOf = new LinkedHashMap<>();
    Map<String, String> mutationOf = new LinkedHashMap<>();
    for (Target t : targets) {
      Path refFor = ref;
      Path inFor = xFile;
      if (t.format().equals(".h5")) {
        // The fixture's own prediction by jkeras is the reference (the question is only: does a mutant change it silently).
        inFor = base.resolve("x_h5.npy");
        refFor = base.resolve("ref_h5.npy");
        try (var m = KerasModels.loadModel(t.original())) {
          long[] s = m.inputBatchShape();
          float[] v = new float[(int) (s[1] * s[2])];
          for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i);
          Npy.write(inFor, new FloatArray(v, 1, s[1], s[2]));
          Npy.write(refFor, m.predict(Npy.read(inFor)));
        }
      }
      for (int i = 0; i < perFormat; i++) {
        String id = t.format().replace('.', '_').replace('/', '_') + "-" + i;
        Path dir = WORK.resolve("mutants").resolve(id);
        Files.createDirectories(dir);
        Path model;
        Path victim;
        if (t.file() == null) {
          model = dir.resolve(t.original().getFileName().toString());
          Files.copy(t.original(), model);
          victim = model;
        } else {
          model = dir.resolve("sm");
          copyTree(t.original(), model);
          victim = model.resolve(t.file());
        }
        String how = mutate(victim, new Random(rnd.nextLong()));
        specs.add(new ForkedCases.Spec(id, List.of("api:predict", model.toString(), inFor.toString(), refFor.toString()), 60));
        formatOf.put(id, t.format() + (t.checksummed() ? " (checksummed)" : ""));
        mutationOf.put(id, how);
      }
    }
    long t0 = System.nanoTime();
    ForkedCases runner = new ForkedCases(WORK.resolve("run"), "1g").addressSpaceGiB(8);
    Map<String, ForkedCases.Result> results = runner.run(specs);
    double seconds = (System.nanoTime() - t0) / 1e9;

    Map<String, int[]> counts = new TreeMap<>(); // refused, identical, silent, abort, hang, unclean
    Map<String, Integer> exceptions = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    List<String> silentKeras = new ArrayList<>();
    for (ForkedCases.Spec s : specs) {
      ForkedCases.Result r = results.get(s.id());
      String f = formatOf.get(s.id());
      int[] c = counts.computeIfAbsent(f, k -> new int[6]);
      String what = s.id() + " (" + mutationOf.get(s.id()) + ")";
      if (r.kind() == ForkedCases.Kind.ABORT) {
        c[3]++;
        failures.add(what + ": native abort: " + CatalogueTest.firstLines(r.message()));
      } else if (r.kind() == ForkedCases.Kind.HANG) {
        c[4]++;
        failures.add(what + ": hang");
      } else if (r.code() == 0) {
        c[1]++;
      } else if (r.code() == CaseRunner.SILENT_CORRUPTION) {
        c[2]++;
        if (f.contains("checksummed")) failures.add(what + ": " + r.message());
        if (f.startsWith(".keras")) silentKeras.add(what + ": " + r.message());
      } else if (UNCLEAN.contains(r.exception())) {
        c[5]++;
        failures.add(what + ": " + r.exception() + ": " + CatalogueTest.firstLines(r.message()));
      } else {
        c[0]++;
        exceptions.merge(r.exception(), 1, Integer::sum);
      }
      if (r.message().contains("[left in the temp directory")) failures.add(what + ": left temp files: " + r.message());
    }
    StringBuilder md = new StringBuilder("# Fuzz report\n\n").append(Instant.now()).append(": ").append(specs.size()).append(" mutants (")
        .append(perFormat).append(" per format, seed ").append(seed).append(") in ").append(String.format("%.0f", seconds)).append(" s, ")
        .append(runner.children()).append(" child JVM(s)\n\n| format | refused | loaded, identical output | loaded, different output |"
            + " native aborts | hangs | unclean exceptions |\n|---|---|---|---|---|---|---|\n");
    for (var e : counts.entrySet()) {
      int[] c = e.getValue();
      md.append("| ").append(e.getKey());
      for (int v : c) md.append(" | ").append(v);
      md.append(" |\n");
    }
    md.append("\nRefusals by exception: ").append(exceptions).append("\n\nFailures:\n");
    for (String f : failures) md.append("- ").append(f.replace("\n", " / ")).append('\n');
    md.append("\nSilently different .keras loads:\n");
    for (String f : silentKeras) md.append("- ").append(f.replace("\n", " / ")).append('\n');
    Files.writeString(WORK.resolve("report.md"), md.toString());
    System.out.println(md);
    List<String> unknown = new ArrayList<>();
    List<String> known = new ArrayList<>();
    for (String f : failures) {
      String key = KNOWN.keySet().stream().filter(f::startsWith).findFirst().orElse(null);
      if (key == null) unknown.add(f); else known.add(f + " [" + KNOWN.get(key) + "]");
    }
    assertTrue(unknown.isEmpty(), unknown.size() + " failures (see " + WORK.resolve("report.md") + "): " + unknown);
    if (!known.isEmpty() && Boolean.getBoolean("jkeras.fuzz.strict")) throw new AssertionError("known findings: " + known);
    if (!known.isEmpty()) Assumptions.abort("pending known findings: " + known);
    // every .keras member is CRC-checked: a corrupted archive is refused or loads identical outputs
    assertTrue(silentKeras.isEmpty(), silentKeras.size() + " corrupted .keras archives loaded with different outputs: " + silentKeras);
  }

  /** One random mutation of {@code f}, described for the report. */
  static String mutate(Path f, Random r) throws IOException {
    byte[] b = Files.readAllBytes(f);
    int n = b.length;
    int kind = r.nextInt(6);
    int at = n == 0 ? 0 : r.nextInt(n);
    switch (kind) {
      case 0: { // flip one bit
        int bit = r.nextInt(8);
        b[at] ^= (byte) (1 << bit);
        Files.write(f, b);
        return "bit " + bit + " of byte " + at + " flipped";
      }
      case 1: { // overwrite 1-8 bytes with random values
        int len = Math.min(n - at, 1 + r.nextInt(8));
        for (int i = 0; i < len; i++) b[at + i] = (byte) r.nextInt(256);
        Files.write(f, b);
        return len + " random bytes at " + at;
      }
      case 2: { // an extreme integer (lengths, offsets, sizes)
        byte[] v = r.nextBoolean() ? new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f} : new byte[] {(byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff};
        for (int i = 0; i < v.length && at + i < n; i++) b[at + i] = v[i];
        Files.write(f, b);
        return "0x" + Integer.toHexString(v[3] & 0xff) + "ffffff at " + at;
      }
      case 3: { // truncate
        Files.write(f, java.util.Arrays.copyOf(b, at));
        return "truncated to " + at + " of " + n + " bytes";
      }
      case 4: { // zero a range
        int len = Math.min(n - at, 1 + r.nextInt(64));
        for (int i = 0; i < len; i++) b[at + i] = 0;
        Files.write(f, b);
        return len + " bytes zeroed at " + at;
      }
      default: { // insert random bytes
        int len = 1 + r.nextInt(16);
        byte[] out = new byte[n + len];
        System.arraycopy(b, 0, out, 0, at);
        for (int i = 0; i < len; i++) out[at + i] = (byte) r.nextInt(256);
        System.arraycopy(b, at, out, at + len, n - at);
        Files.write(f, out);
        return len + " bytes inserted at " + at;
      }
    }
  }

  private static void copyTree(Path src, Path dst) throws IOException {
    try (Stream<Path> s = Files.walk(src)) {
      for (Path q : (Iterable<Path>) s::iterator) {
        Path t = dst.resolve(src.relativize(q).toString());
        if (Files.isDirectory(q)) Files.createDirectories(t); else Files.copy(q, t);
      }
    }
  }
}
