package io.jkeras.cli;

import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorFlow's native logging stays out of {@code jkeras} output by default, and shows with
 * {@code --verbose}: the real command in a child JVM (as a user runs it), TF_CPP_MIN_LOG_LEVEL
 * unset as on a fresh shell.
 */
class QuietLaunchTest {
  @TempDir Path dir;

  /** TensorFlow's own format ("2026-... : I tensorflow/...") and absl's ("I0000 00:00:... file.cc:401]"). */
  static final Pattern TF_LOG = Pattern.compile(
      "(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWEF] |[IWEF]\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+ |absl::InitializeLog).*");

  @Test
  void inspectAndPredictPrintNoTensorFlowLogging() throws Exception {
    Path sm = path("savedmodel-tfnet-lstm-sequential");
    Path x = path("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    Run r = jkeras(Map.of(), "inspect", sm.toString());
    assertEquals(0, r.code, r.output);
    assertTrue(r.output.contains("signature 'serving_default'"), r.output);
    assertEquals(List.of(), r.tfLines(), r.output);

    r = jkeras(Map.of(), "predict", sm.toString(), "--input", x.toString());
    assertEquals(0, r.code, r.output);
    assertTrue(r.output.contains("dense (" + Npy.read(x).shape()[0] + ", 1)"), r.output);
    assertEquals(List.of(), r.tfLines(), r.output);

    // --verbose shows them (so the checks above can fail), as does the user's own level 0.
    r = jkeras(Map.of("TF_CPP_MIN_LOG_LEVEL", "0"), "inspect", sm.toString());
    assertEquals(0, r.code, r.output);
    assertTrue(r.tfLines().size() >= 3, r.output);
    assertTrue(r.output.contains("Reading SavedModel from"), r.output);
  }

  @Test
  void verboseRunsInProcessAndFilterKeepsWarningsAndOwnOutput() {
    assertTrue(QuietLaunch.verbose(new String[] {"inspect", "--verbose", "m"}));
    assertFalse(QuietLaunch.verbose(new String[] {"inspect", "m"}));
    String absl = "I0000 00:00:1796183995.382789    7526 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled";
    assertTrue(QuietLaunch.hidden(absl, 1));
    assertFalse(QuietLaunch.hidden(absl, 0));
    assertFalse(QuietLaunch.hidden(absl.replaceFirst("^I", "W"), 1));
    assertTrue(QuietLaunch.hidden(absl.replaceFirst("^I", "W"), 2));
    assertFalse(QuietLaunch.hidden("jkeras: error: input has shape (2, 3)", 3));
    assertEquals(1, QuietLaunch.minSeverity("1"));
    String lstm = "2026-12-02 05:34:01.106067: W tensorflow/core/kernels/rnn/lstm_ops.cc:932] BlockLSTMOp is inefficient when both"
        + " batch_size and input_size are odd. You are using: batch_size=15, input_size=1";
    assertTrue(QuietLaunch.hidden(lstm, 1));
    assertFalse(QuietLaunch.hidden(lstm, 0));
  }

  static final class Run {
    int code;
    String output;

    List<String> tfLines() {
      List<String> r = new ArrayList<>();
      for (String l : output.split("\n")) if (TF_LOG.matcher(l).matches()) r.add(l);
      return r;
    }
  }

  /** {@code jkeras ARGS} in a child JVM, with TF_CPP_MIN_LOG_LEVEL unset unless {@code env} sets it. */
  static Run jkeras(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL"); // surefire sets it; a user's shell does not
    pb.environment().remove(QuietLaunch.VERBOSE_ENV);
    pb.environment().remove(QuietLaunch.CHILD_ENV);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    Run r = new Run();
    r.output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "jkeras exits");
    r.code = p.exitValue();
    return r;
  }
}
