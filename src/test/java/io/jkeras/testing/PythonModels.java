package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.layers.Layer;
import io.jkeras.models.Model;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.utils.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Python -> Java with real Keras 3 as the oracle, for any generator built on
 * {@code src/test/python/model_cases.py}: the generator saves each model as {@code .keras},
 * legacy {@code .h5}, {@code to_json()} + {@code .weights.h5} and {@code model.export()}
 * SavedModel, with named inputs and Keras's predictions; each model x format loads here through
 * {@link KerasModels#loadModel} (the SavedModel through {@link SavedModel}) and predicts within
 * {@link #TOLERANCE} of Keras, inputs fed by name, with Keras's parameter count.
 *
 * <p>A test class returns {@code PythonModels.loadAndPredict("my_models.py", "my_models")} from a
 * {@code @TestFactory}.
 */
public final class PythonModels {
  public static final double TOLERANCE = 1e-5;
  static final List<String> FORMATS = List.of("keras", "h5", "json+weights", "savedmodel");

  private PythonModels() {}

  /** One test per model x format of the generator {@code script}, its files under {@code target/interop/<work>}. */
  public static List<DynamicNode> loadAndPredict(String script, String work) throws Exception {
    return loadAndPredict(script, work, Map.of());
  }

  /**
   * As {@link #loadAndPredict(String, String)}, where {@code knownLimitations} maps a model that
   * jkeras does not rebuild yet to the message a user gets (asserted, so that a fix shows up).
   */
  public static List<DynamicNode> loadAndPredict(String script, String work, Map<String, String> knownLimitations)
      throws Exception {
    Path dir = generate(script, work);
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    List<DynamicNode> models = new ArrayList<>();
    for (JsonNode c : manifest.get("models")) {
      String name = c.get("name").asText();
      List<DynamicNode> tests = new ArrayList<>();
      for (String format : FORMATS) {
        tests.add(DynamicTest.dynamicTest(name + " [" + format + "]", () -> check(dir, c, format, knownLimitations)));
      }
      models.add(DynamicContainer.dynamicContainer(name, tests));
    }
    return models;
  }

  /** Runs the generator; it returns at once (without TensorFlow) when its files are up to date. */
  public static Path generate(String script, String work) throws Exception {
    Path dir = KerasPython.work(work);
    KerasPython.python(); // skips here when there is no Python with Keras
    KerasPython.run(script, dir.toString());
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), "no manifest after running " + script);
    return dir;
  }

  /** The model {@code c} of a manifest, loaded from {@code format} ("keras", "h5" or "json+weights"). */
  public static Model load(Path dir, JsonNode c, String format) {
    JsonNode files = c.get("files");
    switch (format) {
      case "keras":
        return KerasModels.loadModel(dir.resolve(files.get("keras").asText()), false);
      case "h5":
        return KerasModels.loadModel(dir.resolve(files.get("h5").asText()), false);
      default:
        return KerasModels.loadModel(dir.resolve(files.get("json").asText()), dir.resolve(files.get("weights").asText()), false);
    }
  }

  /** Each layer's output shape (Keras's summary column) as Keras's, for the layers the manifest lists. */
  private static void checkLayerShapes(JsonNode c, String format, Model m) {
    JsonNode shapes = c.get("layer_shapes");
    if (shapes == null) return;
    shapes.fields().forEachRemaining(e -> {
      String where = c.get("name").asText() + " [" + format + "] layer " + e.getKey();
      Layer<?> l = m.getLayer(e.getKey());
      assertTrue(l != null, where + ": no such layer in jkeras's model");
      if (l.inboundNodes().size() != 1 || l.inboundNodes().get(0).outputs().size() != 1) return;
      long[] want = new long[e.getValue().size()];
      for (int i = 0; i < want.length; i++) want[i] = e.getValue().get(i).isNull() ? -1 : e.getValue().get(i).asLong();
      long[] got = l.inboundNodes().get(0).outputs().get(0).shape();
      assertArrayEquals(want, got, () -> where + ": output shape " + Shapes.toString(got) + " vs Keras's " + Shapes.toString(want));
    });
  }

  /** A loaded model as the check drives it: predict on named inputs, reset its states. */
  private interface Loaded extends AutoCloseable {
    List<FloatArray> predict(Map<String, FloatArray> x, int batch);

    void reset();

    @Override
    void close();
  }

  private static void check(Path dir, JsonNode c, String format, Map<String, String> knownLimitations) throws Exception {
    String name = c.get("name").asText();
    String known = format.equals("savedmodel") ? null : knownLimitations.get(name);
    if (known != null) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> load(dir, c, format).close());
      assertTrue(e.getMessage().contains(known), () -> "expected the known limitation \"" + known + "\", got: " + e.getMessage());
      return;
    }
    if (!format.equals("savedmodel") && c.has("params")) {
      try (Model m = load(dir, c, format)) {
        assertEquals(c.get("params").asLong(), m.countParams(), () -> name + " [" + format + "]: parameter count");
        checkLayerShapes(c, format, m);
      }
    }
    try (Loaded m = format.equals("savedmodel") ? savedModel(dir, c) : keras(load(dir, c, format))) {
      replay(dir, c, format, m);
    }
  }

  private static Loaded keras(Model m) {
    return new Loaded() {
      @Override
      public List<FloatArray> predict(Map<String, FloatArray> x, int batch) {
        return m.predictMulti(x, batch);
      }

      @Override
      public void reset() {
        m.resetStates();
      }

      @Override
      public void close() {
        m.close();
      }
    };
  }

  /**
   * Keras's {@code model.export()} of the model, run as a graph by {@link SavedModel}: inputs by
   * name, outputs {@code output_0, output_1, ...} in the model's output order. A SavedModel has no
   * reset_states: a reset is a fresh load.
   */
  private static Loaded savedModel(Path dir, JsonNode c) {
    Path sm = dir.resolve(c.get("files").get("savedmodel").asText());
    int outputs = c.get("outputs").size();
    return new Loaded() {
      private SavedModel m = SavedModel.load(sm);

      @Override
      public List<FloatArray> predict(Map<String, FloatArray> x, int batch) {
        Map<String, FloatArray> y = m.signature("serving_default").predict(x, batch);
        List<FloatArray> r = new ArrayList<>();
        for (int o = 0; o < outputs; o++) {
          int oi = o;
          assertTrue(y.containsKey("output_" + o), () -> c.get("name").asText() + " [savedmodel]: no output_" + oi + " in " + y.keySet());
          r.add(y.get("output_" + o));
        }
        return r;
      }

      @Override
      public void reset() {
        m.close();
        m = SavedModel.load(sm);
      }

      @Override
      public void close() {
        m.close();
      }
    };
  }

  /** Feeds the npz inputs of every call (a stateful model has several, some after a reset) and compares the outputs. */
  private static void replay(Path dir, JsonNode c, String format, Loaded m) throws Exception {
    String name = c.get("name").asText();
    Map<String, FloatArray> npz = Npz.read(dir.resolve(c.get("npz").asText()));
    int calls = c.get("calls").isNull() ? 1 : c.get("calls").get("count").asInt();
    List<Integer> resetBefore = new ArrayList<>();
    if (!c.get("calls").isNull()) c.get("calls").get("reset_before").forEach(n -> resetBefore.add(n.asInt()));
    for (int call = 1; call <= calls; call++) {
      String prefix = call == 1 ? "" : "call" + call + "/";
      if (resetBefore.contains(call)) m.reset();
      Map<String, FloatArray> x = new LinkedHashMap<>();
      for (JsonNode in : c.get("inputs")) x.put(in.get("name").asText(), npz.get(prefix + in.get("name").asText()));
      List<FloatArray> y = m.predict(x, (int) x.values().iterator().next().shape()[0]);
      assertEquals(c.get("outputs").size(), y.size(), "outputs");
      for (int o = 0; o < y.size(); o++) {
        FloatArray want = npz.get(prefix + c.get("output_keys").get(o).asText());
        FloatArray got = y.get(o);
        String where = name + " [" + format + "] call " + call + " output " + o;
        assertArrayEquals(want.shape(), got.shape(), () -> where + ": shape " + Shapes.toString(got.shape())
            + " vs Keras's " + Shapes.toString(want.shape()));
        double err = Weights.maxAbsDiff(want, got);
        assertTrue(err <= TOLERANCE, () -> where + ": max abs error " + err);
      }
    }
  }
}
