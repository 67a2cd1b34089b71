package io.jkeras.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Concurrency on one model, in a child JVM ({@link Scenarios} through {@link ForkedCases}, so a
 * native crash fails these tests instead of killing the test JVM): many threads predicting on one
 * jkeras model and on one SavedModel give exactly the single-threaded outputs, and {@code close()}
 * while they run ends every thread with an IllegalStateException. Small counts here; the soak
 * profile ({@link SoakTest}) runs 16 threads x 10,000.
 */
class ConcurrencyTest {
  @Test
  void concurrentPredictsAndCloseDuringPredicts() {
    Path work = Path.of("target", "concurrency").toAbsolutePath();
    ForkedCases.deleteTree(work);
    String files = work.resolve("files").toString();
    List<ForkedCases.Spec> specs = new ArrayList<>();
    specs.add(new ForkedCases.Spec("threads-model", List.of("api:scenario", "threads-model", files, "200", "8"), 120));
    specs.add(new ForkedCases.Spec("threads-model-cold", List.of("api:scenario", "threads-model-cold", files, "30", "8"), 120));
    specs.add(new ForkedCases.Spec("threads-savedmodel", List.of("api:scenario", "threads-savedmodel", files, "200", "8"), 120));
    specs.add(new ForkedCases.Spec("close-model", List.of("api:scenario", "close-during-predict-model", files, "0", "8"), 120));
    specs.add(new ForkedCases.Spec("close-savedmodel", List.of("api:scenario", "close-during-predict-savedmodel", files, "0", "8"), 120));
    Map<String, ForkedCases.Result> r = new ForkedCases(work.resolve("run"), "1g").run(specs);
    StringBuilder failures = new StringBuilder();
    for (ForkedCases.Spec s : specs) {
      ForkedCases.Result x = r.get(s.id());
      System.out.println(s.id() + ": " + x.kind() + " " + x.code() + " " + x.exception() + " " + x.message());
      if (x.kind() != ForkedCases.Kind.RAN || x.code() != 0) failures.append(s.id()).append(": ").append(x.kind()).append(' ')
          .append(x.exception()).append(' ').append(x.message()).append('\n');
    }
    assertEquals("", failures.toString());
  }
}
