package io.jkeras.saving.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.optimizers.OptimizerState;
import io.jkeras.testing.Fixtures;
import io.jkeras.testing.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.jkeras.config.KerasFormatException;
import io.jkeras.saving.ModelFiles;

/**
 * The optimizer state in jkeras's own files and in a Keras 2 file, without Python (the round
 * trips through real Keras are in interop.OptimizerStateTest).
 */
class OptimizerStateFilesTest {
  @TempDir Path tmp;

  static final float[][] X = new float[12][3];
  static final float[][] Y = new float[12][2];

  static {
    Random r = new Random(3);
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 3; j++) X[i][j] = (float) r.nextGaussian();
      for (int j = 0; j < 2; j++) Y[i][j] = (float) r.nextGaussian();
    }
  }

  static Sequential model() {
    Keras.setRandomSeed(7);
    Keras.clearSession();
    Sequential m = new Sequential(new InputLayer(3), new Dense(4).activation("tanh"), new Dense(2));
    m.compile(new Adam(0.02f), "mse");
    m.build(-1, 3);
    return m;
  }

  static FitOptions epochs(int n) {
    return new FitOptions().epochs(n).batchSize(4).shuffle(false).verbose(0);
  }

  /** Saved after 2 epochs and reloaded, Adam goes on bit for bit as if never interrupted; a fresh Adam does not. */
  @Test
  void modelDirectoryResumesAdamExactly() {
    Path dir = tmp.resolve("m");
    float[] continuous;
    try (Sequential m = model()) {
      assertEquals(0, m.optimizerState().iterations());
      m.fit(X, Y, epochs(2));
      assertEquals(6, m.optimizerState().iterations());
      ModelFiles.save(m, dir);
      m.fit(X, Y, epochs(2));
      continuous = Weights.flat(m.getWeights());
    }
    try (Sequential m = ModelFiles.load(dir)) {
      OptimizerState s = m.optimizerState();
      assertEquals(6, s.iterations());
      assertEquals(0.02f, s.learningRate());
      assertEquals(List.of("dense_kernel_momentum", "dense_kernel_velocity", "dense_bias_momentum", "dense_bias_velocity",
          "dense_1_kernel_momentum", "dense_1_kernel_velocity", "dense_1_bias_momentum", "dense_1_bias_velocity"), s.names());
      m.fit(X, Y, epochs(2));
      assertArrayEquals(continuous, Weights.flat(m.getWeights()), 0f);
      assertEquals(12, m.optimizerState().iterations());
    }
    try (Sequential m = ModelFiles.load(dir)) {
      m.setOptimizerState(m.optimizer().initialState(List.of("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"),
          List.of(new long[] {3, 4}, new long[] {4}, new long[] {4, 2}, new long[] {2})));
      m.fit(X, Y, epochs(2));
      float[] fresh = Weights.flat(m.getWeights());
      double d = Weights.maxAbsDiff(fresh, continuous);
      assertTrue(d > 1e-4, "a fresh Adam ends as close: " + d);
    }
  }

  /** A state that does not fit is refused before TensorFlow sees it, naming the file and the variable. */
  @Test
  void mismatchedStateIsRefusedWithTheFileAndVariable() throws IOException {
    Path dir = tmp.resolve("bad");
    try (Sequential m = model()) {
      m.fit(X, Y, epochs(1));
      ModelFiles.save(m, dir);
    }
    Map<String, FloatArray> arrays = Npz.read(dir.resolve(ModelFiles.OPTIMIZER_WEIGHTS));
    String first = arrays.keySet().iterator().next();
    arrays.put(first, new FloatArray(new float[3], 3));
    Npz.write(dir.resolve(ModelFiles.OPTIMIZER_WEIGHTS), arrays);
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> ModelFiles.load(dir));
    assertTrue(e.getMessage().contains(ModelFiles.OPTIMIZER_WEIGHTS) && e.getMessage().contains(first)
        && e.getMessage().contains("(3,)"), e.getMessage());
    try (Sequential m = model()) {
      OptimizerState s = m.optimizerState();
      List<FloatArray> v = new ArrayList<>(s.values());
      v.set(1, new FloatArray(new float[2], 2));
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
          () -> m.setOptimizerState(new OptimizerState(5, 0.01f, s.names(), v)));
      assertTrue(ex.getMessage().contains(s.names().get(1)), ex.getMessage());
    }
  }

  /**
   * SGD's momentum slot is Keras's own velocity (weight units, KerasMomentumUpdate): a round trip
   * of the state is exact, and a state saved at learning rate 0 is taken as it is (Keras's too).
   */
  @Test
  void sgdMomentumStateIsKerassVelocity() {
    Keras.setRandomSeed(7);
    Keras.clearSession();
    try (Sequential m = new Sequential(new InputLayer(3), new Dense(2))) {
      m.compile(new io.jkeras.optimizers.SGD(0.05f).momentum(0.9f), "mse");
      m.fit(X, Y, epochs(1));
      OptimizerState s = m.optimizerState();
      assertEquals(2, s.values().size());
      m.setOptimizerState(s);
      OptimizerState back = m.optimizerState();
      for (int i = 0; i < 2; i++) assertArrayEquals(s.values().get(i).data(), back.values().get(i).data(), 0f);
      m.setOptimizerState(new OptimizerState(3, 0f, s.names(), s.values()));
      assertEquals(0f, m.optimizer().learningRate());
      for (int i = 0; i < 2; i++) assertArrayEquals(s.values().get(i).data(), m.optimizerState().values().get(i).data(), 0f);
    }
  }

  /**
   * Keras 2's legacy .h5 (standalone Keras 2.1.3, RMSprop): optimizer_weights holds one
   * accumulator per trainable weight and no step count; they become the RMSprop velocities.
   */
  @Test
  void readsKeras2LegacyOptimizerWeights() {
    Path h5 = Fixtures.path("keras2-dl4j-simple-rnn/simple_rnn_tf_keras_2_model.h5");
    try (Sequential m = KerasModels.load(h5)) {
      OptimizerState s = m.optimizerState();
      assertEquals(5, s.values().size());
      for (int i = 0; i < 5; i++) {
        FloatArray file = Fixtures.h5(h5, "optimizer_weights/training/RMSprop/Variable" + (i == 0 ? "" : "_" + i) + ":0");
        assertArrayEquals(file.data(), s.values().get(i).data(), s.names().get(i));
      }
      assertTrue(s.names().get(0).endsWith("_velocity"), s.names().get(0));
      assertEquals(0, s.iterations());
    }
  }
}
