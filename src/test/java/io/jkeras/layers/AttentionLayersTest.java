package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.optimizers.Adam;
import io.jkeras.optimizers.SGD;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.testing.GradientCheck;
import io.jkeras.testing.KerasCheck;
import io.jkeras.testing.KerasPython;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The attention layers built in Java: models trained a few steps in jkeras predict the same in
 * real Keras 3.15 from every file jkeras writes ({@link KerasCheck}); their gradients match finite
 * differences ({@link GradientCheck}); configs round-trip; bad calls are refused before TensorFlow
 * sees them, naming the layer.
 */
class AttentionLayersTest {
  static float[][][] seq(int n, int t, int d, int seed) {
    Random r = new Random(seed);
    float[][][] x = new float[n][t][d];
    for (float[][] a : x) for (float[] b : a) for (int k = 0; k < d; k++) b[k] = (float) r.nextGaussian();
    return x;
  }

  /** Token ids 1..vocab-1, each row padded with zeros after a random length (at least 1). */
  static float[][] tokens(int n, int t, int vocab, int seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][t];
    for (float[] row : x) {
      int len = 1 + r.nextInt(t);
      for (int k = 0; k < len; k++) row[k] = 1 + r.nextInt(vocab - 1);
    }
    return x;
  }

  private static KerasTensor tokenInput(String name, int t) {
    return new InputLayer(t).name(name).dtype("int32").output();
  }

  /** A model, its named inputs, and targets to train it a little on (so weights are not fresh). */
  record Case(String name, Supplier<Functional> model, Map<String, Object> x, Object y) {}

  static List<Case> cases() {
    List<Case> r = new ArrayList<>();
    r.add(new Case("mha_self_lstm", () -> {
      KerasTensor s = Input.named("seq", 5, 3);
      KerasTensor h = new LSTM(6).returnSequences(true).apply(s);
      KerasTensor a = new MultiHeadAttention(2, 4).apply(h, h);
      return Model.of(s, new LSTM(3).name("out").apply(a));
    }, Map.of("seq", seq(16, 5, 3, 1)), seq(1, 16, 3, 2)[0]));
    r.add(new Case("mha_cross_key_causal", () -> {
      KerasTensor q = Input.named("q", 4, 3);
      KerasTensor v = Input.named("v", 6, 5);
      KerasTensor k = Input.named("k", 6, 2);
      MultiHeadAttention mha = new MultiHeadAttention(2, 3).valueDim(4).useBias(false).outputShape(4);
      KerasTensor a = mha.on(q, v).key(k).useCausalMask(true).apply();
      return Model.of(List.of(q, v, k), List.of(new Dense(2).name("out").apply(a)));
    }, Map.of("q", seq(16, 4, 3, 3), "v", seq(16, 6, 5, 4), "k", seq(16, 6, 2, 5)), seq(16, 4, 2, 6)));
    r.add(new Case("mha_tokens_masked_residual", () -> {
      KerasTensor tok = tokenInput("tokens", 6);
      KerasTensor e = new Embedding(10, 4).maskZero(true).apply(tok);
      KerasTensor a = new MultiHeadAttention(2, 3).dropout(0.1).apply(e, e);
      KerasTensor h = new LSTM(3).apply(new Add().apply(e, a));
      return Model.of(tok, new Dense(2).name("out").apply(h));
    }, Map.of("tokens", tokens(16, 6, 10, 7)), seq(1, 16, 2, 8)[0]));
    r.add(new Case("mha_attention_mask_output_2d", () -> {
      KerasTensor q = Input.named("q", 4, 3);
      KerasTensor v = Input.named("v", 6, 3);
      KerasTensor m = Input.named("attn_mask", 4, 6);
      KerasTensor a = new MultiHeadAttention(2, 2).outputShape(2, 3).on(q, v).attentionMask(m).apply();
      return Model.of(List.of(q, v, m), List.of(new Dense(2).name("out").apply(new Flatten().apply(a))));
    }, Map.of("q", seq(16, 4, 3, 9), "v", seq(16, 6, 3, 10), "attn_mask", attentionMask(16, 4, 6, 11)), seq(1, 16, 2, 12)[0]));
    r.add(new Case("attention_concat_causal_masked", () -> {
      KerasTensor tok = tokenInput("tokens", 6);
      KerasTensor e = new Embedding(10, 4).maskZero(true).apply(tok);
      KerasTensor a = new Attention().useScale(true).scoreMode("concat").on(e, e).useCausalMask(true).apply();
      return Model.of(tok, new LSTM(3).name("out").apply(a));
    }, Map.of("tokens", tokens(16, 6, 10, 13)), seq(1, 16, 3, 14)[0]));
    r.add(new Case("attention_dot_scale_key", () -> {
      KerasTensor q = Input.named("q", 4, 3);
      KerasTensor v = Input.named("v", 6, 5);
      KerasTensor k = Input.named("k", 6, 3);
      KerasTensor a = new Attention().useScale(true).apply(q, v, k);
      return Model.of(List.of(q, v, k), List.of(new Dense(2).name("out").apply(a)));
    }, Map.of("q", seq(16, 4, 3, 15), "v", seq(16, 6, 5, 16), "k", seq(16, 6, 3, 17)), seq(16, 4, 2, 18)));
    r.add(new Case("additive_attention_masked", () -> {
      KerasTensor qt = tokenInput("q_tokens", 5);
      KerasTensor vt = tokenInput("v_tokens", 7);
      KerasTensor q = new Embedding(10, 4).maskZero(true).apply(qt);
      KerasTensor v = new Embedding(10, 4).maskZero(true).apply(vt);
      KerasTensor a = new AdditiveAttention().apply(q, v);
      return Model.of(List.of(qt, vt), List.of(new LSTM(2).name("out").apply(a)));
    }, Map.of("q_tokens", tokens(16, 5, 10, 19), "v_tokens", tokens(16, 7, 10, 20)), seq(1, 16, 2, 21)[0]));
    return r;
  }

  static float[][][] attentionMask(int n, int t, int s, int seed) {
    Random r = new Random(seed);
    float[][][] m = new float[n][t][s];
    for (float[][] a : m) {
      for (float[] b : a) {
        for (int k = 0; k < s; k++) b[k] = k == 0 || r.nextDouble() > 0.3 ? 1 : 0;
      }
    }
    return m;
  }

  @TestFactory
  List<DynamicTest> jkerasAttentionModelsPredictInKeras() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) tests.add(DynamicTest.dynamicTest(c.name, () -> predictsInKeras(c)));
    return tests;
  }

  private static void predictsInKeras(Case c) throws Exception {
    KerasPython.python(); // skips here when there is no Python with Keras
    Keras.clearSession();
    Keras.setRandomSeed(42);
    try (Functional m = c.model.get()) {
      m.compile(new Adam(0.01f), "mse");
      List<FloatArray> before = m.getWeights();
      m.fit(c.x, c.y, new FitOptions().epochs(3).batchSize(8).verbose(0));
      assertTrue(changed(before, m.getWeights()), c.name + ": training changed no weight");
      Map<String, FloatArray> inputs = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : c.x.entrySet()) inputs.put(e.getKey(), FloatArray.of(e.getValue()));
      KerasCheck.predictsInKeras(m, inputs, "attention-j2p", c.name);
    }
  }

  private static boolean changed(List<FloatArray> a, List<FloatArray> b) {
    for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i).data(), b.get(i).data())) return true;
    return false;
  }

  // ----- gradients -----

  private static void gradientCheck(Functional m, Object x, Object y, int minChecked) {
    try (m) {
      m.compile(new SGD(1.0f), "mse");
      int n = GradientCheck.checkAgainstFiniteDifferences(m, x, y, 2);
      assertTrue(n >= minChecked, "only " + n + " weights checked");
    }
  }

  @Test
  void multiHeadAttentionGradientsMatchFiniteDifferences() {
    Keras.clearSession();
    Keras.setRandomSeed(3);
    KerasTensor tok = tokenInput("tokens", 5);
    KerasTensor e = new Embedding(8, 4).maskZero(true).apply(tok);
    KerasTensor v = Input.named("v", 6, 3);
    MultiHeadAttention self = new MultiHeadAttention(2, 3);
    KerasTensor s = self.on(e, e).useCausalMask(true).apply();
    KerasTensor c = new MultiHeadAttention(2, 2).valueDim(3).outputShape(3).apply(s, v);
    Functional m = Model.of(List.of(tok, v), List.of(new Dense(2).activation("tanh").apply(c)));
    float[][] t = {{1, 2, 3, 0, 0}, {4, 5, 6, 7, 1}, {2, 0, 0, 0, 0}};
    Map<String, Object> x = Map.of("tokens", t, "v", seq(3, 6, 3, 4));
    gradientCheck(m, x, seq(3, 5, 2, 5), 60);
  }

  @Test
  void attentionGradientsMatchFiniteDifferences() {
    for (String mode : List.of("dot", "concat")) {
      Keras.clearSession();
      Keras.setRandomSeed(5);
      KerasTensor q = Input.named("q", 4, 3);
      KerasTensor v = Input.named("v", 5, 3);
      KerasTensor hq = new Dense(3).apply(q); // weights before the layer carry its gradient to the check
      KerasTensor hv = new Dense(3).apply(v);
      KerasTensor a = new Attention().useScale(true).scoreMode(mode).on(hq, hv).useCausalMask(true).apply();
      Functional m = Model.of(List.of(q, v), List.of(new Dense(2).activation("tanh").apply(a)));
      gradientCheck(m, Map.of("q", seq(3, 4, 3, 6), "v", seq(3, 5, 3, 7)), seq(3, 4, 2, 8), 15);
    }
  }

  @Test
  void additiveAttentionGradientsMatchFiniteDifferences() {
    Keras.clearSession();
    Keras.setRandomSeed(7);
    KerasTensor qt = tokenInput("q_tokens", 4);
    KerasTensor vt = tokenInput("v_tokens", 5);
    KerasTensor q = new Embedding(8, 3).maskZero(true).apply(qt);
    KerasTensor v = new Embedding(8, 3).maskZero(true).apply(vt);
    KerasTensor a = new AdditiveAttention().apply(q, v);
    Functional m = Model.of(List.of(qt, vt), List.of(new Dense(2).activation("tanh").apply(a)));
    Map<String, Object> x = Map.of("q_tokens", new float[][] {{1, 2, 0, 0}, {3, 4, 5, 6}, {7, 1, 2, 0}},
        "v_tokens", new float[][] {{1, 2, 3, 0, 0}, {4, 0, 0, 0, 0}, {5, 6, 7, 1, 2}});
    gradientCheck(m, x, seq(3, 4, 2, 9), 20);
  }

  // ----- structure, config and errors -----

  @Test
  void multiHeadAttentionWeightsAndConfigAsKeras() {
    Keras.clearSession();
    KerasTensor q = Input.named("q", 4, 3);
    KerasTensor v = Input.named("v", 6, 5);
    MultiHeadAttention mha = new MultiHeadAttention(2, 3).valueDim(4).outputShape(7).name("mha");
    KerasTensor a = mha.on(q, v).useCausalMask(true).apply();
    assertArrayEquals(new long[] {-1, 4, 7}, a.shape());
    try (Functional m = Model.of(List.of(q, v), List.of(a))) {
      List<String> paths = new ArrayList<>();
      for (var w : m.weights()) paths.add(w.path() + java.util.Arrays.toString(w.shape()));
      assertEquals(List.of("mha/query/kernel[3, 2, 3]", "mha/query/bias[2, 3]", "mha/key/kernel[5, 2, 3]", "mha/key/bias[2, 3]",
          "mha/value/kernel[5, 2, 4]", "mha/value/bias[2, 4]", "mha/attention_output/kernel[2, 4, 7]",
          "mha/attention_output/bias[7]"), paths);
      assertEquals(3 * 6 + 6 + 5 * 6 + 6 + 5 * 8 + 8 + 8 * 7 + 7, m.countParams());
      String json = KerasJson.write(m);
      assertTrue(json.contains("\"use_causal_mask\":true") || json.contains("\"use_causal_mask\" : true"), json);
      try (Model back = KerasJson.readModel(json)) {
        assertEquals(KerasJson.write(m), KerasJson.write(back));
      }
    }
  }

  @Test
  void badCallsAreRefusedNamingTheLayer() {
    Keras.clearSession();
    KerasTensor q = Input.named("q", 4, 3);
    KerasTensor v = Input.named("v", 6, 5);
    KerasTensor k = Input.named("k", 5, 5);
    KerasTensor flat = Input.named("flat", 3);
    var e1 = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(2, 3).name("m1").apply(q, v, k));
    assertTrue(e1.getMessage().contains("m1") && e1.getMessage().contains("value and key"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(2, 3).name("m2").apply(q));
    assertTrue(e2.getMessage().contains("m2"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(2, 3).name("m3").apply(flat, flat));
    assertTrue(e3.getMessage().contains("m3") && e3.getMessage().contains("rank 3"), e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class, () -> new Attention().name("a1").apply(q, v));
    assertTrue(e4.getMessage().contains("a1") && e4.getMessage().contains("same number of features"), e4.getMessage());
    var e5 = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(2, 3).attentionAxes(2));
    assertTrue(e5.getMessage().contains("attention_axes"), e5.getMessage());
    var e6 = assertThrows(IllegalArgumentException.class,
        () -> new MultiHeadAttention(2, 3).name("m4").on(q, v).attentionMask(Input.named("bad_mask", 4, 5)).apply());
    assertTrue(e6.getMessage().contains("m4") && e6.getMessage().contains("attention_mask"), e6.getMessage());
    MultiHeadAttention shared = new MultiHeadAttention(2, 3).name("m5");
    shared.apply(q, v);
    var e7 = assertThrows(IllegalArgumentException.class, () -> shared.on(q, v).useCausalMask(true).apply());
    assertTrue(e7.getMessage().contains("m5") && e7.getMessage().contains("same way"), e7.getMessage());
  }
}
