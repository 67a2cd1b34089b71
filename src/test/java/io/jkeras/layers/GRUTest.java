package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.callbacks.History;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class GRUTest {

  // ----- shapes, parameters, config -----

  @ParameterizedTest(name = "reset_after={0}, return_sequences={1}")
  @CsvSource({"true,true", "true,false", "false,true", "false,false"})
  void shapesAndParameterCountsFollowKeras(boolean resetAfter, boolean returnSequences) {
    int in = 7;
    int units = 5;
    GRU gru = new GRU(units).resetAfter(resetAfter).returnSequences(returnSequences);
    try (Sequential model = new Sequential(gru)) {
      model.build(-1, 4, in);
      long expected = resetAfter ? 3L * (units * (in + units)) + 6L * units : 3L * (units * (in + units) + units);
      assertEquals(expected, gru.countParams());
      assertEquals(expected, model.countParams());
      assertArrayEquals(returnSequences ? new long[] {-1, 4, units} : new long[] {-1, units},
          model.computeOutputShape(new long[] {-1, 4, in}));
      assertEquals(3, gru.weights().size());
      assertArrayEquals(new long[] {in, 3 * units}, gru.weights().get(0).shape());
      assertArrayEquals(new long[] {units, 3 * units}, gru.weights().get(1).shape());
      assertArrayEquals(resetAfter ? new long[] {2, 3 * units} : new long[] {3 * units}, gru.weights().get(2).shape());
      assertEquals(List.of("kernel", "recurrent_kernel", "bias"),
          List.of(gru.weights().get(0).name(), gru.weights().get(1).name(), gru.weights().get(2).name()));
      // The graph really produces that shape.
      FloatArray y = model.predict(new float[3][4][in]);
      assertArrayEquals(returnSequences ? new long[] {3, 4, units} : new long[] {3, units}, y.shape());
    }
  }

  @Test
  void noBiasHasTwoWeights() {
    GRU gru = new GRU(4).useBias(false);
    try (Sequential model = new Sequential(gru)) {
      model.build(-1, 3, 2);
      assertEquals(2, gru.weights().size());
      assertEquals(3L * 4 * (2 + 4), gru.countParams());
    }
  }

  @Test
  void configHasKeras3KeysAndDefaults() {
    Map<String, Object> c = new GRU(6).name("g").getConfig();
    assertEquals("g", c.get("name"));
    assertEquals(6, c.get("units"));
    assertEquals("tanh", c.get("activation"));
    assertEquals("sigmoid", c.get("recurrent_activation"));
    assertEquals(true, c.get("reset_after"));
    assertEquals(true, c.get("use_bias"));
    assertEquals(0.0, c.get("dropout"));
    assertEquals(0.0, c.get("recurrent_dropout"));
    assertEquals(false, c.get("return_sequences"));
    assertEquals(false, c.get("go_backwards"));
    assertEquals(false, c.get("stateful"));
    for (String k : List.of("kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
        "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
        "recurrent_constraint", "bias_constraint", "return_state", "unroll", "zero_output_for_mask", "seed",
        "trainable", "dtype")) {
      assertTrue(c.containsKey(k), "missing config key " + k);
    }
    assertEquals("GlorotUniform", ((Map<?, ?>) c.get("kernel_initializer")).get("class_name"));
    assertEquals("Orthogonal", ((Map<?, ?>) c.get("recurrent_initializer")).get("class_name"));
    assertEquals("Zeros", ((Map<?, ?>) c.get("bias_initializer")).get("class_name"));
    assertEquals(false, new GRU(2).resetAfter(false).getConfig().get("reset_after"));
    assertEquals("gru", new GRU(1).className().toLowerCase());
  }

  @Test
  void badInputShapesAreRefusedInJavaNamingTheLayer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> {
          try (Sequential m = new Sequential(new GRU(3).name("my_gru"))) {
            m.build(-1, 5);
          }
        });
    assertTrue(e.getMessage().contains("my_gru"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> {
          try (Sequential m = new Sequential(new GRU(3).name("my_gru2"))) {
            m.build(-1, 5, -1);
          }
        });
    assertTrue(e.getMessage().contains("my_gru2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GRU(0));
    // A wrong feature count at predict time is refused before TensorFlow sees it.
    try (Sequential m = new Sequential(new GRU(3).inputShape(4, 2))) {
      assertThrows(IllegalArgumentException.class, () -> m.predict(new float[1][4][3]));
    }
  }

  // ----- forward values against an independent float64 reference -----

  /** Builds Masking(0) -> GRU with random weights; returns the model and the weights. */
  private static Sequential gruModel(GRU gru, int steps, int features, List<FloatArray> weights) {
    Sequential model = new Sequential(new Masking(0.0), gru);
    model.build(-1, steps, features);
    gru.setWeights(weights);
    return model;
  }

  private static List<FloatArray> randomWeights(Random rnd, int in, int units, boolean resetAfter) {
    List<FloatArray> w = new ArrayList<>();
    w.add(RnnReference.random(rnd, 0.8, in, 3L * units));
    w.add(RnnReference.random(rnd, 0.8, units, 3L * units));
    w.add(resetAfter ? RnnReference.random(rnd, 0.5, 2, 3L * units) : RnnReference.random(rnd, 0.5, 3L * units));
    return w;
  }

  @ParameterizedTest(name = "reset_after={0}, mask={1}, return_sequences={2}, go_backwards={3}")
  @CsvSource({
      "true,false,true,false", "true,true,true,false", "true,true,false,false", "true,true,true,true",
      "false,false,true,false", "false,true,true,false", "false,true,false,false", "false,false,false,true"})
  void forwardMatchesFloat64Reference(boolean resetAfter, boolean masked, boolean returnSequences, boolean goBackwards) {
    int batch = 3;
    int steps = 5;
    int in = 4;
    int units = 6;
    Random rnd = new Random(resetAfter ? 11 : 12);
    List<FloatArray> w = randomWeights(rnd, in, units, resetAfter);
    FloatArray x = RnnReference.random(rnd, 1.0, batch, steps, in);
    boolean[][] mask = null;
    if (masked) {
      // Post-padding, pre-padding and a hole in the middle.
      mask = new boolean[][] {
          {true, true, true, false, false}, {false, false, true, true, true}, {true, false, true, true, false}};
      x = RnnReference.applyMask(x, mask);
    }
    GRU gru = new GRU(units).resetAfter(resetAfter).returnSequences(returnSequences).goBackwards(goBackwards);
    double[][][] expected = RnnReference.run(
        RnnReference.gru(RnnReference.matrix(w.get(0)), RnnReference.matrix(w.get(1)), RnnReference.matrix(w.get(2)),
            resetAfter),
        RnnReference.array3(x), mask, returnSequences, goBackwards, false);
    try (Sequential model = gruModel(gru, steps, in, w)) {
      FloatArray y = model.predict(x);
      double err = Fixtures.assertClose(RnnReference.toFloatArray(expected, !returnSequences), y, 1e-5, 0);
      System.out.printf("GRU reset_after=%s mask=%s seq=%s back=%s: max abs error vs float64 reference %.2e%n",
          resetAfter, masked, returnSequences, goBackwards, err);
    }
  }

  @Test
  void resetAfterVariantsDifferOnTheSameWeights() {
    // Guards the reference test: the two conventions must not collapse to one function.
    Random rnd = new Random(3);
    List<FloatArray> w = randomWeights(rnd, 2, 3, false);
    FloatArray x = RnnReference.random(rnd, 1.0, 2, 4, 2);
    double[][][] before = RnnReference.run(RnnReference.gru(RnnReference.matrix(w.get(0)),
        RnnReference.matrix(w.get(1)), RnnReference.matrix(w.get(2)), false), RnnReference.array3(x), null, false, false, false);
    double[][] b2 = {RnnReference.vector(w.get(2)), RnnReference.vector(w.get(2))};
    double[][][] after = RnnReference.run(RnnReference.gru(RnnReference.matrix(w.get(0)),
        RnnReference.matrix(w.get(1)), b2, true), RnnReference.array3(x), null, false, false, false);
    assertNotEquals(before[0][0][0], after[0][0][0], 1e-4);
  }

  // ----- gradients -----

  /** Keras's mse of the GRU's last output against y, in float64. */
  private static double referenceLoss(double[][] k, double[][] u, double[][] b, boolean resetAfter, double[][][] x,
      double[][] y) {
    double[][][] out = RnnReference.run(RnnReference.gru(k, u, b, resetAfter), x, null, false, false, false);
    double s = 0;
    int n = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y[i].length; j++) {
        double d = out[i][0][j] - y[i][j];
        s += d * d;
        n++;
      }
    }
    return s / n;
  }

  /** d(mean((gru(x) - y)^2))/d(weights) from TensorFlow's symbolic gradients of the GRU graph. */
  private static List<FloatArray> graphGradients(Sequential model, GRU gru, FloatArray x, FloatArray y) {
    ModelRuntime rt = model.runtime();
    Ops tf = rt.tf().withSubScope("gradient_check");
    Placeholder<TFloat32> xp = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(x.shape())));
    Operand<TFloat32> out = gru.apply(new CallContext(rt, tf, false), xp, null);
    Operand<TFloat32> diff = tf.math.sub(out, tf.constant(y.toMatrix()));
    Operand<TFloat32> loss = tf.math.mean(tf.math.square(diff), tf.constant(new int[] {0, 1}));
    List<Weight> ws = gru.weights();
    Output<?>[] vars = new Output<?>[ws.size()];
    for (int i = 0; i < vars.length; i++) vars[i] = ws.get(i).variable().asOutput();
    Output<?>[] grads = rt.graph().addGradients(loss.asOutput(), vars);
    Session.Runner r = rt.session().runner();
    try (TFloat32 xt = x.sliceTensor(0, x.length())) {
      r.feed(xp, xt);
      for (Output<?> g : grads) r.fetch(g);
      try (Result res = r.run()) {
        List<FloatArray> result = new ArrayList<>();
        for (int i = 0; i < grads.length; i++) result.add(FloatArray.fromTensor((TFloat32) res.get(i)));
        return result;
      }
    }
  }

  /** The same loss in float64 through the reference GRU. */
  private static double referenceLoss(double[][][] mats, boolean resetAfter, double[][][] x, double[][] y) {
    double[][][] out = RnnReference.run(RnnReference.gru(mats[0], mats[1], mats[2], resetAfter), x, null, false, false,
        false);
    double s = 0;
    int n = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y[i].length; j++) {
        double d = out[i][0][j] - y[i][j];
        s += d * d;
        n++;
      }
    }
    return s / n;
  }

  @ParameterizedTest(name = "reset_after={0}")
  @CsvSource({"true", "false"})
  void graphGradientMatchesFiniteDifferences(boolean resetAfter) {
    int batch = 2;
    int steps = 4;
    int in = 2;
    int units = 3;
    Random rnd = new Random(resetAfter ? 21 : 22);
    List<FloatArray> w = randomWeights(rnd, in, units, resetAfter);
    FloatArray x = RnnReference.random(rnd, 1.0, batch, steps, in);
    FloatArray y = RnnReference.random(rnd, 1.0, batch, units);
    GRU gru = new GRU(units).resetAfter(resetAfter);
    List<FloatArray> graph;
    try (Sequential model = new Sequential(gru)) {
      model.build(-1, steps, in);
      gru.setWeights(w);
      graph = graphGradients(model, gru, x, y);
    }
    double[][][] xd = RnnReference.array3(x);
    double[][] yd = RnnReference.matrix(y);
    double eps = 1e-6;
    double worst = 0;
    double largest = 0;
    // Every entry of kernel, recurrent_kernel and bias: central differences in float64.
    for (int wi = 0; wi < 3; wi++) {
      float[] g = graph.get(wi).data();
      for (int e = 0; e < g.length; e++) {
        double[] loss = new double[2];
        for (int sgn = 0; sgn < 2; sgn++) {
          double[][][] mats = new double[3][][];
          for (int m = 0; m < 3; m++) mats[m] = RnnReference.matrix(w.get(m));
          int cols = mats[wi][0].length;
          mats[wi][e / cols][e % cols] += sgn == 0 ? eps : -eps;
          loss[sgn] = referenceLoss(mats, resetAfter, xd, yd);
        }
        double fd = (loss[0] - loss[1]) / (2 * eps);
        double err = Math.abs(fd - g[e]);
        assertTrue(err <= 1e-5 + 1e-3 * Math.abs(fd),
            "weight " + wi + " entry " + e + ": finite difference " + fd + " vs graph gradient " + g[e]);
        worst = Math.max(worst, err);
        largest = Math.max(largest, Math.abs(fd));
      }
    }
    // The check means something only if the gradients are far from zero.
    assertTrue(largest > 1e-2, "gradients too small to test: " + largest);
    System.out.printf("GRU reset_after=%s: max |graph - finite difference| gradient error %.2e (largest gradient %.3f)%n",
        resetAfter, worst, largest);
  }

  // ----- training -----

  @Test
  void trainingReducesLoss() {
    Keras.setRandomSeed(7);
    Random rnd = new Random(7);
    FloatArray x = RnnReference.random(rnd, 1.0, 64, 5, 2);
    float[] y = new float[64];
    for (int i = 0; i < 64; i++) {
      for (int t = 0; t < 5; t++) y[i] += x.get(i, t, 0) - 0.5f * x.get(i, t, 1);
      y[i] /= 3;
    }
    try (Sequential model = new Sequential(new GRU(8).inputShape(5, 2), new Dense(1))) {
      model.compile(new Adam(0.02f), "mse");
      History h = model.fit(x, new FloatArray(y, 64, 1), new FitOptions().epochs(20).batchSize(16).verbose(0));
      double first = h.get("loss").get(0);
      double last = h.last("loss");
      assertTrue(last < 0.5 * first, "loss went from " + first + " to " + last);
    }
  }

  @Test
  void trainingWithDropoutAndRecurrentDropoutRunsAndInferenceIsDeterministic() {
    Keras.setRandomSeed(8);
    Random rnd = new Random(8);
    FloatArray x = RnnReference.random(rnd, 1.0, 16, 4, 3);
    FloatArray y = RnnReference.random(rnd, 0.5, 16, 2);
    for (boolean resetAfter : new boolean[] {true, false}) {
      try (Sequential model = new Sequential(
          new GRU(2).resetAfter(resetAfter).dropout(0.3).recurrentDropout(0.3).inputShape(4, 3))) {
        model.compile("adam", "mse");
        History h = model.fit(x, y, new FitOptions().epochs(2).batchSize(8).verbose(0));
        assertTrue(Double.isFinite(h.last("loss")));
        assertArrayEquals(model.predict(x).data(), model.predict(x).data(), 0f);
      }
    }
  }

  @Test
  void statefulGruCarriesStateAcrossBatches() {
    Random rnd = new Random(9);
    List<FloatArray> w = randomWeights(rnd, 2, 3, true);
    FloatArray x = RnnReference.random(rnd, 1.0, 2, 6, 2);
    // The whole sequence at once, without state...
    FloatArray whole;
    GRU plain = new GRU(3);
    try (Sequential m = new Sequential(plain)) {
      m.build(-1, 6, 2);
      plain.setWeights(w);
      whole = m.predict(x);
    }
    // ...equals its two halves fed in turn to a stateful GRU.
    float[] a = new float[2 * 3 * 2];
    float[] b = new float[2 * 3 * 2];
    for (int i = 0; i < 2; i++) {
      System.arraycopy(x.data(), i * 12, a, i * 6, 6);
      System.arraycopy(x.data(), i * 12 + 6, b, i * 6, 6);
    }
    GRU stateful = new GRU(3).stateful(true).batchInputShape(2, 3, 2);
    try (Sequential m = new Sequential(stateful)) {
      m.build(2, 3, 2);
      stateful.setWeights(w);
      FloatArray first = m.predict(new FloatArray(a, 2, 3, 2), 2);
      FloatArray second = m.predict(new FloatArray(b, 2, 3, 2), 2);
      Fixtures.assertClose(whole, second, 1e-6, 0);
      m.resetStates();
      Fixtures.assertClose(first, m.predict(new FloatArray(a, 2, 3, 2), 2), 1e-6, 0);
    }
  }
}
