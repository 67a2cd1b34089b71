package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimpleRNNTest {
  private static final String FIXTURE = "keras2-dl4j-simple-rnn/";

  @ParameterizedTest(name = "return_sequences={0}")
  @CsvSource({"true", "false"})
  void shapesAndParameterCountsFollowKeras(boolean returnSequences) {
    int in = 3;
    int units = 7;
    SimpleRNN rnn = new SimpleRNN(units).returnSequences(returnSequences);
    try (Sequential model = new Sequential(rnn)) {
      model.build(-1, 5, in);
      assertEquals((long) units * (in + units) + units, rnn.countParams());
      assertArrayEquals(new long[] {in, units}, rnn.weights().get(0).shape());
      assertArrayEquals(new long[] {units, units}, rnn.weights().get(1).shape());
      assertArrayEquals(new long[] {units}, rnn.weights().get(2).shape());
      assertEquals(List.of("kernel", "recurrent_kernel", "bias"),
          List.of(rnn.weights().get(0).name(), rnn.weights().get(1).name(), rnn.weights().get(2).name()));
      assertArrayEquals(returnSequences ? new long[] {2, 5, units} : new long[] {2, units},
          model.predict(new float[2][5][in]).shape());
    }
  }

  @Test
  void configHasKeras3KeysAndDefaults() {
    Map<String, Object> c = new SimpleRNN(4).getConfig();
    assertTrue(((String) c.get("name")).startsWith("simple_rnn"), (String) c.get("name"));
    assertEquals(4, c.get("units"));
    assertEquals("tanh", c.get("activation"));
    assertEquals(true, c.get("use_bias"));
    assertFalse(c.containsKey("recurrent_activation"));
    assertFalse(c.containsKey("reset_after"));
    for (String k : List.of("kernel_initializer", "recurrent_initializer", "bias_initializer", "dropout",
        "recurrent_dropout", "return_sequences", "return_state", "go_backwards", "stateful", "unroll", "seed")) {
      assertTrue(c.containsKey(k), "missing config key " + k);
    }
  }

  @Test
  void badInputShapesAreRefusedInJavaNamingTheLayer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      try (Sequential m = new Sequential(new SimpleRNN(3).name("srnn"))) {
        m.build(-1, 2, 3, 4);
      }
    });
    assertTrue(e.getMessage().contains("srnn"), e.getMessage());
  }

  // ----- against real Keras -----

  /** Builds the fixture's architecture by hand and loads its weights from the saved model. */
  private static void loadFixtureWeights(Path h5, SimpleRNN rnn, Dense dense) {
    String g = "/model_weights/simple_rnn_1/simple_rnn_1/";
    rnn.setWeights(List.of(Fixtures.h5(h5, g + "kernel:0"), Fixtures.h5(h5, g + "recurrent_kernel:0"),
        Fixtures.h5(h5, g + "bias:0")));
    if (dense != null) {
      String d = "/model_weights/dense_1/dense_1/";
      dense.setWeights(List.of(Fixtures.h5(h5, d + "kernel:0"), Fixtures.h5(h5, d + "bias:0")));
    }
  }

  @Test
  void matchesRealKerasPredictions() {
    Path model = Fixtures.path(FIXTURE + "simple_rnn_tf_keras_2_model.h5");
    Path io = Fixtures.path(FIXTURE + "simple_rnn_tf_keras_2_inputs_and_outputs.h5");
    FloatArray x = Fixtures.h5(io, "/inputs/simple_rnn_1_input");
    // SOURCE.txt: SimpleRNN(50, tanh, batch_input_shape [25, 1, 1]) -> Dense(1, linear).
    SimpleRNN rnn = new SimpleRNN(50).batchInputShape(25, 1, 1);
    Dense dense = new Dense(1);
    try (Sequential m = new Sequential(rnn, dense)) {
      m.build(25, 1, 1);
      loadFixtureWeights(model, rnn, dense);
      double err = Fixtures.assertClose(Fixtures.h5(io, "/predictions/dense_1"), m.predict(x), 1e-5, 1e-5);
      System.out.printf("SimpleRNN fixture: max abs error vs Keras predictions/dense_1 %.2e%n", err);
    }
    // The recurrent layer's own output, against Keras's per-layer activations.
    SimpleRNN alone = new SimpleRNN(50);
    try (Sequential m = new Sequential(alone)) {
      m.build(-1, 1, 1);
      loadFixtureWeights(model, alone, null);
      double err = Fixtures.assertClose(Fixtures.h5(io, "/activations/simple_rnn_1"), m.predict(x), 1e-5, 1e-5);
      System.out.printf("SimpleRNN fixture: max abs error vs Keras activations/simple_rnn_1 %.2e%n", err);
    }
  }

  @Test
  void fixtureWeightsOverSeveralStepsMatchFloat64Reference() {
    // The fixture has one timestep, which never exercises the recurrent kernel: check Keras's
    // weights over several steps (with a mask and backwards) against the float64 reference.
    Path model = Fixtures.path(FIXTURE + "simple_rnn_tf_keras_2_model.h5");
    Random rnd = new Random(5);
    FloatArray x = RnnReference.random(rnd, 1.0, 3, 6, 1);
    boolean[][] mask = {{true, true, true, true, false, false}, {false, true, true, true, true, true},
        {true, true, false, true, true, true}};
    x = RnnReference.applyMask(x, mask);
    for (boolean back : new boolean[] {false, true}) {
      SimpleRNN rnn = new SimpleRNN(50).returnSequences(true).goBackwards(back);
      try (Sequential m = new Sequential(new Masking(0.0), rnn)) {
        m.build(-1, 6, 1);
        loadFixtureWeights(model, rnn, null);
        List<FloatArray> w = rnn.getWeights();
        double[][][] expected = RnnReference.run(RnnReference.simpleRnn(RnnReference.matrix(w.get(0)),
            RnnReference.matrix(w.get(1)), RnnReference.vector(w.get(2))), RnnReference.array3(x), mask, true, back, false);
        double err = Fixtures.assertClose(RnnReference.toFloatArray(expected, false), m.predict(x), 1e-5, 0);
        System.out.printf("SimpleRNN fixture weights, 6 masked steps, go_backwards=%s: max abs error %.2e%n", back, err);
      }
    }
  }

  // ----- training -----

  @Test
  void trainingReducesLoss() {
    Keras.setRandomSeed(17);
    Random rnd = new Random(17);
    FloatArray x = RnnReference.random(rnd, 1.0, 64, 4, 2);
    float[] y = new float[64];
    for (int i = 0; i < 64; i++) y[i] = 0.5f * (x.get(i, 0, 0) + x.get(i, 3, 1));
    try (Sequential model = new Sequential(new SimpleRNN(8).inputShape(4, 2), new Dense(1))) {
      model.compile(new Adam(0.02f), "mse");
      History h = model.fit(x, new FloatArray(y, 64, 1), new FitOptions().epochs(20).batchSize(16).verbose(0));
      double first = h.get("loss").get(0);
      double last = h.last("loss");
      assertTrue(last < 0.5 * first, "loss went from " + first + " to " + last);
    }
  }
}
