package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.Keras;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.testing.KerasPython;
import io.jkeras.utils.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * RNN states in Functional models: {@code return_state} (LSTM [output, h, c], GRU and SimpleRNN
 * [output, h], Bidirectional [output, forward states, backward states]) and {@code initial_state}
 * (encoder states seeding a decoder), against real Keras 3 both ways
 * (src/test/python/rnn_states.py): Keras models with fixed weights load in jkeras from .keras and
 * from JSON + .weights.h5 and predict the same; the same architectures built with
 * {@code Model.of} load in Keras and predict the same, and Keras writes their RNN calls and
 * build configs back as jkeras wrote them. Then finite-difference gradients through initial
 * states (the unrolled cell and the fused LSTM kernel), a stateful layer given initial states,
 * and the errors for a wrong number or shape of states.
 */
class RnnStatesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOLERANCE = 1e-5;
  private static final int BATCH = 4;

  // ----- Keras -> jkeras -----

  private static Path kerasModels;

  /** The Keras cases, made once per run: DIR/cases.json and one folder per case. */
  private static synchronized Path kerasModels() {
    if (kerasModels == null) {
      KerasPython.python();
      Path dir = KerasPython.work("rnn-states-p2j");
      KerasPython.run("rnn_states.py", "make", dir.toString());
      kerasModels = dir;
    }
    return kerasModels;
  }

  @TestFactory
  Stream<DynamicTest> kerasModelsPredictTheSameInJkeras() throws Exception {
    Path dir = kerasModels();
    JsonNode cases = JSON.readTree(dir.resolve("cases.json").toFile());
    return StreamSupport.stream(cases.spliterator(), false).map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
      String name = c.get("name").asText();
      Path d = dir.resolve(name);
      List<FloatArray> xs = arrays(d, "x", c.get("inputs").asInt());
      List<FloatArray> want = arrays(d, "y", c.get("outputs").asInt());
      try (Model m = KerasModels.loadModel(d.resolve("model.keras"))) {
        assertClose(want, m.predictMulti(xs), name + " from .keras");
      }
      try (Model m = KerasModels.loadModel(d.resolve("model.json"), d.resolve("model.weights.h5"))) {
        assertClose(want, m.predictMulti(xs), name + " from JSON + .weights.h5");
      }
      try (Model m = KerasJson.readModel(d.resolve("model.json"))) {
        KerasModels.loadWeights(m, d.resolve("model.weights.h5"));
        assertClose(want, m.predictMulti(xs), name + " from KerasJson.readModel + loadWeights");
      }
    }));
  }

  private static List<FloatArray> arrays(Path d, String prefix, int n) throws Exception {
    List<FloatArray> r = new ArrayList<>();
    for (int i = 0; i < n; i++) r.add(Npy.read(d.resolve(prefix + i + ".npy")));
    return r;
  }

  private static void assertClose(List<FloatArray> want, List<FloatArray> got, String what) {
    assertEquals(want.size(), got.size(), what + ": number of outputs");
    for (int o = 0; o < want.size(); o++) {
      assertArrayEquals(want.get(o).shape(), got.get(o).shape(), what + ": shape of output " + o);
      float[] w = want.get(o).data();
      float[] g = got.get(o).data();
      for (int i = 0; i < w.length; i++) {
        assertTrue(Math.abs(w[i] - g[i]) <= TOLERANCE, what + ": output " + o + "[" + i + "]: keras " + w[i] + ", jkeras " + g[i]);
      }
    }
  }

  // ----- jkeras -> Keras: the same architectures, built with Model.of -----

  private static KerasTensor ids(String name, long length) {
    return new InputLayer(length).name(name).dtype("int32").output();
  }

  private static Functional lstmEncdec() {
    KerasTensor encIn = Input.named("enc_in", 5, 3);
    KerasTensor decIn = Input.named("dec_in", 6, 2);
    List<KerasTensor> enc = new LSTM(4).returnState(true).name("encoder").applyMulti(encIn);
    KerasTensor d = new LSTM(4).returnSequences(true).name("decoder").applyMulti(decIn, enc.get(1), enc.get(2)).get(0);
    KerasTensor head = new Dense(3).name("head").apply(d);
    // the output and h hold the same values: two outputs all the same
    return Model.of(List.of(encIn, decIn), List.of(head, enc.get(0), enc.get(1), enc.get(2)), "lstm_encdec");
  }

  private static Functional gruEncdec() {
    KerasTensor encIn = Input.named("enc_in", 5, 3);
    KerasTensor decIn = Input.named("dec_in", 6, 2);
    List<KerasTensor> enc = new GRU(4).returnState(true).goBackwards(true).name("encoder").applyMulti(encIn);
    List<KerasTensor> dec = new GRU(4).returnSequences(true).returnState(true).name("decoder").applyMulti(decIn, enc.get(1));
    KerasTensor head = new Dense(3).name("head").apply(dec.get(0));
    return Model.of(List.of(encIn, decIn), List.of(head, dec.get(1)), "gru_encdec");
  }

  private static Functional simpleRnnEncdec() {
    KerasTensor encIn = Input.named("enc_in", 5, 3);
    KerasTensor decIn = Input.named("dec_in", 6, 2);
    List<KerasTensor> enc = new SimpleRNN(4).returnSequences(true).returnState(true).name("encoder").applyMulti(encIn);
    // one state and one output: apply gives the output directly
    KerasTensor d = new SimpleRNN(4).name("decoder").apply(decIn, enc.get(1));
    KerasTensor head = new Dense(2).name("head").apply(d);
    return Model.of(List.of(encIn, decIn), List.of(head, enc.get(0)), "simplernn_encdec");
  }

  private static Functional bidiLstmEncdec() {
    KerasTensor encIn = Input.named("enc_in", 5, 3);
    KerasTensor decIn = Input.named("dec_in", 6, 2);
    List<KerasTensor> enc = new Bidirectional(new LSTM(4).returnState(true)).name("bi_encoder").applyMulti(encIn);
    KerasTensor h = new Concatenate().name("h").apply(enc.get(1), enc.get(3));
    KerasTensor c = new Concatenate().name("c").apply(enc.get(2), enc.get(4));
    KerasTensor d = new LSTM(8).returnSequences(true).name("decoder").apply(decIn, h, c);
    KerasTensor head = new Dense(3).name("head").apply(d);
    return Model.of(List.of(encIn, decIn), List.of(head, enc.get(0)), "bidi_lstm_encdec");
  }

  private static Functional maskedEncdec() {
    KerasTensor in = ids("ids", 5);
    KerasTensor decIn = ids("dec_ids", 6);
    KerasTensor e = new Embedding(10, 3).maskZero(true).name("enc_embed").apply(in);
    List<KerasTensor> enc = new LSTM(4).returnSequences(true).returnState(true).goBackwards(true).name("encoder").applyMulti(e);
    KerasTensor de = new Embedding(10, 3).maskZero(true).name("dec_embed").apply(decIn);
    KerasTensor d = new LSTM(4).returnSequences(true).name("decoder").apply(de, enc.get(1), enc.get(2));
    KerasTensor head = new Dense(3).name("head").apply(d);
    return Model.of(List.of(in, decIn), List.of(head, enc.get(0), enc.get(1), enc.get(2)), "masked_encdec");
  }

  private static Functional maskedBidiLstm() {
    KerasTensor in = ids("ids", 5);
    KerasTensor e = new Embedding(10, 3).maskZero(true).name("embed").apply(in);
    List<KerasTensor> outs = new Bidirectional(new LSTM(3).returnSequences(true).returnState(true)).name("bi").applyMulti(e);
    return Model.of(List.of(in), outs, "masked_bidi_lstm");
  }

  private static Functional bidiGruInitial() {
    KerasTensor in = ids("ids", 5);
    KerasTensor s = Input.named("s", 2);
    KerasTensor e = new Embedding(10, 3).maskZero(true).name("embed").apply(in);
    KerasTensor f0 = new Dense(3).activation("tanh").name("init_f").apply(s);
    KerasTensor b0 = new Dense(3).activation("tanh").name("init_b").apply(s);
    List<KerasTensor> outs = new Bidirectional(new GRU(3).returnSequences(true).returnState(true), null).name("bi")
        .applyMulti(e, f0, b0);
    return Model.of(List.of(in, s), outs, "bidi_gru_initial");
  }

  private static final Map<String, Supplier<Functional>> JAVA_CASES = new LinkedHashMap<>();

  static {
    JAVA_CASES.put("lstm_encdec", RnnStatesTest::lstmEncdec);
    JAVA_CASES.put("gru_encdec", RnnStatesTest::gruEncdec);
    JAVA_CASES.put("simplernn_encdec", RnnStatesTest::simpleRnnEncdec);
    JAVA_CASES.put("bidi_lstm_encdec", RnnStatesTest::bidiLstmEncdec);
    JAVA_CASES.put("masked_encdec", RnnStatesTest::maskedEncdec);
    JAVA_CASES.put("masked_bidi_lstm", RnnStatesTest::maskedBidiLstm);
    JAVA_CASES.put("bidi_gru_initial", RnnStatesTest::bidiGruInitial);
  }

  /** Inputs as the Python side makes them: ids padded at the end (and once inside a row), floats in [-1, 1). */
  private static List<FloatArray> inputsFor(Functional m, long seed) {
    Random r = new Random(seed);
    List<FloatArray> xs = new ArrayList<>();
    for (KerasTensor t : m.inputs()) {
      long[] shape = Shapes.withBatch(BATCH, Shapes.dropBatch(t.shape()));
      float[] v = new float[(int) Shapes.product(shape)];
      if (t.dtype().startsWith("int")) {
        int len = (int) shape[1];
        for (int i = 0; i < BATCH; i++) {
          for (int j = 0; j < len; j++) v[i * len + j] = j >= len - i ? 0 : 1 + r.nextInt(9);
        }
        v[len + 1] = 0;
        Arrays.fill(v, 3 * len + 1, 4 * len, 0f);
      } else {
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
      }
      xs.add(new FloatArray(v, shape));
    }
    return xs;
  }

  private static void fixedWeights(Model m, long seed) {
    Random r = new Random(seed);
    List<FloatArray> ws = new ArrayList<>();
    for (FloatArray w : m.getWeights()) {
      float[] v = new float[w.data().length];
      for (int i = 0; i < v.length; i++) v[i] = (r.nextFloat() * 2 - 1) * 0.6f;
      ws.add(new FloatArray(v, w.shape()));
    }
    m.setWeights(ws);
  }

  private static JsonNode javaResults;
  /** What jkeras wrote for each case: its config, to compare with what Keras writes back. */
  private static final Map<String, JsonNode> JAVA_CONFIGS = new LinkedHashMap<>();

  /** Writes every Java case (model.keras, model.json, model.weights.h5, inputs, jkeras's predictions) and has Keras check them. */
  private static synchronized JsonNode javaResults() throws Exception {
    if (javaResults == null) {
      KerasPython.python();
      Path dir = KerasPython.work("rnn-states-j2p");
      ArrayNode spec = JSON.createArrayNode();
      long seed = 0;
      for (Map.Entry<String, Supplier<Functional>> e : JAVA_CASES.entrySet()) {
        seed++;
        Path d = dir.resolve(e.getKey());
        Files.createDirectories(d);
        try (Functional m = e.getValue().get()) {
          fixedWeights(m, 300 + seed);
          KerasModels.saveKeras(m, d.resolve("model.keras"));
          KerasModels.saveWeights(m, d.resolve("model.weights.h5"));
          String json = KerasJson.write(m);
          Files.writeString(d.resolve("model.json"), json);
          JAVA_CONFIGS.put(e.getKey(), JSON.readTree(json));
          List<FloatArray> xs = inputsFor(m, 400 + seed);
          ObjectNode c = spec.addObject();
          c.put("name", e.getKey());
          c.put("dir", d.toString());
          ArrayNode ints = c.putArray("int_inputs");
          for (int i = 0; i < xs.size(); i++) {
            Npy.write(d.resolve("x" + i + ".npy"), xs.get(i));
            ints.add(m.inputs().get(i).dtype().startsWith("int"));
          }
          List<FloatArray> ys = m.predictMulti(xs);
          for (int i = 0; i < ys.size(); i++) Npy.write(d.resolve("y" + i + ".npy"), ys.get(i));
        }
      }
      Path specFile = dir.resolve("cases.json");
      Path out = dir.resolve("results.json");
      JSON.writeValue(specFile.toFile(), spec);
      KerasPython.run("rnn_states.py", "check", specFile.toString(), out.toString());
      javaResults = JSON.readTree(out.toFile());
    }
    return javaResults;
  }

  @TestFactory
  Stream<DynamicTest> jkerasModelsPredictTheSameInKeras() throws Exception {
    JsonNode results = javaResults();
    return JAVA_CASES.keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      JsonNode r = results.get(name);
      for (String check : List.of("keras_file", "json_weights")) {
        JsonNode e = r.get(check);
        assertTrue(e.isNumber(), name + " " + check + ": Keras failed: " + e);
        assertTrue(e.asDouble() <= TOLERANCE, name + " " + check + ": max abs difference " + e.asDouble());
      }
      // Keras writes the RNN calls (args [x], kwargs {"initial_state": [...]}) and build configs back as jkeras wrote them.
      for (JsonNode layer : JAVA_CONFIGS.get(name).at("/config/layers")) {
        String cls = layer.get("class_name").asText();
        if (!List.of("LSTM", "GRU", "SimpleRNN", "Bidirectional").contains(cls)) continue;
        String ln = layer.get("name").asText();
        JsonNode k = r.at("/layers/" + ln);
        assertEquals(k.get("build_config"), layer.get("build_config"), name + " " + ln + ": build_config");
        JsonNode kNode = k.get("inbound_nodes").get(0);
        JsonNode jNode = layer.get("inbound_nodes").get(0);
        assertEquals(kNode.get("args"), jNode.get("args"), name + " " + ln + ": args");
        assertEquals(kNode.at("/kwargs/initial_state"), jNode.at("/kwargs/initial_state"), name + " " + ln + ": initial_state");
      }
    }));
  }

  // ----- shapes, nodes, masks -----

  @Test
  void returnStateGivesTheStatesShapesAndNoMasks() {
    KerasTensor x = Input.of(5, 3);
    List<KerasTensor> lstm = new LSTM(4).returnState(true).returnSequences(true).applyMulti(x);
    assertEquals(3, lstm.size());
    assertArrayEquals(new long[] {-1, 5, 4}, lstm.get(0).shape());
    assertArrayEquals(new long[] {-1, 4}, lstm.get(1).shape());
    assertArrayEquals(new long[] {-1, 4}, lstm.get(2).shape());
    assertEquals(2, new GRU(4).returnState(true).applyMulti(x).size());
    assertEquals(2, new SimpleRNN(4).returnState(true).applyMulti(x).size());
    // apply insists on one output
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LSTM(4).returnState(true).name("three_out").apply(x));
    assertTrue(e.getMessage().contains("three_out") && e.getMessage().contains("applyMulti"), e.getMessage());

    List<KerasTensor> bi = new Bidirectional(new LSTM(4).returnState(true)).applyMulti(x);
    assertEquals(List.of("(None, 8)", "(None, 4)", "(None, 4)", "(None, 4)", "(None, 4)"), shapes(bi));
    List<KerasTensor> biNone = new Bidirectional(new GRU(2).returnState(true).returnSequences(true), null).applyMulti(x);
    assertEquals(List.of("(None, 5, 2)", "(None, 5, 2)", "(None, 2)", "(None, 2)"), shapes(biNone));
    assertEquals(List.of("(None, 5, 6)", "(None, 5, 6)"),
        shapes(new Bidirectional(new GRU(6).returnSequences(true), null).applyMulti(x)));

    // masks: the output's (with return_sequences), none for states
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      CallContext ctx = new CallContext(rt, tf, false);
      Operand<TFloat32> in = tf.zeros(tf.constant(new long[] {2, 5, 3}), TFloat32.class);
      Operand<TBool> mask = tf.constant(new boolean[][] {{true, true, true, false, false}, {true, true, true, true, true}});
      LSTM l = new LSTM(4).returnState(true).returnSequences(true);
      l.build(rt, new long[] {-1, 5, 3});
      List<Operand<TBool>> ms = l.computeMasks(ctx, List.of(in), Arrays.asList(mask));
      assertEquals(3, ms.size());
      assertTrue(ms.get(0) == mask);
      assertNull(ms.get(1));
      assertNull(ms.get(2));
      assertNull(new GRU(4).returnState(true).computeMasks(ctx, List.of(in), Arrays.asList(mask)).get(0));
    }
  }

  private static List<String> shapes(List<KerasTensor> ts) {
    List<String> r = new ArrayList<>();
    for (KerasTensor t : ts) r.add(Shapes.toString(t.shape()));
    return r;
  }

  @Test
  void initialStatesAreRecordedAsKerasSerializesThem() {
    KerasTensor x = Input.of(5, 3);
    KerasTensor h = Input.of(4);
    KerasTensor c = Input.of(4);
    LSTM lstm = new LSTM(4);
    KerasTensor y = lstm.apply(x, h, c);
    assertArrayEquals(new long[] {-1, 4}, y.shape());
    Node n = lstm.inboundNodes().get(0);
    assertEquals(List.of(x), n.args());
    assertEquals(Map.of("initial_state", List.of(h, c)), n.kwargs());
    assertEquals(List.of(x, h, c), n.inputs());
    try (Functional m = Model.of(List.of(x, h, c), List.of(y))) {
      Map<String, Object> bc = lstm.buildConfig();
      assertEquals("{shapes_dict={sequences_shape=[null, 5, 3], initial_state_shape=[[null, 4], [null, 4]]}}", bc.toString());
      // and read back from the config jkeras writes
      try (Model back = KerasJson.readModel(KerasJson.write(m))) {
        Node nb = ((Functional) back).getLayer(lstm.name()).inboundNodes().get(0);
        assertEquals(1, nb.args().size());
        assertEquals(2, ((List<?>) nb.kwargs().get("initial_state")).size());
      }
    }
  }

  // ----- what the states do -----

  /** Runs {@code layer} on {@code x} with optional initial states as constants; returns [output, states...]. */
  private static List<FloatArray> runLayer(Layer<?> layer, boolean training, FloatArray x, FloatArray... states) {
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      List<long[]> shapes = new ArrayList<>();
      List<Operand<TFloat32>> in = new ArrayList<>();
      shapes.add(x.shape());
      in.add(constant(tf, x));
      for (FloatArray s : states) {
        shapes.add(s.shape());
        in.add(constant(tf, s));
      }
      layer.build(rt, shapes);
      List<Operand<TFloat32>> out = layer.apply(new CallContext(rt, tf, training), in, Arrays.asList(new Operand[in.size()]));
      Session.Runner r = rt.session().runner();
      out.forEach(r::fetch);
      try (Result res = r.run()) {
        List<FloatArray> values = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) values.add(FloatArray.fromTensor((TFloat32) res.get(i)));
        return values;
      }
    }
  }

  private static Operand<TFloat32> constant(Ops tf, FloatArray a) {
    return tf.constant(Shape.of(a.shape()), DataBuffers.of(a.data(), true, false));
  }

  private static final Random RND = new Random(13);

  private static FloatArray x(long... shape) {
    float[] v = new float[(int) Shapes.product(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) RND.nextGaussian();
    return new FloatArray(v, shape);
  }

  private static void assertSame(FloatArray a, FloatArray b, double tol, String what) {
    assertArrayEquals(a.shape(), b.shape(), what);
    for (int i = 0; i < a.data().length; i++) {
      assertTrue(Math.abs(a.data()[i] - b.data()[i]) <= tol, what + "[" + i + "]: " + a.data()[i] + " vs " + b.data()[i]);
    }
  }

  @Test
  void theFusedLstmStartsFromTheGivenStates() {
    // training (the fused BlockLSTMV2 kernel, 8 steps) and inference (the unrolled cell) compute the same from given states
    FloatArray in = x(3, 8, 2);
    FloatArray h = x(3, 5);
    FloatArray c = x(3, 5);
    for (boolean seq : new boolean[] {false, true}) {
      Keras.setRandomSeed(5);
      List<FloatArray> fused = runLayer(new LSTM(5).returnState(true).returnSequences(seq), true, in, h, c);
      Keras.setRandomSeed(5);
      List<FloatArray> unrolled = runLayer(new LSTM(5).returnState(true).returnSequences(seq), false, in, h, c);
      Keras.setRandomSeed(5);
      List<FloatArray> fromZeros = runLayer(new LSTM(5).returnState(true).returnSequences(seq), false, in);
      for (int i = 0; i < 3; i++) assertSame(unrolled.get(i), fused.get(i), 1e-5, "fused vs unrolled, output " + i);
      assertFalse(Arrays.equals(unrolled.get(1).data(), fromZeros.get(1).data()), "the given states are used");
      // with return_sequences=false the output is the final h
      if (!seq) assertSame(unrolled.get(0), unrolled.get(1), 0, "output = h");
    }
  }

  @Test
  void aStatefulLayerGivenInitialStatesStartsFromThemAndStoresItsFinalStates() {
    // As Keras's RNN.call: initial_state wins over the stored states; the final states are stored either way.
    FloatArray in = x(2, 4, 3);
    FloatArray h = x(2, 5);
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      GRU gru = new GRU(5).stateful(true).returnState(true);
      gru.build(rt, List.of(new long[] {2, 4, 3}, new long[] {2, 5}));
      List<FloatArray> first = callAndStore(rt, gru, constant(tf, in), constant(tf, h));
      // no states given: the stored ones, i.e. the first call's final h
      List<FloatArray> next = callAndStore(rt, gru, constant(tf, in));
      List<FloatArray> fromFinal = callAndStore(rt, gru, constant(tf, in), constant(tf, first.get(1)));
      assertSame(fromFinal.get(0), next.get(0), 1e-6, "a call without states starts from the stored ones");
      // given states win over what is stored now
      assertSame(first.get(0), callAndStore(rt, gru, constant(tf, in), constant(tf, h)).get(0), 0, "given states win");
      gru.resetStates();
      List<FloatArray> fromZero = callAndStore(rt, gru, constant(tf, in));
      FloatArray zeros = new FloatArray(new float[10], new long[] {2, 5});
      assertSame(callAndStore(rt, gru, constant(tf, in), constant(tf, zeros)).get(0), fromZero.get(0), 0, "after resetStates");
    }
  }

  /** One call of a built layer in {@code rt}: returns its outputs, then runs its state updates. */
  private static List<FloatArray> callAndStore(ModelRuntime rt, Layer<?> layer, Operand<TFloat32>... inputs) {
    CallContext ctx = new CallContext(rt, rt.tf(), false);
    List<Operand<TFloat32>> out = layer.apply(ctx, List.of(inputs), Arrays.asList(new Operand[inputs.length]));
    Session.Runner r = rt.session().runner();
    out.forEach(r::fetch);
    List<FloatArray> values = new ArrayList<>();
    try (Result res = r.run()) {
      for (int i = 0; i < out.size(); i++) values.add(FloatArray.fromTensor((TFloat32) res.get(i)));
    }
    rt.runTargets(ctx.stateUpdates());
    return values;
  }

  // ----- gradients through initial states -----

  /**
   * Central finite differences of {@code sum(w * outputs)} in every entry of the sequence and the
   * initial states, against TensorFlow's graph gradient, for {@code layer} run in training
   * ({@code training}: the fused LSTM kernel where it applies) or inference. Fed and run with
   * MergeLayersTest's helpers.
   */
  private static void gradientCheck(Layer<?> layer, boolean training, FloatArray seq, FloatArray... states) {
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      List<FloatArray> inputs = new ArrayList<>();
      inputs.add(seq);
      inputs.addAll(List.of(states));
      List<long[]> shapes = new ArrayList<>();
      List<Placeholder<TFloat32>> ps = new ArrayList<>();
      for (FloatArray a : inputs) {
        shapes.add(a.shape());
        ps.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(a.shape()))));
      }
      layer.build(rt, shapes);
      List<Operand<TFloat32>> out = layer.apply(new CallContext(rt, tf, training), new ArrayList<>(ps),
          Arrays.asList(new Operand[ps.size()]));
      Operand<TFloat32> loss = null;
      for (Operand<TFloat32> o : out) {
        long[] s = o.shape().asArray();
        int[] axes = new int[s.length];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        Operand<TFloat32> term = tf.reduceSum(tf.math.mul(o, constant(tf, x(s))), tf.constant(axes));
        loss = loss == null ? term : tf.math.add(loss, term);
      }
      Output<?>[] wrt = new Output<?>[ps.size()];
      for (int i = 0; i < wrt.length; i++) wrt[i] = ps.get(i).asOutput();
      Output<?>[] grads = rt.graph().addGradients(loss.asOutput(), wrt);
      List<FloatArray> g = MergeLayersTest.runFed(rt, ps, inputs, Arrays.asList(grads));
      double eps = 1e-2;
      double largestState = 0;
      for (int i = 0; i < inputs.size(); i++) {
        for (int j = 0; j < inputs.get(i).data().length; j++) {
          double fd = (MergeLayersTest.lossAt(rt, ps, inputs, i, j, eps, loss) - MergeLayersTest.lossAt(rt, ps, inputs, i, j, -eps, loss))
              / (2 * eps);
          double gr = g.get(i).data()[j];
          double tol = 2e-3 + 2e-2 * Math.max(Math.abs(fd), Math.abs(gr));
          assertTrue(Math.abs(fd - gr) <= tol, layer + (training ? " (training)" : "") + " input " + i + "[" + j
              + "]: finite difference " + fd + " vs graph gradient " + gr);
          if (i > 0) largestState = Math.max(largestState, Math.abs(fd));
        }
      }
      assertTrue(largestState > 0.05, layer + ": state gradients too small to test: " + largestState);
    }
  }

  @Test
  void gradientThroughInitialStatesMatchesFiniteDifferences() {
    Keras.setRandomSeed(3);
    // the fused LSTM kernel (training, 6 steps) and the unrolled cell, with and without return_sequences
    gradientCheck(new LSTM(3).returnState(true), true, x(2, 6, 2), x(2, 3), x(2, 3));
    gradientCheck(new LSTM(3).returnSequences(true), true, x(2, 6, 2), x(2, 3), x(2, 3));
    gradientCheck(new LSTM(3).returnState(true).goBackwards(true), false, x(2, 4, 2), x(2, 3), x(2, 3));
    gradientCheck(new GRU(3).returnState(true).returnSequences(true), false, x(2, 4, 2), x(2, 3));
    gradientCheck(new SimpleRNN(3), false, x(2, 4, 2), x(2, 3));
    gradientCheck(new Bidirectional(new LSTM(2).returnState(true)), true, x(2, 6, 2), x(2, 2), x(2, 2), x(2, 2), x(2, 2));
  }

  @Test
  void trainingReachesTheLayersThatMakeTheInitialStates() {
    // SGD(1): one step moves each weight by minus its gradient; compare with finite differences of the
    // loss for the Dense layers that make the decoder's initial states (the fused LSTM in training).
    Keras.setRandomSeed(17);
    KerasTensor seq = Input.named("seq", 7, 2);
    KerasTensor s = Input.named("s", 3);
    KerasTensor h = new Dense(4).activation("tanh").name("make_h").apply(s);
    KerasTensor c = new Dense(4).name("make_c").apply(s);
    KerasTensor y = new Dense(2).name("out").apply(new LSTM(4).name("decoder").apply(seq, h, c));
    Random r = new Random(5);
    FloatArray xs = x(3, 7, 2);
    FloatArray ss = x(3, 3);
    float[] t = new float[6];
    for (int i = 0; i < t.length; i++) t[i] = (float) r.nextGaussian();
    FloatArray ys = new FloatArray(t, new long[] {3, 2});
    try (Functional m = Model.of(List.of(seq, s), List.of(y))) {
      m.compile(new SGD(1.0f), "mse");
      List<FloatArray> w0 = m.getWeights();
      m.trainOnBatch(List.of(xs, ss), ys);
      List<FloatArray> w1 = m.getWeights();
      m.setWeights(w0);
      int checked = 0;
      // the first four weights: make_h kernel, bias, make_c kernel, bias
      for (int wi = 0; wi < 4; wi++) {
        for (int j = 0; j < w0.get(wi).data().length; j++) {
          double g = w0.get(wi).data()[j] - w1.get(wi).data()[j];
          double fd = (lossWith(m, w0, wi, j, 1e-2, xs, ss, ys) - lossWith(m, w0, wi, j, -1e-2, xs, ss, ys)) / 2e-2;
          assertTrue(Math.abs(g - fd) <= 2e-3 + 2e-2 * Math.abs(fd), "weight " + wi + "[" + j + "]: step " + g + " vs " + fd);
          checked++;
        }
      }
      assertTrue(checked >= 30);
      assertEquals(List.of("seq", "s"), m.inputNames());
    }
  }

  private static double lossWith(Functional m, List<FloatArray> w0, int wi, int j, double delta, FloatArray xs, FloatArray ss,
      FloatArray ys) {
    List<FloatArray> w = new ArrayList<>(w0);
    float[] d = w0.get(wi).data().clone();
    d[j] += (float) delta;
    w.set(wi, new FloatArray(d, w0.get(wi).shape()));
    m.setWeights(w);
    double loss = m.evaluate(List.of(xs, ss), ys, 3).get("loss");
    m.setWeights(w0);
    return loss;
  }

  // ----- bad input -----

  @Test
  void aWrongNumberOfStatesIsRefusedNamingTheLayer() {
    KerasTensor x = Input.of(5, 3);
    KerasTensor h = Input.of(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LSTM(4).name("dec_lstm").apply(x, h));
    assertTrue(e.getMessage().contains("dec_lstm") && e.getMessage().contains("initial_state needs 2 tensors [h, c], got 1"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GRU(4).name("dec_gru").apply(x, h, h));
    assertTrue(e.getMessage().contains("dec_gru") && e.getMessage().contains("initial_state needs 1 tensor [h], got 2"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Bidirectional(new LSTM(4)).name("bi_states").apply(x, h, h));
    assertTrue(e.getMessage().contains("bi_states") && e.getMessage().contains("needs 4 tensors"), e.getMessage());
  }

  @Test
  void aWrongStateShapeIsRefusedNamingTheLayer() {
    KerasTensor x = Input.of(5, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LSTM(4).name("dec_lstm").apply(x, Input.of(4), Input.of(3)));
    assertTrue(e.getMessage().contains("dec_lstm") && e.getMessage().contains("initial_state[1] (c) must have shape (batch, 4)")
        && e.getMessage().contains("(None, 3)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SimpleRNN(4).name("dec_rnn").apply(x, Input.of(2, 4)));
    assertTrue(e.getMessage().contains("dec_rnn") && e.getMessage().contains("(None, 2, 4)"), e.getMessage());
    KerasTensor fixed = InputLayer.withBatchShape(2, 5, 3).output();
    e = assertThrows(IllegalArgumentException.class,
        () -> new GRU(4).name("dec_batch").apply(fixed, InputLayer.withBatchShape(3, 4).output()));
    assertTrue(e.getMessage().contains("dec_batch") && e.getMessage().contains("batch size 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Bidirectional(new GRU(4)).name("bi_shape").apply(x, Input.of(4), Input.of(5)));
    assertTrue(e.getMessage().contains("bi_shape") && e.getMessage().contains("initial_state[1] (backward h)"), e.getMessage());
    // and at run time, for states fed to a layer directly
    try (ModelRuntime rt = new ModelRuntime()) {
      LSTM l = new LSTM(4).name("run_lstm");
      l.build(rt, new long[] {-1, 5, 3});
      Ops tf = rt.tf();
      Operand<TFloat32> seq = tf.zeros(tf.constant(new long[] {2, 5, 3}), TFloat32.class);
      Operand<TFloat32> bad = tf.zeros(tf.constant(new long[] {2, 3}), TFloat32.class);
      e = assertThrows(IllegalArgumentException.class,
          () -> l.apply(new CallContext(rt, tf, false), List.of(seq, bad, bad), Arrays.asList(null, null, null)));
      assertTrue(e.getMessage().contains("run_lstm"), e.getMessage());
    }
  }

  @Test
  void sequentialStillRefusesSeveralOutputs() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sequential(new LSTM(3).returnState(true).inputShape(2, 1)));
    assertTrue(e.getMessage().contains("return_state"), e.getMessage());
  }
}
