package io.jkeras.saving;

import static io.jkeras.testing.Fixtures.h5;
import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.layers.Bidirectional;
import io.jkeras.layers.Dense;
import io.jkeras.layers.GRU;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.SimpleRNN;
import io.jkeras.models.Sequential;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other direction, checked by Python Keras itself: {@code keras.models.load_model} opens
 * .keras files written by jkeras and predicts what jkeras predicted (1e-5), and
 * {@code load_weights} reads jkeras's .weights.h5. Runs only where the environment variable
 * JKERAS_PYTHON names a Python with Keras 3 (e.g. {@code KERAS_BACKEND=jax} and a venv with
 * keras, jax, h5py); skipped otherwise, as on CI.
 */
class PythonKerasInteropTest {
  @TempDir Path tmp;

  private static final String SCRIPT = String.join("\n",
      "import sys, json, numpy as np, keras",
      "cases = json.load(open(sys.argv[1]))",
      "bad = 0",
      "for c in cases:",
      "    m = keras.models.load_model(c['keras'])",
      "    x = np.load(c['input']); want = np.load(c['expected'])",
      "    err = float(np.abs(m.predict(x, verbose=0) - want).max())",
      "    line = f\"{c['name']}: keras {keras.__version__} ({keras.backend.backend()}) load_model max abs err {err:.3g}\"",
      "    if c.get('weights'):",
      "        m2 = keras.models.model_from_json(open(c['config']).read())",
      "        m2.load_weights(c['weights'])",
      "        err2 = float(np.abs(m2.predict(x, verbose=0) - want).max())",
      "        line += f', load_weights max abs err {err2:.3g}'",
      "        err = max(err, err2)",
      "    print(line)",
      "    bad += err > 1e-5",
      "sys.exit(1 if bad else 0)",
      "");

  @Test
  void pythonKerasLoadsWhatJkerasWrites() throws Exception {
    String python = System.getenv("JKERAS_PYTHON");
    assumeTrue(python != null && !python.isEmpty(), "skipped: set JKERAS_PYTHON to a Python with Keras 3 to run");
    List<String> cases = new ArrayList<>();
    Keras.setRandomSeed(4);
    FloatArray x = random(4, 5, 3);
    try (Sequential m = new Sequential("java_made")) {
      m.add(new Bidirectional(new LSTM(4).returnSequences(true)).inputShape(5, 3));
      m.add(new GRU(3).returnSequences(true));
      m.add(new SimpleRNN(2));
      m.add(new Dense(2).activation("softmax"));
      m.compile("adam", "categorical_crossentropy", "accuracy");
      cases.add(write("java_made", m, x, true));
    }
    try (Sequential m = KerasModels.load(path("keras3-har-lstm/lstm_model.keras"))) {
      cases.add(write("keras3-har-lstm", m, npy("keras3-har-lstm/derived/input.npy"), true));
    }
    // Keras 2 hard_sigmoid and Keras 1 per-gate weights, carried into Keras 3's hard_sigmoid by weight scaling.
    try (Sequential m = KerasModels.load(path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_model.h5"))) {
      cases.add(write("keras2-flatten-lstm", m, h5(path("keras2-dl4j-simple-flatten-lstm/"
          + "simple_flatten_lstm_tf_keras_2_inputs_and_outputs.h5"), "inputs/lstm_1_input"), false));
    }
    try (Sequential m = KerasModels.load(path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_model.h5"))) {
      cases.add(write("keras1-simple-lstm", m, h5(path("keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_inputs_and_outputs.h5"),
          "inputs/lstm_input_1"), false));
    }
    Path spec = tmp.resolve("cases.json");
    Files.writeString(spec, "[" + String.join(",", cases) + "]");
    Path script = tmp.resolve("check.py");
    Files.writeString(script, SCRIPT);
    ProcessBuilder pb = new ProcessBuilder(python, script.toString(), spec.toString()).redirectErrorStream(true);
    pb.environment().putIfAbsent("KERAS_BACKEND", "tensorflow"); // the oracle venv (target/py) has no jax
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor(300, TimeUnit.SECONDS), "python did not finish");
    List<String> lines = new ArrayList<>();
    for (String l : out.split("\n")) if (l.contains("max abs err") || l.contains("Error")) lines.add(l);
    System.out.println(String.join("\n", lines));
    assertEquals(0, p.exitValue(), out);
  }

  private String write(String name, Sequential m, FloatArray x, boolean withWeights) throws Exception {
    Path keras = tmp.resolve(name + ".keras");
    m.save(keras);
    Path in = tmp.resolve(name + "_x.npy");
    Path want = tmp.resolve(name + "_y.npy");
    Npy.write(in, x);
    Npy.write(want, m.predict(x));
    String extra = "";
    if (withWeights) {
      Path w = tmp.resolve(name + ".weights.h5");
      m.saveWeights(w);
      Path config = tmp.resolve(name + ".json");
      Files.writeString(config, KerasJson.write(m));
      extra = ", \"weights\": \"" + w + "\", \"config\": \"" + config + "\"";
    }
    return "{\"name\": \"" + name + "\", \"keras\": \"" + keras + "\", \"input\": \"" + in + "\", \"expected\": \"" + want + "\""
        + extra + "}";
  }

  private static FloatArray random(long... shape) {
    java.util.Random r = new java.util.Random(9);
    float[] d = new float[(int) io.jkeras.utils.Shapes.product(shape)];
    for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
    return new FloatArray(d, shape);
  }
}
