package io.jkeras.saving.keras;

import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Fixtures.h5;
import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Keras .h5 / .keras model file among the shared fixtures (and the Keras 3.15 files in
 * src/test/resources) opens through {@link KerasModels} alone, with no hand-written weight
 * mapping, and predicts what Keras predicted: REAL = Keras's own {@code predict} output
 * (1e-5), DERIVED = an independent float64 forward pass over the file's weights (1e-4).
 * Prints a table: fixture, format, loaded, compiled, max abs error.
 */
class KerasFileFixturesTest {
  private static final List<String> ROWS = new ArrayList<>();

  /** A fixture case: how to open the model and what it must predict. */
  static final class Case {
    final String fixture;
    final String format;
    final Supplier<Sequential> open;
    final Supplier<FloatArray> input;
    final Supplier<FloatArray> expected;
    final String source;
    final double tol;
    final boolean compiled;

    Case(String fixture, String format, Supplier<Sequential> open, Supplier<FloatArray> input, Supplier<FloatArray> expected,
        String source, boolean compiled) {
      this.fixture = fixture;
      this.format = format;
      this.open = open;
      this.input = input;
      this.expected = expected;
      this.source = source;
      this.tol = source.startsWith("REAL") ? 1e-5 : 1e-4;
      this.compiled = compiled;
    }

    @Override
    public String toString() {
      return fixture + " [" + format + "]";
    }
  }

  static final String RES = "src/test/resources/io/jkeras/saving/keras3/";

  static FloatArray res(String name) {
    try {
      return Npy.read(Path.of(RES + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("keras3-har-lstm", ".keras (Keras 3.10)", () -> KerasModels.load(path("keras3-har-lstm/lstm_model.keras")),
        () -> npy("keras3-har-lstm/derived/input.npy"), () -> npy("keras3-har-lstm/derived/expected_output.npy"), "DERIVED", true));
    c.add(new Case("keras2-kotlindl-lstm-textgen", "json + weights .h5 (2.4.0)",
        () -> KerasModels.load(path("keras2-kotlindl-lstm-textgen/model.json"), path("keras2-kotlindl-lstm-textgen/weights.h5")),
        () -> npy("keras2-kotlindl-lstm-textgen/derived/input_onehot.npy"),
        () -> npy("keras2-kotlindl-lstm-textgen/derived/expected_output.npy"), "DERIVED", false));
    dl4j(c, "keras2-dl4j-simple-flatten-lstm", "simple_flatten_lstm_tf_keras_2", "2.1.3", "lstm_1_input", "dense_1", true);
    dl4j(c, "keras2-dl4j-simple-rnn", "simple_rnn_tf_keras_2", "2.1.3", "simple_rnn_1_input", "dense_1", true);
    dl4j(c, "keras1-dl4j-simple-lstm", "simple_lstm_tf_keras_1", "1.2.2", "lstm_input_1", "dense_1", true);
    // RMSprop with decay 1e-6 in its training_config: jkeras has no decay, so the model loads uncompiled (with a warning).
    dl4j(c, "keras2-dl4j-mlp-sparse-xent", "simple_sparse_xent_mlp_keras_2", "2.3.1", "dense_1_input", "activation_1", false);
    // No predictions shipped: expected outputs come from this test's own float64 forward pass over the file's weights.
    String d = "keras2-dl4j-simple-lstm-2.0.6/simple_lstm_tf_keras_2";
    Supplier<FloatArray> x206 = () -> h5(path(d + "_inputs_and_outputs.h5"), "inputs/lstm_1_input");
    Supplier<FloatArray> y206 = () -> lstmDenseKeras2(path(d + "_model.h5"), x206.get());
    c.add(new Case("keras2-dl4j-simple-lstm-2.0.6", "full model .h5 (2.0.6)", () -> KerasModels.load(path(d + "_model.h5")),
        x206, y206, "DERIVED (test's float64 LSTM)", true));
    c.add(new Case("keras2-dl4j-simple-lstm-2.0.6", "json + weights .h5", () -> KerasModels.load(path(d + "_config.json"),
        path(d + "_weights.h5")), x206, y206, "DERIVED (test's float64 LSTM)", false));
    String e = "keras2-dl4j-embedding-bidirectional-lstm-h5/";
    for (String s : new String[] {"embedding_lstm_tensorflow_2", "bidirectional_lstm_tensorflow_2", "lstm_tensorflow_2"}) {
      c.add(new Case(e + s + ".h5", "full model .h5 (2.1.3)", () -> KerasModels.load(path(e + s + ".h5")),
          () -> npy(e + "derived/" + s + "_input.npy"), () -> npy(e + "derived/" + s + "_expected.npy"), "DERIVED", true));
    }
    for (String n : new String[] {"mixed", "emb"}) {
      boolean compiled = n.equals("mixed");
      c.add(new Case("resources keras3/" + n, ".keras (Keras 3.15.1)", () -> KerasModels.load(Path.of(RES + n + ".keras")),
          () -> res(n + "_input.npy"), () -> res(n + "_expected.npy"), "REAL", compiled));
      c.add(new Case("resources keras3/" + n, "legacy .h5 (Keras 3.15.1)", () -> KerasModels.load(Path.of(RES + n + "_legacy.h5")),
          () -> res(n + "_input.npy"), () -> res(n + "_expected.npy"), "REAL", compiled));
      c.add(new Case("resources keras3/" + n, "config.json + .weights.h5", () -> {
        Sequential m = KerasModels.load(Path.of(RES + n + ".keras"));
        try {
          // Start from fresh weights so that the values can only come from the .weights.h5 file.
          List<FloatArray> zeros = new ArrayList<>();
          for (FloatArray w : m.getWeights()) zeros.add(new FloatArray(new float[w.data().length], w.shape()));
          m.setWeights(zeros);
          m.loadWeights(Path.of(RES + n + ".weights.h5"));
          return m;
        } catch (RuntimeException ex) {
          m.close();
          throw ex;
        }
      }, () -> res(n + "_input.npy"), () -> res(n + "_expected.npy"), "REAL", compiled));
    }
    return c.stream().map(Arguments::of);
  }

  private static void dl4j(List<Case> c, String dir, String stem, String version, String input, String output, boolean compiled) {
    String p = dir + "/" + stem;
    Supplier<FloatArray> x = () -> h5(path(p + "_inputs_and_outputs.h5"), "inputs/" + input);
    Supplier<FloatArray> y = () -> h5(path(p + "_inputs_and_outputs.h5"), "predictions/" + output);
    c.add(new Case(dir, "full model .h5 (" + version + ")", () -> KerasModels.load(path(p + "_model.h5")), x, y, "REAL", compiled));
    c.add(new Case(dir, "json + weights .h5", () -> KerasModels.load(path(p + "_config.json"), path(p + "_weights.h5")), x, y,
        "REAL", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void loadsAndPredictsAsKeras(Case c) {
    FloatArray x = c.input.get();
    FloatArray expected = c.expected.get();
    String row = String.format(Locale.ROOT, "| %-46s | %-27s |", c.fixture, c.format);
    try (Sequential m = c.open.get()) {
      double err;
      try {
        err = assertClose(expected, m.predict(x), c.tol, c.tol);
      } catch (AssertionError e) {
        ROWS.add(row + " yes     | " + (m.isCompiled() ? "yes" : "no ") + "      | FAILS: " + e.getMessage());
        throw e;
      }
      ROWS.add(row + String.format(Locale.ROOT, " yes     | %-8s | %-9.2e | %-5.0e | %s |", m.isCompiled() ? "yes" : "no", err,
          c.tol, c.source));
      assertEquals(c.compiled, m.isCompiled(), "compiled from the file's compile_config / training_config");
    } catch (RuntimeException e) {
      ROWS.add(row + " NO      | -        | -         | -     | " + e.getMessage());
      throw e;
    }
  }

  @AfterAll
  static void printTable() {
    if (ROWS.isEmpty()) return;
    StringBuilder b = new StringBuilder("\n| fixture                                        | format                      | loaded? "
        + "| compiled | max abs err | tol | expected outputs |\n|---|---|---|---|---|---|---|\n");
    for (String r : ROWS) b.append(r).append('\n');
    System.out.println(b);
  }

  /**
   * The 2.0.6 fixture's LSTM(50, hard_sigmoid Keras 2) -> Dense(1) in float64, from the weights
   * read straight out of the file (not through KerasModels).
   */
  static FloatArray lstmDenseKeras2(Path model, FloatArray x) {
    FloatArray k = h5(model, "model_weights/lstm_1/lstm_1/kernel:0");
    FloatArray r = h5(model, "model_weights/lstm_1/lstm_1/recurrent_kernel:0");
    FloatArray b = h5(model, "model_weights/lstm_1/lstm_1/bias:0");
    FloatArray dk = h5(model, "model_weights/dense_1/dense_1/kernel:0");
    FloatArray db = h5(model, "model_weights/dense_1/dense_1/bias:0");
    int n = (int) x.shape()[0];
    int steps = (int) x.shape()[1];
    int in = (int) x.shape()[2];
    int u = (int) r.shape()[0];
    assertTrue(k.shape()[1] == 4L * u);
    float[] out = new float[n];
    for (int s = 0; s < n; s++) {
      double[] h = new double[u];
      double[] c = new double[u];
      for (int t = 0; t < steps; t++) {
        double[] z = new double[4 * u];
        for (int j = 0; j < 4 * u; j++) {
          double v = b.data()[j];
          for (int i = 0; i < in; i++) v += x.data()[(s * steps + t) * in + i] * k.data()[i * 4 * u + j];
          for (int i = 0; i < u; i++) v += h[i] * r.data()[i * 4 * u + j];
          z[j] = v;
        }
        for (int j = 0; j < u; j++) {
          double ig = hardSigmoid2(z[j]);
          double fg = hardSigmoid2(z[u + j]);
          double cc = Math.tanh(z[2 * u + j]);
          double og = hardSigmoid2(z[3 * u + j]);
          c[j] = fg * c[j] + ig * cc;
          h[j] = og * Math.tanh(c[j]);
        }
      }
      double y = db.data()[0];
      for (int i = 0; i < u; i++) y += h[i] * dk.data()[i];
      out[s] = (float) y;
    }
    return new FloatArray(out, n, 1);
  }

  private static double hardSigmoid2(double v) {
    return Math.max(0, Math.min(1, 0.2 * v + 0.5));
  }
}
