package io.jkeras.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak and concurrency at issue 15's counts (profile {@code -Psoak}; excluded from the default
 * run): 100,000 training steps, 1,000,000 predicts, 10,000 load/close and 10,000 export/reload
 * cycles, each with RSS after warm-up (the first 10%) and at the end within 5%; 16 threads x
 * 10,000 predicts on one jkeras model and on one SavedModel, identical to single-threaded; close()
 * during concurrent predicts. Each scenario runs in its own child JVM ({@link Scenarios}).
 * Counts: {@code -Djkeras.soak.steps}, {@code .predicts}, {@code .cycles}, {@code .threads},
 * {@code .threadPredicts}; figures go to {@code target/soak/report.md}.
 */
@Tag("soak")
class SoakTest {
  @Test
  void soak() throws IOException {
    long steps = Long.getLong("jkeras.soak.steps", 100_000);
    long predicts = Long.getLong("jkeras.soak.predicts", 1_000_000);
    long cycles = Long.getLong("jkeras.soak.cycles", 10_000);
    int threads = Integer.getInteger("jkeras.soak.threads", 16);
    long threadPredicts = Long.getLong("jkeras.soak.threadPredicts", 10_000);
    Path work = Path.of("target", "soak").toAbsolutePath();
    ForkedCases.deleteTree(work);
    String files = work.resolve("files").toString();
    int day = 24 * 3600;
    List<ForkedCases.Spec> specs = new ArrayList<>();
    specs.add(new ForkedCases.Spec("train-steps", List.of("api:scenario", "train-steps", files, Long.toString(steps)), day));
    specs.add(new ForkedCases.Spec("predicts", List.of("api:scenario", "predicts", files, Long.toString(predicts)), day));
    specs.add(new ForkedCases.Spec("load-close", List.of("api:scenario", "load-close", files, Long.toString(cycles)), day));
    specs.add(new ForkedCases.Spec("export-reload", List.of("api:scenario", "export-reload", files, Long.toString(cycles)), day));
    specs.add(new ForkedCases.Spec("threads-model", List.of("api:scenario", "threads-model", files, Long.toString(threadPredicts),
        Integer.toString(threads)), day));
    specs.add(new ForkedCases.Spec("threads-model-cold", List.of("api:scenario", "threads-model-cold", files, "100",
        Integer.toString(threads)), day));
    specs.add(new ForkedCases.Spec("threads-savedmodel", List.of("api:scenario", "threads-savedmodel", files, Long.toString(threadPredicts),
        Integer.toString(threads)), day));
    for (int i = 0; i < 5; i++) {
      specs.add(new ForkedCases.Spec("close-model-" + i, List.of("api:scenario", "close-during-predict-model", files, "0",
          Integer.toString(threads)), 600));
      specs.add(new ForkedCases.Spec("close-savedmodel-" + i, List.of("api:scenario", "close-during-predict-savedmodel", files, "0",
          Integer.toString(threads)), 600));
    }
    Map<String, ForkedCases.Result> r = new ForkedCases(work.resolve("run"), "2g").run(specs);
    StringBuilder report = new StringBuilder("# Soak report\n\n" + Instant.now() + "\n\n");
    StringBuilder failures = new StringBuilder();
    for (ForkedCases.Spec s : specs) {
      ForkedCases.Result x = r.get(s.id());
      String line = s.id() + ": " + (x.kind() == ForkedCases.Kind.RAN ? "" : x.kind() + " ") + (x.code() == 0 ? "" : "FAILED ("
          + x.exception() + ") ") + x.message().replace("\n", " / ");
      report.append("- ").append(line).append('\n');
      System.out.println(line);
      if (x.kind() != ForkedCases.Kind.RAN || x.code() != 0) failures.append(line).append('\n');
    }
    Files.writeString(work.resolve("report.md"), report.toString());
    assertEquals("", failures.toString());
  }
}
