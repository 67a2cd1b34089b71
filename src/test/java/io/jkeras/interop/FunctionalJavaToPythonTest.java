package io.jkeras.interop;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Add;
import io.jkeras.layers.Average;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dot;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.Input;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.Maximum;
import io.jkeras.layers.Minimum;
import io.jkeras.layers.Multiply;
import io.jkeras.layers.Subtract;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.NestedModel;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.testing.KerasCheck;
import io.jkeras.testing.KerasPython;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Java -> Python for Functional models: models built and trained in jkeras, saved as
 * {@code .keras}, {@code .weights.h5} + {@code to_json()} and exported SavedModels, are opened by
 * real Keras 3.15 ({@link KerasCheck}), which predicts the same named inputs within
 * {@link KerasCheck#TOLERANCE} of jkeras.
 */
class FunctionalJavaToPythonTest {
  private static float[][][] seq(int n, int t, int d, int seed) {
    Random r = new Random(seed);
    float[][][] x = new float[n][t][d];
    for (float[][] a : x) for (float[] b : a) for (int k = 0; k < d; k++) b[k] = (float) r.nextGaussian();
    return x;
  }

  private static float[][] rows(int n, int d, int seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (float[] a : x) for (int k = 0; k < d; k++) a[k] = (float) r.nextGaussian();
    return x;
  }

  /** A model, its named inputs, and targets to train it a little on (so weights are not fresh). */
  record Case(String name, Supplier<Functional> model, Map<String, Object> x, List<Object> y) {}

  static List<Case> cases() {
    List<Case> r = new ArrayList<>();
    r.add(new Case("two_inputs_concat", () -> {
      KerasTensor s = Input.named("series", 4, 3);
      KerasTensor f = Input.named("features", 2);
      KerasTensor h = new LSTM(5).apply(s);
      KerasTensor g = new Dense(3).activation("relu").apply(f);
      KerasTensor out = new Dense(2).activation("softmax").name("out").apply(new Concatenate().apply(h, g));
      return Model.of(List.of(s, f), List.of(out));
    }, Map.of("series", seq(16, 4, 3, 1), "features", rows(16, 2, 2)), List.of((Object) rows(16, 2, 3))));
    r.add(new Case("siamese_shared", () -> {
      KerasTensor a = Input.named("left", 3);
      KerasTensor b = Input.named("right", 3);
      Dense shared = new Dense(4).activation("tanh");
      KerasTensor d = new Subtract().apply(shared.apply(a), shared.apply(b));
      return Model.of(List.of(a, b), List.of(new Dense(1).name("out").apply(d)));
    }, Map.of("left", rows(16, 3, 4), "right", rows(16, 3, 5)), List.of((Object) rows(16, 1, 6))));
    r.add(new Case("merges", () -> {
      KerasTensor a = Input.named("a", 4);
      KerasTensor b = Input.named("b", 4);
      KerasTensor m = new Concatenate().apply(new Multiply().apply(a, b), new Average().apply(a, b),
          new Maximum().apply(a, b), new Minimum().apply(a, b), new Add().apply(a, b, a), new Dot(1, 1).apply(a, b));
      return Model.of(List.of(a, b), List.of(new Dense(2).name("out").apply(m)));
    }, Map.of("a", rows(16, 4, 7), "b", rows(16, 4, 8)), List.of((Object) rows(16, 2, 9))));
    r.add(new Case("nested_models", () -> {
      // A Sequential called on two inputs (shared) and a built Functional model, both used as layers.
      KerasTensor ii = Input.named("inner_in", 4, 3);
      Functional innerFunc = Model.of(ii, new Dense(3).apply(new LSTM(4).apply(ii))).name("inner_func");
      NestedModel innerSeq = NestedModel.of(new Sequential(new Dense(4).activation("relu"), new Dense(3)).name("inner_seq"));
      KerasTensor a = Input.named("in_a", 3);
      KerasTensor b = Input.named("in_b", 3);
      KerasTensor s = Input.named("in_s", 4, 3);
      KerasTensor x = new Add().apply(innerSeq.apply(a), innerSeq.apply(b), NestedModel.of(innerFunc).apply(s));
      return Model.of(List.of(a, b, s), List.of(new Dense(2).name("out").apply(x)));
    }, Map.of("in_a", rows(16, 3, 14), "in_b", rows(16, 3, 15), "in_s", seq(16, 4, 3, 16)), List.of((Object) rows(16, 2, 17))));
    r.add(new Case("masked_residual_two_heads", () -> {
      KerasTensor tokens = new InputLayer(6).name("tokens").dtype("int32").output();
      KerasTensor e = new Embedding(10, 4).maskZero(true).apply(tokens);
      KerasTensor h1 = new LSTM(4).returnSequences(true).apply(e);
      KerasTensor h2 = new LSTM(4).returnSequences(true).apply(e);
      KerasTensor h = new LSTM(3).apply(new Add().apply(h1, h2, e));
      KerasTensor cls = new Dense(3).activation("softmax").name("cls").apply(h);
      KerasTensor reg = new Dense(1).name("reg").apply(h);
      return Model.of(List.of(tokens), List.of(cls, reg));
    }, Map.of("tokens", tokens(16, 6, 10, 11)), List.of(labels(16, 3, 12), rows(16, 1, 13))));
    return r;
  }

  private static float[][] tokens(int n, int t, int vocab, int seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][t];
    for (float[] row : x) {
      int len = 1 + r.nextInt(t);
      for (int k = 0; k < len; k++) row[k] = 1 + r.nextInt(vocab - 1);
    }
    return x;
  }

  private static float[] labels(int n, int classes, int seed) {
    Random r = new Random(seed);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
    return y;
  }

  @TestFactory
  List<DynamicTest> jkerasFunctionalModelsPredictInKeras() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) tests.add(DynamicTest.dynamicTest(c.name, () -> check(c)));
    return tests;
  }

  private static void check(Case c) throws Exception {
    KerasPython.python(); // skips here when there is no Python with Keras
    Keras.clearSession();
    Keras.setRandomSeed(42);
    try (Functional m = c.model.get()) {
      if (m.outputCount() == 1) {
        m.compile(new Adam(0.01f), List.of(c.y.get(0) instanceof float[] ? "sparse_categorical_crossentropy" : "mse"), null, null);
      } else {
        m.compile(new Adam(0.01f), Map.of("cls", "sparse_categorical_crossentropy", "reg", "mse"), Map.of("reg", 0.5),
            Map.of("cls", List.of("accuracy")));
      }
      m.fit(c.x, c.y, new FitOptions().epochs(3).batchSize(8).verbose(0));
      Map<String, FloatArray> inputs = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : c.x.entrySet()) inputs.put(e.getKey(), FloatArray.of(e.getValue()));
      KerasCheck.predictsInKeras(m, inputs, "functional-j2p", c.name);
    }
  }
}
