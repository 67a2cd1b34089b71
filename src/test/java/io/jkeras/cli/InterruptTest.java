package io.jkeras.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.saving.ModelFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code jkeras train}: a child JVM gets SIGINT while it trains, stops after the
 * current batch and still writes the model. Needs a Unix {@code kill}; skipped elsewhere.
 */
class InterruptTest {
  @TempDir Path dir;

  @Test
  void interruptedTrainingStillWritesTheModel() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
        "skipped: no kill command to send SIGINT");
    org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(),
        "skipped: SIGINT is ignored in this process (started as a background job), so the child cannot get a Ctrl-C");
    Path out = dir.resolve("model");
    Path job = dir.resolve("long.json");
    Files.writeString(job, "{\"name\": \"long\", \"model\": " + CliTest.MODEL + ", \"compile\": {\"optimizer\": \"adam\","
        + " \"loss\": \"categorical_crossentropy\"}, \"fit\": {\"epochs\": 100000, \"batch_size\": 1, \"verbose\": 2},"
        + " \"data\": {\"source\": \"alphabet\", \"framing\": \"window_timesteps\"},"
        + " \"output\": \"" + out.toString().replace("\\", "/") + "\"}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.jkeras.cli.Main", "train", job.toString())
        .redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean signalled = false;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        if (!signalled && line.startsWith("Epoch 3/")) {
          new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor(); // Ctrl-C
          signalled = true;
        }
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child exits");
    String log = String.join("\n", lines);
    assertTrue(log.contains("stopping after the current batch"), log);
    assertTrue(ModelFiles.isModelDir(out), "model written after the interrupt:\n" + log);
    assertTrue(Files.isRegularFile(out.resolve("saved_model.pb")), log);
    assertTrue(!log.contains("Epoch 100000/"), log);
  }

  /** Linux: bit 1 of SigIgn in /proc/self/status; a child JVM inherits an ignored SIGINT and keeps it. */
  private static boolean sigintIgnored() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("SigIgn:")) return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 2L) != 0;
      }
    } catch (Exception e) {
      // not Linux: assume Ctrl-C works
    }
    return false;
  }
}
