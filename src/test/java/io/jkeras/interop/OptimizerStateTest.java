package io.jkeras.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.OptimizerState;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.ModelFiles;
import io.jkeras.testing.KerasPython;
import io.jkeras.testing.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Optimizer state survives saving, both ways, with real Keras 3 (src/test/python/opt_state.py):
 * Keras trains K epochs and saves; jkeras opens the file, finds Keras's optimizer variables in
 * its slots and trains M more, ending where Keras's K+M continuous epochs end. The reverse:
 * jkeras trains K and saves a .keras that Keras opens without "Skipping variable loading",
 * resumes at the right step count and ends where jkeras's K+M continuous epochs end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptimizerStateTest {
  static final int K = 3;
  static final int M = 2;
  static final int BATCH = 8;
  static final int STEPS_PER_EPOCH = 4;

  /**
   * Cases whose training follows Keras 3's, so that resuming must end where Keras ends. Not
   * adam_bidir (Embedding + Bidirectional GRU: Keras on TensorFlow applies Adam to an Embedding's
   * gradient row by row per lookup, jkeras to the summed gradient, see docs/TRAINING_PARITY.md);
   * its state is still read exactly (forward before backward).
   */
  static final String[] PARITY = {"adam", "sgd_momentum", "rmsprop", "rmsprop_centered", "adagrad",
      "adadelta", "adamax", "nadam", "ftrl", "adam_lstm"};

  /** Largest |jkeras - Keras| of a weight after K Keras epochs and M jkeras epochs (float32 math, two engines). */
  static final double TOL = 1e-6;

  Path dir;

  @BeforeAll
  void keras() {
    KerasPython.python();
    dir = KerasPython.work("optimizer-state");
    KerasPython.run("opt_state.py", "keras", dir.toString());
  }

  static FitOptions epochs(int n) {
    return new FitOptions().epochs(n).batchSize(BATCH).shuffle(false).verbose(0);
  }

  Map<String, FloatArray> npz(String name) {
    try {
      return Npz.read(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  FloatArray[] data(String c) {
    Map<String, FloatArray> d = npz("data_" + c + ".npz");
    return new FloatArray[] {d.get("x"), d.get("y")};
  }

  static List<FloatArray> values(Map<String, FloatArray> m) {
    return new ArrayList<>(m.values());
  }

  /**
   * (1) Keras K epochs + save; jkeras opens the .keras (and the legacy .h5) and finds Keras's
   * optimizer.variables in its optimizer: step count, learning rate and every slot. Trains M
   * more: = Keras K+M continuous.
   */
  @ParameterizedTest(name = "{0}: jkeras reads Keras's optimizer state and resumes = Keras continuous")
  @ValueSource(strings = {"adam", "sgd_momentum", "rmsprop", "rmsprop_centered", "adagrad", "adadelta",
      "adamax", "nadam", "ftrl", "adam_lstm", "adam_bidir"})
  void jkerasResumesKerasTraining(String c) {
    FloatArray[] xy = data(c);
    List<FloatArray> state = values(npz("kstate_" + c + ".npz"));
    List<FloatArray> keras = values(npz("kpm_" + c + ".npz"));
    boolean parity = java.util.Arrays.asList(PARITY).contains(c);
    for (String ext : new String[] {".keras", ".h5"}) {
      try (Sequential m = KerasModels.load(dir.resolve("k_" + c + ext))) {
        OptimizerState s = m.optimizerState();
        assertEquals(K * STEPS_PER_EPOCH, s.iterations(), c + ext);
        assertEquals(state.get(0).data()[0], s.iterations(), c + ext);
        assertEquals(state.get(1).data()[0], s.learningRate(), c + ext);
        List<FloatArray> slots = state.subList(2, state.size());
        assertEquals(slots.size(), s.values().size(), c + ext + ": number of slot variables");
        double d = Weights.maxAbsDiff(slots, reshapeScalars(s.values(), slots));
        assertTrue(d == 0, c + ext + ": state differs by " + d);
        if (!parity) continue;
        m.fit(xy[0], xy[1], epochs(M));
        double resumed = Weights.maxAbsDiff(keras, m.getWeights());
        System.out.printf("optimizer state %s%s: Keras %d + jkeras %d epochs vs Keras %d: max |dw| %.2e%n", c, ext, K, M, K + M, resumed);
        assertTrue(resumed <= TOL, c + ext + ": resumed training differs from Keras's by " + resumed);
      }
    }
    if (!parity) return;
    // The same without the state ends far off, so the comparison above can fail.
    try (Sequential m = KerasModels.load(dir.resolve("k_" + c + ".keras"))) {
      m.setOptimizerState(freshState(m));
      m.fit(xy[0], xy[1], epochs(M));
      double fresh = Weights.maxAbsDiff(keras, m.getWeights());
      assertTrue(fresh > 10 * TOL, c + ": a fresh optimizer ends as close (" + fresh + ")");
    }
  }

  /** np.savez keeps a scalar's shape (); FloatArray holds it as (1). */
  static List<FloatArray> reshapeScalars(List<FloatArray> got, List<FloatArray> like) {
    List<FloatArray> r = new ArrayList<>();
    for (int i = 0; i < got.size(); i++) r.add(new FloatArray(got.get(i).data(), like.get(i).shape()));
    return r;
  }

  static OptimizerState freshState(Sequential m) {
    List<String> paths = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    m.trainableWeights().forEach(w -> {
      paths.add(w.path());
      shapes.add(w.shape());
    });
    return m.optimizer().initialState(paths, shapes);
  }

  /**
   * (2) jkeras K epochs + save .keras; Keras opens it (no skipped optimizer variables, the
   * step count restored) and trains M: = jkeras K+M continuous.
   */
  @Test
  void kerasResumesJkerasTraining() {
    Map<String, List<FloatArray>> continuous = new LinkedHashMap<>();
    for (String c : PARITY) {
      FloatArray[] xy = data(c);
      try (Sequential m = KerasModels.load(dir.resolve("init_" + c + ".keras"))) {
        KerasModels.saveKeras(m, dir.resolve("j_init_" + c + ".keras"));
        m.fit(xy[0], xy[1], epochs(K));
        KerasModels.saveKeras(m, dir.resolve("j_k_" + c + ".keras"));
        m.fit(xy[0], xy[1], epochs(M));
        continuous.put(c, m.getWeights());
      }
    }
    List<String> args = new ArrayList<>(List.of("resume", dir.toString()));
    args.addAll(continuous.keySet());
    String out = KerasPython.run("opt_state.py", args.toArray(new String[0]));
    assertFalse(out.contains("Skipping variable loading"), out);
    for (String c : PARITY) {
      double d = Weights.maxAbsDiff(continuous.get(c), values(npz("resumed_" + c + ".npz")));
      System.out.printf("optimizer state %s: jkeras %d + Keras %d epochs vs jkeras %d: max |dw| %.2e%n", c, K, M, K + M, d);
      assertTrue(d <= TOL, c + ": Keras's resumed training differs from jkeras's by " + d);
    }
  }

  /** (3) jkeras's model directory, .keras and .weights.h5: save after K, load, train M = K+M continuous, exactly. */
  @ParameterizedTest(name = "{0}: jkeras model directory, .keras and .weights.h5 resume exactly")
  @ValueSource(strings = {"adam", "sgd_momentum", "rmsprop_centered", "adamax", "nadam", "ftrl"})
  void jkerasFilesResumeExactly(String c) throws IOException {
    FloatArray[] xy = data(c);
    List<FloatArray> continuous;
    Path modelDir = dir.resolve("jdir_" + c);
    Path keras = dir.resolve("jround_" + c + ".keras");
    Path weights = dir.resolve("jround_" + c + ".weights.h5");
    try (Sequential m = KerasModels.load(dir.resolve("init_" + c + ".keras"))) {
      m.fit(xy[0], xy[1], epochs(K));
      ModelFiles.save(m, modelDir);
      KerasModels.saveKeras(m, keras);
      KerasModels.saveWeights(m, weights);
      m.fit(xy[0], xy[1], epochs(M));
      continuous = m.getWeights();
    }
    assertTrue(Files.isRegularFile(modelDir.resolve(ModelFiles.OPTIMIZER_WEIGHTS)));
    try (Sequential m = ModelFiles.load(modelDir)) {
      assertEquals(K * STEPS_PER_EPOCH, m.optimizerState().iterations());
      m.fit(xy[0], xy[1], epochs(M));
      // Bit for bit, but for SGD's momentum: converted to Keras's unit (times -lr) and back.
      assertTrue(Weights.maxAbsDiff(continuous, m.getWeights()) <= 0, c + ": model directory");
      assertEquals((K + M) * STEPS_PER_EPOCH, m.optimizerState().iterations());
    }
    try (Sequential m = KerasModels.load(keras)) {
      m.fit(xy[0], xy[1], epochs(M));
      assertTrue(Weights.maxAbsDiff(continuous, m.getWeights()) <= 0, c + ": .keras");
    }
    // load_weights on a compiled model takes the optimizer state too, as Keras's does.
    try (Sequential m = KerasModels.load(dir.resolve("init_" + c + ".keras"))) {
      KerasModels.loadWeights(m, weights);
      m.fit(xy[0], xy[1], epochs(M));
      assertTrue(Weights.maxAbsDiff(continuous, m.getWeights()) <= 0, c + ": .weights.h5");
    }
  }
}
