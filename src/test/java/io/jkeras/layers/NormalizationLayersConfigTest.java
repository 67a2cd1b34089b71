package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.config.KerasFormatException;
import io.jkeras.models.Sequential;
import io.jkeras.testing.PythonModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Configs and argument checks of the normalization, reshaping, noise and regularization layers:
 * every such layer Keras 3 wrote in layers_norm_models.py's files reads back through the registry
 * into exactly Keras's config (every argument, Keras's defaults and spelling); jkeras's own configs
 * round-trip; bad arguments and shapes are refused in Java, naming the layer and the field.
 */
class NormalizationLayersConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CLASSES = Set.of("BatchNormalization", "LayerNormalization", "UnitNormalization",
      "Reshape", "Permute", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "ActivityRegularization", "Identity");

  @TestFactory
  Stream<DynamicTest> kerasConfigsReadBackAsKerasWroteThem() throws Exception {
    Path dir = PythonModels.generate("layers_norm_models.py", "layers_norm");
    List<DynamicTest> tests = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.endsWith("manifest.json")).sorted().toList()) {
        for (JsonNode layer : JSON.readTree(f.toFile()).get("config").get("layers")) {
          String cls = layer.get("class_name").asText();
          if (!CLASSES.contains(cls)) continue;
          seen.add(cls);
          String id = f.getFileName() + ": " + layer.get("config").get("name").asText() + " (" + cls + ")";
          tests.add(DynamicTest.dynamicTest(id, () -> {
            ObjectNode ser = JSON.createObjectNode();
            ser.put("class_name", cls);
            ser.set("config", layer.get("config"));
            Layer<?> l = LayerRegistry.deserialize(ser, "layers[0]", 3);
            String diff = difference("config", layer.get("config"), JSON.valueToTree(l.getConfig()));
            assertTrue(diff == null, () -> diff + "\nKeras:  " + layer.get("config") + "\njkeras: " + JSON.valueToTree(l.getConfig()));
          }));
        }
      }
    }
    assertEquals(CLASSES, seen, "the generator uses every layer class");
    return tests.stream();
  }

  /**
   * Where two configs differ, or null: numbers compare as numbers (2 and 2.0 alike) within 1e-7
   * relative, since jkeras's regularizers and constraints hold their factors as float32 (0.01 reads
   * back as 0.009999999776482582).
   */
  static String difference(String path, JsonNode want, JsonNode got) {
    if (want.isNumber() && got.isNumber()) {
      double a = want.asDouble();
      double b = got.asDouble();
      return Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a)) ? null : path + ": " + got + " vs Keras's " + want;
    }
    if (want.isObject() && got.isObject()) {
      Set<String> keys = new TreeSet<>();
      want.fieldNames().forEachRemaining(keys::add);
      Set<String> gotKeys = new TreeSet<>();
      got.fieldNames().forEachRemaining(gotKeys::add);
      if (!keys.equals(gotKeys)) return path + ": keys " + gotKeys + " vs Keras's " + keys;
      for (String k : keys) {
        String d = difference(path + "." + k, want.get(k), got.get(k));
        if (d != null) return d;
      }
      return null;
    }
    if (want.isArray() && got.isArray()) {
      if (want.size() != got.size()) return path + ": " + got + " vs Keras's " + want;
      for (int i = 0; i < want.size(); i++) {
        String d = difference(path + "[" + i + "]", want.get(i), got.get(i));
        if (d != null) return d;
      }
      return null;
    }
    return want.equals(got) ? null : path + ": " + got + " vs Keras's " + want;
  }

  static List<Supplier<Layer<?>>> jkerasLayers() {
    return List.of(
        () -> new BatchNormalization().axis(1).momentum(0.5).epsilon(0.01).center(false),
        () -> new LayerNormalization().axis(1, 2).scale(false),
        () -> new LayerNormalization().rmsScaling(true),
        () -> new UnitNormalization().axis(1, 2),
        () -> new Reshape(2, -1),
        () -> new Permute(2, 1),
        () -> new SpatialDropout1D(0.3).seed(4),
        () -> new GaussianNoise(0.2),
        () -> new GaussianDropout(0.1).seed(2),
        () -> new ActivityRegularization(0.01, 0),
        Identity::new);
  }

  @TestFactory
  Stream<DynamicTest> jkerasConfigsRoundTrip() {
    return jkerasLayers().stream().map(s -> DynamicTest.dynamicTest(s.get().className(), () -> {
      Layer<?> l = s.get();
      JsonNode ser = JSON.valueToTree(LayerRegistry.serialize(l));
      Layer<?> back = LayerRegistry.deserialize(ser, "layers[0]", 3);
      assertEquals(ser.get("config"), JSON.valueToTree(back.getConfig()));
      assertTrue(difference("config", ser.get("config"), JSON.valueToTree(back.getConfig())) == null);
    }));
  }

  private static String buildError(Layer<?> l, long... sample) {
    try (Sequential m = new Sequential(l.inputShape(sample))) {
      long[] batchShape = new long[sample.length + 1];
      batchShape[0] = -1;
      System.arraycopy(sample, 0, batchShape, 1, sample.length);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.build(batchShape));
      return e.getMessage();
    }
  }

  @Test
  void shapesAreCheckedInJavaNamingTheLayer() {
    String m = buildError(new Reshape(7, -1).name("rs"), 4, 3);
    assertTrue(m.contains("rs (Reshape)") && m.contains("target_shape [7, -1]") && m.contains("12"), m);
    m = buildError(new Reshape(5, 2).name("rs2"), 4, 3);
    assertTrue(m.contains("rs2 (Reshape)") && m.contains("holds 10 values per sample, the input 12"), m);
    m = buildError(new Permute(2, 1).name("perm"), 4, 3, 2);
    assertTrue(m.contains("perm (Permute)") && m.contains("rank 3"), m);
    m = buildError(new BatchNormalization().axis(3).name("bn"), 4, 3);
    assertTrue(m.contains("bn (BatchNormalization)") && m.contains("axis 3 is out of range"), m);
    m = buildError(new LayerNormalization().axis(-1, 0).name("ln"), 4, 3);
    assertTrue(m.contains("ln (LayerNormalization)") && m.contains("batch axis"), m);
    m = buildError(new UnitNormalization().axis(-4).name("un"), 4, 3);
    assertTrue(m.contains("un (UnitNormalization)") && m.contains("axis -4 is out of range"), m);
    m = buildError(new SpatialDropout1D(0.1).name("sd"), 4);
    assertTrue(m.contains("sd (SpatialDropout1D)") && m.contains("(batch, time, features)"), m);
  }

  @Test
  void argumentsAreCheckedNamingTheLayerAndField() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Permute(1, 3)).getMessage().contains("Permute: dims"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1)).getMessage().contains("at most one -1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GaussianNoise(1.5)).getMessage().contains("stddev"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GaussianDropout(-0.1)).getMessage().contains("rate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SpatialDropout1D(2)).getMessage().contains("rate"));
  }

  @Test
  void renormAndSynchronizedAreRefusedWithTheField() throws Exception {
    for (String key : new String[] {"renorm", "synchronized"}) {
      ObjectNode ser = (ObjectNode) JSON.valueToTree(LayerRegistry.serialize(new BatchNormalization().name("bn")));
      ((ObjectNode) ser.get("config")).put(key, true);
      KerasFormatException e = assertThrows(KerasFormatException.class, () -> LayerRegistry.deserialize(ser, "layers[3]", 3));
      assertTrue(e.getMessage().contains("layers[3].config." + key + ":") && e.getMessage().contains("not supported"), e.getMessage());
    }
  }
}
