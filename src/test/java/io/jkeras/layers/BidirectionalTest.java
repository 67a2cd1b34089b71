package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jkeras.Keras;
import io.jkeras.activations.Activations;
import io.jkeras.backend.Weight;
import io.jkeras.callbacks.History;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BidirectionalTest {
  private static final String FIXTURE = "keras2-dl4j-embedding-bidirectional-lstm-h5/";

  // ----- construction, names, config -----

  @Test
  void makesForwardAndBackwardCopiesWithFlippedGoBackwards() {
    GRU gru = new GRU(3).name("enc").returnSequences(true);
    Bidirectional bi = new Bidirectional(gru);
    assertEquals("forward_enc", bi.forwardLayer().name());
    assertEquals("backward_enc", bi.backwardLayer().name());
    assertFalse(bi.forwardLayer().goBackwards());
    assertTrue(bi.backwardLayer().goBackwards());
    assertTrue(bi.forwardLayer() != gru && bi.backwardLayer() != gru);
    assertTrue(bi.forwardLayer() instanceof GRU && bi.backwardLayer() instanceof GRU);
    assertEquals("concat", bi.mergeMode());
    // Keras forces zero outputs at masked steps when returning sequences.
    assertTrue(bi.forwardLayer().zeroOutputForMask());
    assertTrue(bi.backwardLayer().zeroOutputForMask());
    // A wrapped layer that already goes backwards: the copies swap directions.
    Bidirectional flipped = new Bidirectional(new LSTM(2).name("forward_x").goBackwards(true));
    assertEquals("forward_x", flipped.forwardLayer().name());
    assertEquals("backward_forward_x", flipped.backwardLayer().name());
    assertTrue(flipped.forwardLayer().goBackwards());
    assertFalse(flipped.backwardLayer().goBackwards());
    assertFalse(flipped.forwardLayer().zeroOutputForMask());
  }

  @Test
  void copiesKeepEveryArgumentOfTheWrappedLayer() {
    GRU gru = new GRU(5).name("g").resetAfter(false).recurrentActivation("hard_sigmoid").activation("relu")
        .useBias(false).dropout(0.25).recurrentDropout(0.5).seed(3).returnSequences(true);
    Bidirectional bi = new Bidirectional(gru, "sum");
    Map<String, Object> original = gru.getConfig();
    for (RNN<?> copy : List.of(bi.forwardLayer(), bi.backwardLayer())) {
      Map<String, Object> c = copy.getConfig();
      for (String k : original.keySet()) {
        if (k.equals("name") || k.equals("go_backwards") || k.equals("zero_output_for_mask")) continue;
        assertEquals(original.get(k), c.get(k), "config key " + k + " of " + copy.name());
      }
    }
    LSTM lstm = new LSTM(4).unitForgetBias(false).recurrentActivation(Activations.get("hard_sigmoid", 2));
    LSTM copy = (LSTM) new Bidirectional(lstm).forwardLayer();
    assertTrue(Activations.isKeras2HardSigmoid(copy.recurrentActivation()));
    assertEquals(false, copy.getConfig().get("unit_forget_bias"));
  }

  @Test
  void configFollowsKeras3() {
    Bidirectional bi = new Bidirectional(new SimpleRNN(2).name("s"), "ave").name("bi");
    Map<String, Object> c = bi.getConfig();
    assertEquals("bi", c.get("name"));
    assertEquals("ave", c.get("merge_mode"));
    Map<?, ?> layer = (Map<?, ?>) c.get("layer");
    Map<?, ?> backward = (Map<?, ?>) c.get("backward_layer");
    assertEquals("SimpleRNN", layer.get("class_name"));
    assertEquals("forward_s", ((Map<?, ?>) layer.get("config")).get("name"));
    assertEquals("backward_s", ((Map<?, ?>) backward.get("config")).get("name"));
    assertEquals(false, ((Map<?, ?>) layer.get("config")).get("go_backwards"));
    assertEquals(true, ((Map<?, ?>) backward.get("config")).get("go_backwards"));
    assertNull(new Bidirectional(new GRU(1), null).getConfig().get("merge_mode"));
    assertNull(new Bidirectional(new GRU(1), "none").mergeMode());
  }

  @Test
  void invalidArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new GRU(2), "max"));
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(null));
    // backward_layer must go the other way and agree on stateful / return_sequences / return_state.
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new GRU(2), "concat", new GRU(2)));
    assertThrows(IllegalArgumentException.class,
        () -> new Bidirectional(new GRU(2).returnSequences(true), "concat", new GRU(2).goBackwards(true)));
    assertThrows(IllegalArgumentException.class,
        () -> new Bidirectional(new GRU(2), "sum", new GRU(3).goBackwards(true)));
  }

  @Test
  void mergeModeNoneOrReturnStateInASequentialIsAClearError() {
    for (Bidirectional bi : List.of(new Bidirectional(new GRU(2), null).name("two_outputs"),
        new Bidirectional(new GRU(2).returnState(true)).name("two_outputs"))) {
      try (Sequential m = new Sequential(bi.inputShape(3, 2))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[1][3][2]));
        assertTrue(e.getMessage().contains("two_outputs"), e.getMessage());
        assertTrue(e.getMessage().contains("Sequential"), e.getMessage());
      }
    }
  }

  @Test
  void badInputShapesAreRefusedInJavaNamingTheLayer() {
    for (long[] shape : new long[][] {{-1, 4}, {-1, 4, -1}, {-1, 2, 3, 4}}) {
      try (Sequential m = new Sequential(new Bidirectional(new LSTM(2)).name("bi_shape"))) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.build(shape));
        assertTrue(e.getMessage().contains("bi_shape"), e.getMessage());
      }
    }
    try (Sequential m = new Sequential(new Bidirectional(new GRU(2).stateful(true)).name("bi_stateful"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.build(-1, 3, 2));
      assertTrue(e.getMessage().contains("bi_stateful"), e.getMessage());
    }
  }

  // ----- shapes and parameters -----

  @ParameterizedTest(name = "merge_mode={0}, return_sequences={1}")
  @CsvSource({"concat,true", "concat,false", "sum,true", "sum,false", "mul,true", "mul,false", "ave,true",
      "ave,false"})
  void shapesAndParameterCountsAreTwiceTheInnerLayer(String mode, boolean returnSequences) {
    int in = 3;
    int units = 4;
    List<Supplier<RNN<?>>> inners = List.of(() -> new GRU(units), () -> new GRU(units).resetAfter(false),
        () -> new LSTM(units), () -> new SimpleRNN(units));
    long[] innerParams = {3L * (units * (in + units)) + 6L * units, 3L * (units * (in + units) + units),
        4L * (units * (in + units) + units), (long) units * (in + units) + units};
    for (int i = 0; i < inners.size(); i++) {
      RNN<?> inner = inners.get(i).get().returnSequences(returnSequences);
      Bidirectional bi = new Bidirectional(inner, mode);
      try (Sequential m = new Sequential(bi)) {
        m.build(-1, 5, in);
        assertEquals(2 * innerParams[i], bi.countParams(), inner.className());
        assertEquals(2 * innerParams[i], m.countParams());
        assertEquals(6, bi.weights().size());
        assertTrue(m.summaryString().contains(String.format("%,d", 2 * innerParams[i])));
        long last = mode.equals("concat") ? 2L * units : units;
        long[] expected = returnSequences ? new long[] {-1, 5, last} : new long[] {-1, last};
        assertArrayEquals(expected, bi.computeOutputShape(new long[] {-1, 5, in}));
        expected[0] = 2;
        assertArrayEquals(expected, m.predict(new float[2][5][in]).shape());
      }
    }
  }

  @Test
  void weightsAreForwardThenBackwardAndHonourTrainable() {
    Bidirectional bi = new Bidirectional(new GRU(3).returnSequences(true), "concat",
        new GRU(5).goBackwards(true).returnSequences(true).activation("relu"));
    try (Sequential m = new Sequential(bi)) {
      m.build(-1, 4, 2);
      List<Weight> w = bi.weights();
      assertEquals(6, w.size());
      assertArrayEquals(new long[] {2, 9}, w.get(0).shape());
      assertArrayEquals(new long[] {2, 15}, w.get(3).shape());
      assertTrue(w.get(0).path().startsWith(bi.forwardLayer().name() + "/"));
      assertTrue(w.get(3).path().startsWith(bi.backwardLayer().name() + "/"));
      assertArrayEquals(new long[] {1, 4, 8}, m.predict(new float[1][4][2]).shape());
    }
    Bidirectional frozen = new Bidirectional(new SimpleRNN(2).trainable(false));
    Bidirectional frozenWrapper = new Bidirectional(new SimpleRNN(2)).trainable(false);
    try (Sequential m = new Sequential(frozen); Sequential m2 = new Sequential(frozenWrapper)) {
      m.build(-1, 3, 1);
      m2.build(-1, 3, 1);
      assertEquals(0, frozen.trainableWeights().size());
      assertEquals(6, frozen.nonTrainableWeights().size());
      assertEquals(0, frozenWrapper.trainableWeights().size());
      assertEquals(6, frozenWrapper.weights().size());
    }
  }

  // ----- values -----

  /** One direction alone: a model holding just {@code layer} (after Masking(0) when masked). */
  private static FloatArray direction(RNN<?> layer, List<FloatArray> weights, FloatArray x, boolean masked) {
    long[] s = x.shape();
    try (Sequential m = masked ? new Sequential(new Masking(0.0), layer) : new Sequential(layer)) {
      m.build(-1, s[1], s[2]);
      layer.setWeights(weights);
      return m.predict(x);
    }
  }

  private static FloatArray reverseTime(FloatArray a) {
    long[] s = a.shape();
    int t = (int) s[1];
    int u = (int) s[2];
    float[] d = a.data();
    float[] r = new float[d.length];
    for (int b = 0; b < s[0]; b++) {
      for (int i = 0; i < t; i++) System.arraycopy(d, (b * t + i) * u, r, (b * t + (t - 1 - i)) * u, u);
    }
    return new FloatArray(r, s);
  }

  private static FloatArray merge(String mode, FloatArray f, FloatArray b) {
    float[] x = f.data();
    float[] y = b.data();
    long[] s = f.shape();
    if (mode.equals("concat")) {
      int u = (int) s[s.length - 1];
      int rows = x.length / u;
      float[] r = new float[2 * x.length];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(x, i * u, r, 2 * i * u, u);
        System.arraycopy(y, i * u, r, 2 * i * u + u, u);
      }
      long[] out = s.clone();
      out[out.length - 1] = 2L * u;
      return new FloatArray(r, out);
    }
    float[] r = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      switch (mode) {
        case "sum": r[i] = x[i] + y[i]; break;
        case "mul": r[i] = x[i] * y[i]; break;
        case "ave": r[i] = (x[i] + y[i]) / 2; break;
        default: throw new IllegalArgumentException(mode);
      }
    }
    return new FloatArray(r, s);
  }

  private static final boolean[][] MASK = {
      {true, true, true, true, false, false}, {false, false, true, true, true, true}, {true, false, true, true, true, false}};

  @ParameterizedTest(name = "{0}, merge_mode={1}, return_sequences={2}, masked={3}")
  @CsvSource({
      "GRU,concat,true,true", "GRU,concat,false,true", "GRU,sum,true,true", "GRU,sum,false,false",
      "GRU,mul,true,true", "GRU,mul,false,true", "GRU,ave,true,false", "GRU,ave,false,true",
      "LSTM,concat,true,true", "LSTM,ave,false,true", "SimpleRNN,mul,true,true", "SimpleRNN,concat,false,false"})
  void mergeMatchesTheTwoDirectionsComputedAlone(String kind, String mode, boolean returnSequences, boolean masked) {
    Keras.setRandomSeed(31);
    Random rnd = new Random(31);
    int units = 4;
    FloatArray x = RnnReference.random(rnd, 1.0, 3, 6, 3);
    if (masked) x = RnnReference.applyMask(x, MASK);
    Supplier<RNN<?>> make = () -> {
      switch (kind) {
        case "GRU": return new GRU(units);
        case "LSTM": return new LSTM(units);
        default: return new SimpleRNN(units);
      }
    };
    Bidirectional bi = new Bidirectional(make.get().returnSequences(returnSequences), mode);
    FloatArray actual;
    List<FloatArray> weights;
    try (Sequential m = masked ? new Sequential(new Masking(0.0), bi) : new Sequential(bi)) {
      m.build(-1, 6, 3);
      weights = bi.getWeights();
      // Random biases too, so that nothing hides behind zero initial biases.
      weights.set(2, RnnReference.random(rnd, 0.5, weights.get(2).shape()));
      weights.set(5, RnnReference.random(rnd, 0.5, weights.get(5).shape()));
      bi.setWeights(weights);
      actual = m.predict(x);
    }
    // Keras's semantics built from the inner layers themselves: zero outputs at masked steps when
    // returning sequences, the backward sequence flipped back to input order.
    FloatArray f = direction(make.get().returnSequences(returnSequences).zeroOutputForMask(returnSequences),
        weights.subList(0, 3), x, masked);
    FloatArray b = direction(make.get().returnSequences(returnSequences).zeroOutputForMask(returnSequences)
        .goBackwards(true), weights.subList(3, 6), x, masked);
    if (returnSequences) b = reverseTime(b);
    double err = Fixtures.assertClose(merge(mode, f, b), actual, 1e-6, 0);
    assertTrue(err < 1e-6);
  }

  @Test
  void maskIsCarriedToTheNextLayer() {
    // Padded steps must change nothing: the padded batch equals the unpadded sequences, which
    // holds only if the Bidirectional layer passes the mask on to the next recurrent layer.
    Keras.setRandomSeed(41);
    Random rnd = new Random(41);
    FloatArray core = RnnReference.random(rnd, 1.0, 2, 4, 3);
    float[] padded = new float[2 * 7 * 3];
    System.arraycopy(core.data(), 0, padded, 0, 12); // sample 0: post-padded
    System.arraycopy(core.data(), 12, padded, 21 + 9, 12); // sample 1: pre-padded
    FloatArray xPadded = new FloatArray(padded, 2, 7, 3);
    List<Supplier<Sequential>> models = List.of(
        () -> new Sequential(new Masking(0.0), new Bidirectional(new GRU(4).returnSequences(true)), new SimpleRNN(3)),
        () -> new Sequential(new Masking(0.0), new Bidirectional(new LSTM(4).returnSequences(true), "sum"),
            new Bidirectional(new GRU(2), "ave")),
        () -> new Sequential(new Masking(0.0), new Bidirectional(new SimpleRNN(3), "mul")));
    for (Supplier<Sequential> s : models) {
      try (Sequential m = s.get()) {
        m.build(-1, -1, 3);
        // Non-zero biases make any processing of a padded step visible.
        for (Layer<?> l : m.layers()) {
          List<FloatArray> w = l.getWeights();
          for (int i = 0; i < w.size(); i++) {
            if (l.weights().get(i).name().equals("bias")) w.set(i, RnnReference.random(rnd, 0.5, w.get(i).shape()));
          }
          l.setWeights(w);
        }
        FloatArray unpadded = m.predict(core);
        FloatArray withPadding = m.predict(xPadded);
        Fixtures.assertClose(unpadded, withPadding, 1e-6, 0);
      }
    }
  }

  @Test
  void statefulCopiesKeepTheirStatesAcrossBatches() {
    Random rnd = new Random(51);
    FloatArray x = RnnReference.random(rnd, 1.0, 2, 3, 2);
    Bidirectional bi = new Bidirectional(new GRU(3).stateful(true)).batchInputShape(2, 3, 2);
    assertTrue(bi.isStateful());
    try (Sequential m = new Sequential(bi)) {
      m.build(2, 3, 2);
      List<FloatArray> w = bi.getWeights();
      FloatArray first = m.predict(x, 2);
      FloatArray second = m.predict(x, 2);
      assertNotEquals(first.get(0, 0), second.get(0, 0), 1e-6f);
      // The forward half of the second call continues the first: the whole sequence x, x at once.
      float[] twice = new float[2 * 6 * 2];
      for (int b = 0; b < 2; b++) {
        System.arraycopy(x.data(), b * 6, twice, b * 12, 6);
        System.arraycopy(x.data(), b * 6, twice, b * 12 + 6, 6);
      }
      FloatArray whole = direction(new GRU(3), w.subList(0, 3), new FloatArray(twice, 2, 6, 2), false);
      for (int b = 0; b < 2; b++) {
        for (int j = 0; j < 3; j++) assertEquals(whole.get(b, j), second.get(b, j), 1e-6f);
      }
      m.resetStates();
      Fixtures.assertClose(first, m.predict(x, 2), 1e-6, 0);
    }
  }

  // ----- against Keras -----

  @Test
  void matchesKerasBidirectionalLstmFixture() throws Exception {
    Path h5 = Fixtures.path(FIXTURE + "bidirectional_lstm_tensorflow_2.h5");
    FloatArray x = Fixtures.npy(FIXTURE + "derived/bidirectional_lstm_tensorflow_2_input.npy");
    FloatArray expected = Fixtures.npy(FIXTURE + "derived/bidirectional_lstm_tensorflow_2_expected.npy");
    // The architecture, as the file's model_config states it.
    JsonNode layer;
    try (HdfFile f = new HdfFile(h5)) {
      JsonNode config = new ObjectMapper().readTree((String) f.getAttribute("model_config").getData());
      layer = config.get("config").get(0);
    }
    assertEquals("Bidirectional", layer.get("class_name").asText());
    JsonNode bc = layer.get("config");
    JsonNode inner = bc.get("layer");
    JsonNode ic = inner.get("config");
    assertEquals("LSTM", inner.get("class_name").asText());
    assertEquals("hard_sigmoid", ic.get("recurrent_activation").asText());
    assertEquals("tanh", ic.get("activation").asText());
    LSTM lstm = new LSTM(ic.get("units").asInt()).name(ic.get("name").asText())
        .returnSequences(ic.get("return_sequences").asBoolean())
        .recurrentActivation(Activations.get("hard_sigmoid", 2)); // Keras 2.1.3
    Bidirectional bi = new Bidirectional(lstm, bc.get("merge_mode").asText()).name(bc.get("name").asText());
    JsonNode shape = bc.get("batch_input_shape");
    bi.inputShape(shape.get(1).asLong(), shape.get(2).asLong());
    try (Sequential m = new Sequential(bi)) {
      m.build(-1, shape.get(1).asLong(), shape.get(2).asLong());
      // Keras 2 stores them as bidirectional_1/{forward_lstm_1,backward_lstm_1}/{kernel,recurrent_kernel,bias}:
      // jkeras's copies carry the same names, so every weight is found by its own path.
      List<FloatArray> values = new ArrayList<>();
      for (Weight w : bi.weights()) {
        values.add(Fixtures.h5(h5, "/model_weights/" + bi.name() + "/" + bi.name() + "/" + w.path() + ":0"));
      }
      bi.setWeights(values);
      FloatArray y = m.predict(x);
      assertArrayEquals(new long[] {2, 4, 20}, y.shape());
      double err = Fixtures.assertClose(expected, y, 1e-4, 1e-4);
      System.out.printf("Bidirectional(LSTM) fixture: max abs error vs derived expected output %.2e%n", err);
    }
  }

  // ----- training -----

  @Test
  void trainingReducesLoss() {
    Keras.setRandomSeed(61);
    Random rnd = new Random(61);
    int n = 64;
    FloatArray x = RnnReference.random(rnd, 1.0, n, 5, 2);
    float[] y = new float[n];
    // Needs both ends of the sequence.
    for (int i = 0; i < n; i++) y[i] = 0.5f * (x.get(i, 0, 0) - x.get(i, 4, 1));
    try (Sequential model = new Sequential(new Masking(0.0).inputShape(5, 2),
        new Bidirectional(new LSTM(4).returnSequences(true)), new Bidirectional(new GRU(4), "ave"), new Dense(1))) {
      model.compile(new Adam(0.02f), "mse");
      History h = model.fit(x, new FloatArray(y, n, 1), new FitOptions().epochs(15).batchSize(16).verbose(0));
      double first = h.get("loss").get(0);
      double last = h.last("loss");
      assertTrue(last < 0.5 * first, "loss went from " + first + " to " + last);
    }
  }

  @Test
  void trainingWithSimpleRnnAndDropout() {
    Keras.setRandomSeed(62);
    Random rnd = new Random(62);
    FloatArray x = RnnReference.random(rnd, 1.0, 32, 4, 2);
    float[] y = new float[32];
    for (int i = 0; i < 32; i++) y[i] = x.get(i, 0, 0) + x.get(i, 3, 0);
    try (Sequential model = new Sequential(
        new Bidirectional(new SimpleRNN(6).dropout(0.1).recurrentDropout(0.1), "sum").inputShape(4, 2), new Dense(1))) {
      model.compile(new Adam(0.02f), "mse");
      History h = model.fit(x, new FloatArray(y, 32, 1), new FitOptions().epochs(20).batchSize(8).verbose(0));
      assertTrue(h.last("loss") < 0.5 * h.get("loss").get(0), h.get("loss").toString());
    }
  }
}
