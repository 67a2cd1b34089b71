package io.jkeras.saving.keras;

import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.activations.Activations;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Bidirectional;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.GRU;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.saving.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every Keras JSON config among the fixtures loads, has Keras's parameter counts and round-trips. */
class KerasJsonTest {

  /** Parameter counts follow Keras's formulas for the architecture each SOURCE.txt describes. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // Embedding(20000,128) + LSTM(128): 4*(128*(128+128)+128) + Dense(1)
      "json-dl4j-lstm-configs/imdb_lstm_tf_keras_2_config.json, 2691713, 3",
      // Embedding(20000,128) + Bidirectional(LSTM(64), sum) 2*4*(64*192+64) + Flatten + Dense(1) on 100*64
      "json-dl4j-lstm-configs/bidirectional_lstm_tf_keras_2_config.json, 2665217, 4",
      // functional Input -> Embedding(10,1, mask_zero) -> LSTM(1) -> Dense(1, no bias)
      "json-dl4j-lstm-configs/embedding_lstm_calculator.json, 23, 3",
      // LSTM(64) on 500 features: 4*(64*(500+64)+64)
      "json-dl4j-lstm-configs/one_lstm_no_sequences_tf_keras_2.json, 144640, 1",
      // Embedding(2935,50) + Bidirectional(LSTM(100)) concat + Dense(25) + Dense(14)
      "json-dl4j-lstm-configs/bidirectional_last_timeStep.json, 272939, 4",
      // Keras 1: LSTM(3) on 2 features, LSTM(2), TimeDistributedDense(3), softmax
      "json-dl4j-lstm-configs/lstm_tddense_config.json, 129, 4",
      // Keras 1.2.2: LSTM(50) on 1 feature + Dense(1)
      "keras1-dl4j-simple-lstm/simple_lstm_tf_keras_1_config.json, 10451, 2",
      "keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_config.json, 10451, 2",
      "keras2-dl4j-simple-lstm-2.0.6/simple_lstm_tf_keras_2_config.json, 10451, 2",
      // SimpleRNN(50) on 1 feature + Dense(1): 50*(1+50)+50 + 51
      "keras2-dl4j-simple-rnn/simple_rnn_tf_keras_2_config.json, 2651, 2",
      // Dense(3) on 4 + softmax
      "keras2-dl4j-mlp-sparse-xent/simple_sparse_xent_mlp_keras_2_config.json, 15, 2",
      // 3x LSTM(64) (41, 64, 64 inputs) + Dropouts + Dense(41) + softmax
      "keras2-kotlindl-lstm-textgen/model.json, 95849, 8",
      // Keras 3: LSTM(128) on 6, Dropout, LSTM(128), Dense(64), Dense(6)
      "keras3-har-lstm/unzipped/config.json, 209350, 5",
  })
  void fixtureConfigLoadsWithKerasParamCounts(String file, long params, int layers) {
    Path p = path(file);
    try (Sequential m = KerasJson.read(p)) {
      assertEquals(layers, m.layers().size(), "layers of " + file);
      String summary = m.summaryString();
      assertEquals(params, m.countParams(), summary);
      assertTrue(summary.contains(String.format(java.util.Locale.ROOT, "Total params: %,d", params)), summary);
      assertRoundTrip(m);
    }
  }

  /** write(read(write(m))) == write(m), and the second model has the same summary. */
  private static void assertRoundTrip(Sequential m) {
    String json = KerasJson.write(m);
    try (Sequential again = KerasJson.read(json)) {
      // model_from_json does not compile (as in Keras): compare the compiled model's JSON without compile_config.
      if (m.isCompiled()) KerasJson.compile(again, KerasJson.parse(json).get("compile_config"));
      if (m.isBuilt()) again.build(m.inputBatchShape());
      assertEquals(json, KerasJson.write(again));
      assertEquals(m.countParams(), again.countParams());
      assertEquals(m.summaryString().replace(m.name(), "?"), again.summaryString().replace(again.name(), "?"));
    }
  }

  @Test
  void inputDtypeIsWrittenAndReadBack() {
    // Embedding first: int32 ids unless the InputLayer says otherwise; float32 for the rest.
    try (Sequential ids = new Sequential(new Embedding(10, 3).inputShape(4), new LSTM(2));
        Sequential declared = new Sequential(new io.jkeras.layers.InputLayer(4).dtype("float32"), new Embedding(10, 3));
        Sequential plain = new Sequential(new LSTM(2).inputShape(4, 3))) {
      assertEquals("int32", ids.inputDtype());
      assertEquals("float32", declared.inputDtype());
      assertEquals("float32", plain.inputDtype());
      try (Sequential back = KerasJson.fromTree(KerasJson.parse(KerasJson.write(ids)), -1)) {
        assertEquals("int32", back.inputDtype());
      }
      try (Sequential back = KerasJson.fromTree(KerasJson.parse(KerasJson.write(declared)), -1)) {
        assertEquals("float32", back.inputDtype());
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new io.jkeras.layers.InputLayer(4).dtype("complex64"));
  }

  @Test
  void keras3ConfigDetails() {
    try (Sequential m = KerasJson.read(path("keras3-har-lstm/unzipped/config.json"))) {
      assertEquals("sequential_1", m.name());
      assertEquals("input_layer_1", m.inputName());
      LSTM lstm = (LSTM) m.getLayer("lstm_2");
      assertTrue(lstm.returnSequences());
      assertEquals("sigmoid", lstm.recurrentActivation().name());
      assertEquals(false, Activations.isKeras2HardSigmoid(lstm.recurrentActivation()));
      assertEquals("softmax", ((Dense) m.getLayer("dense_3")).activation().name());
    }
  }

  @Test
  void keras2HardSigmoidIsTheKeras2Function() {
    try (Sequential m = KerasJson.read(path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_config.json"))) {
      LSTM lstm = (LSTM) m.getLayer(0);
      assertTrue(Activations.isKeras2HardSigmoid(lstm.recurrentActivation()));
      assertEquals(0.2, ((java.util.Map<?, ?>) (Object) lstm.getConfig()).get("dropout"));
      assertEquals(25, m.inputBatchShape()[0], "batch_input_shape [25, 1, 1] keeps its fixed batch");
    }
  }

  /** A model read from a Keras 2 file keeps Keras 2's hard_sigmoid through jkeras's own files. */
  @Test
  void keras2HardSigmoidSurvivesWriteAndReadAndModelFiles(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    try (Sequential m = KerasModels.load(path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_model.h5"))) {
      String json = KerasJson.write(m);
      assertTrue(json.contains("\"jkeras_hard_sigmoid\" : \"keras2\""), json);
      try (Sequential again = KerasJson.read(json)) {
        assertTrue(Activations.isKeras2HardSigmoid(((LSTM) again.getLayer(0)).recurrentActivation()));
      }
      float[][][] x = {{{0.3f}}, {{-1.2f}}, {{2.5f}}};
      ModelFiles.save(m, tmp.resolve("dir"));
      try (Sequential back = ModelFiles.load(tmp.resolve("dir"))) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(m.predict(x).data(), back.predict(x).data(), 0f);
      }
    }
    try (Sequential k3 = KerasJson.read(path("keras3-har-lstm/unzipped/config.json"))) {
      assertTrue(!KerasJson.write(k3).contains("jkeras_hard_sigmoid"));
    }
  }

  @Test
  void keras1LegacyNames() {
    try (Sequential m = KerasJson.read(path("json-dl4j-lstm-configs/lstm_tddense_config.json"))) {
      LSTM first = (LSTM) m.getLayer(0);
      assertEquals(3, first.units());
      assertEquals(0.5, (double) first.getConfig().get("dropout"), 1e-12);
      assertTrue(Activations.isKeras2HardSigmoid(first.recurrentActivation()));
      assertTrue(m.getLayer(2) instanceof TimeDistributed);
      assertEquals(3, ((Dense) ((TimeDistributed) m.getLayer(2)).layer()).units());
    }
  }

  @Test
  void functionalChainBecomesSequential() {
    try (Sequential m = KerasJson.read(path("json-dl4j-lstm-configs/embedding_lstm_calculator.json"))) {
      assertTrue(m.getLayer(0) instanceof Embedding);
      assertEquals("input_1", m.inputName());
      assertEquals("linear", ((LSTM) m.getLayer(1)).recurrentActivation().name());
    }
  }

  @Test
  void bidirectionalSumMerge() {
    try (Sequential m = KerasJson.read(path("json-dl4j-lstm-configs/bidirectional_lstm_tf_keras_2_config.json"))) {
      Bidirectional b = (Bidirectional) m.getLayer(1);
      assertEquals("sum", b.getConfig().get("merge_mode"));
    }
  }

  @Test
  void writtenJsonHasKeras3Structure() {
    try (Sequential m = new Sequential(new GRU(8).inputShape(5, 3), new Dense(2).activation("softmax")
        .kernelRegularizer(Regularizer.l2(0.01f)))) {
      m.compile("adam", "categorical_crossentropy", "accuracy");
      com.fasterxml.jackson.databind.JsonNode root = KerasJson.parse(KerasJson.write(m));
      assertEquals("keras", root.get("module").asText());
      assertEquals("Sequential", root.get("class_name").asText());
      com.fasterxml.jackson.databind.JsonNode layers = root.get("config").get("layers");
      assertEquals("InputLayer", layers.get(0).get("class_name").asText());
      assertEquals("[null,5,3]", layers.get(0).get("config").get("batch_shape").toString());
      assertEquals("keras.layers", layers.get(1).get("module").asText());
      assertEquals("DTypePolicy", layers.get(1).get("config").get("dtype").get("class_name").asText());
      assertEquals("GlorotUniform", layers.get(1).get("config").get("kernel_initializer").get("class_name").asText());
      assertEquals(true, layers.get(1).get("config").get("reset_after").asBoolean());
      assertEquals("L2", layers.get(2).get("config").get("kernel_regularizer").get("class_name").asText());
      assertEquals("Adam", root.get("compile_config").get("optimizer").get("class_name").asText());
      assertEquals(1e-7, root.get("compile_config").get("optimizer").get("config").get("epsilon").asDouble(), 1e-12);
      assertRoundTrip(m);
    }
  }

  @Test
  void everyLayerRoundTrips() {
    try (Sequential m = new Sequential()) {
      m.add(new Embedding(50, 8).maskZero(true).inputShape(7));
      m.add(new Bidirectional(new LSTM(4).returnSequences(true).dropout(0.1), "ave"));
      m.add(new io.jkeras.layers.SimpleRNN(3).returnSequences(true).goBackwards(true));
      m.add(new io.jkeras.layers.Dropout(0.25).noiseShape(-1, 1, -1));
      m.add(new TimeDistributed(new Dense(5).activation("relu")));
      m.add(new io.jkeras.layers.Flatten());
      m.add(new io.jkeras.layers.RepeatVector(2));
      m.add(new io.jkeras.layers.Masking(0.5));
      m.add(new GRU(3).resetAfter(false).recurrentDropout(0.2));
      m.add(new io.jkeras.layers.Activation("log_softmax"));
      assertRoundTrip(m);
    }
  }

  @Test
  void unsupportedLayersAreRefusedWithTheirPlace() {
    String json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 2, \"batch_input_shape\": [null, 3]}},"
        + "{\"class_name\": \"Transformer\", \"config\": {\"a\": 784}}]}, \"keras_version\": \"2.11.0\"}";
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasJson.read(json));
    assertTrue(e.getMessage().contains("config.layers[1]") && e.getMessage().contains("'Transformer'"), e.getMessage());
    String lambda = json.replace("Transformer", "Lambda");
    e = assertThrows(KerasFormatException.class, () -> KerasJson.read(lambda));
    assertTrue(e.getMessage().contains("Lambda") && e.getMessage().contains("never"), e.getMessage());
  }

  @Test
  void badFieldsNameTheirPath() {
    String base = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"LSTM\", \"config\": %s}]}}";
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasJson.read(String.format(base, "{\"units\": \"many\"}")));
    assertTrue(e.getMessage().contains("config.layers[0].config.units"), e.getMessage());
    e = assertThrows(KerasFormatException.class,
        () -> KerasJson.read(String.format(base, "{\"units\": 3, \"activation\": \"swishy\"}")));
    assertTrue(e.getMessage().contains("config.layers[0].config.activation") && e.getMessage().contains("swishy"), e.getMessage());
    e = assertThrows(KerasFormatException.class,
        () -> KerasJson.read(String.format(base, "{\"units\": 3, \"frobnicate\": true}")));
    assertTrue(e.getMessage().contains("unknown argument 'frobnicate' for LSTM"), e.getMessage());
  }

  @Test
  void malformedJsonReportsLineAndColumn() {
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasJson.read("{\n  \"class_name\": \"Sequential\",\n  \"config\": [,]\n}"));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("column"), e.getMessage());
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThrows(KerasFormatException.class, () -> KerasJson.read("{\"a\": " + deep + "}"));
  }

  @Test
  void multiInputFunctionalOpensAsAFunctionalModel() {
    String json = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"name\": \"a\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"a\"}, \"inbound_nodes\": []},"
        + "{\"class_name\": \"InputLayer\", \"name\": \"b\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"b\"}, \"inbound_nodes\": []},"
        + "{\"class_name\": \"Add\", \"name\": \"add\", \"config\": {\"name\": \"add\"}, \"inbound_nodes\": [[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}]]]}],"
        + "\"input_layers\": [[\"a\", 0, 0], [\"b\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
    try (Model m = KerasJson.readModel(json)) {
      assertTrue(m instanceof Functional, m.getClass().toString());
      assertEquals(List.of("a", "b"), m.inputNames());
      FloatArray sum = m.predictMulti(List.of(new float[][] {{1, 2}}, new float[][] {{10, 20}})).get(0);
      assertArrayEquals(new float[] {11, 22}, sum.data());
    }
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasJson.read(json));
    assertTrue(e.getMessage().contains("not a Sequential model") && e.getMessage().contains("readModel"), e.getMessage());
    String cycle = json.replace("\"inbound_nodes\": [[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}]]]", "\"inbound_nodes\": [[[\"a\", 0, 0, {}], [\"add\", 0, 0, {}]]]");
    e = assertThrows(KerasFormatException.class, () -> KerasJson.readModel(cycle));
    assertTrue(e.getMessage().contains("'add' can never be called"), e.getMessage());
    String missing = json.replace("[\"b\", 0, 0, {}]]]", "[\"c\", 0, 0, {}]]]");
    e = assertThrows(KerasFormatException.class, () -> KerasJson.readModel(missing));
    assertTrue(e.getMessage().contains("refers to layer 'c'"), e.getMessage());
    String disconnected = json.replace("\"output_layers\": [[\"add\", 0, 0]]", "\"output_layers\": [[\"add\", 0, 0], [\"b\", 0, 0]]")
        .replace("\"input_layers\": [[\"a\", 0, 0], [\"b\", 0, 0]]", "\"input_layers\": [[\"a\", 0, 0]]");
    e = assertThrows(KerasFormatException.class, () -> KerasJson.readModel(disconnected));
    assertTrue(e.getMessage().contains("graph disconnected"), e.getMessage());
  }

  @Test
  void missingFileIsClear(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasJson.read(tmp.resolve("nope.json")));
    assertTrue(e.getMessage().contains("nope.json") && e.getMessage().contains("no such file"), e.getMessage());
    Path big = tmp.resolve("ok.json");
    Files.writeString(big, "{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}");
    try (Sequential m = KerasJson.read(big)) {
      assertEquals(List.of(), m.layers());
    }
  }
}
