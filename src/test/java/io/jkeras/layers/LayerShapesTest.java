package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import org.junit.jupiter.api.Test;

/**
 * Output shapes (declared and actually computed) and parameter counts of every layer, against
 * Keras's formulas: Dense in*units+units, LSTM 4*(units*(in+units)+units), Embedding in*out.
 */
class LayerShapesTest {

  private static void check(Layer<?> layer, long[] inShape, long[] expectedOut, long expectedParams) {
    Keras.setRandomSeed(1);
    try (Sequential m = new Sequential()) {
      m.add(layer);
      long[] batchShape = inShape.clone();
      batchShape[0] = -1;
      m.build(batchShape);
      assertEquals(expectedParams, layer.countParams(), layer + " params");
      long[] declared = layer.computeOutputShape(batchShape);
      long[] expectedNone = expectedOut.clone();
      expectedNone[0] = -1;
      assertArrayEquals(expectedNone, declared, layer + " declared output shape");
      FloatArray x = new FloatArray(new float[(int) io.jkeras.utils.Shapes.product(inShape)], inShape);
      assertArrayEquals(expectedOut, m.predict(x).shape(), layer + " computed output shape");
    }
  }

  @Test
  void dense() {
    check(new Dense(7), new long[] {2, 5}, new long[] {2, 7}, 5 * 7 + 7);
    check(new Dense(7).useBias(false), new long[] {2, 5}, new long[] {2, 7}, 35);
    check(new Dense(3), new long[] {2, 4, 5}, new long[] {2, 4, 3}, 18);
    check(new Dense(3), new long[] {2, 4, 6, 5}, new long[] {2, 4, 6, 3}, 18);
  }

  @Test
  void lstm() {
    check(new LSTM(32), new long[] {3, 4, 1}, new long[] {3, 32}, 4 * (32 * (1 + 32) + 32));
    check(new LSTM(5).returnSequences(true), new long[] {2, 4, 3}, new long[] {2, 4, 5}, 4 * (5 * 8 + 5));
    check(new LSTM(5).useBias(false), new long[] {2, 4, 3}, new long[] {2, 5}, 4 * (5 * 8));
  }

  @Test
  void embeddingAndSimpleLayers() {
    check(new Embedding(10, 4), new long[] {2, 6}, new long[] {2, 6, 4}, 40);
    check(new Dropout(0.5), new long[] {2, 3}, new long[] {2, 3}, 0);
    check(new Activation("relu"), new long[] {2, 3, 4}, new long[] {2, 3, 4}, 0);
    check(new Flatten(), new long[] {2, 3, 4}, new long[] {2, 12}, 0);
    check(new RepeatVector(5), new long[] {2, 3}, new long[] {2, 5, 3}, 0);
    check(new Masking(), new long[] {2, 3, 4}, new long[] {2, 3, 4}, 0);
    check(new TimeDistributed(new Dense(6)), new long[] {2, 3, 4}, new long[] {2, 3, 6}, 30);
  }

  @Test
  void lstmBiasStartsWithUnitForgetBias() {
    Keras.setRandomSeed(2);
    try (Sequential m = new Sequential(new LSTM(3).inputShape(2, 1))) {
      m.build(-1, 2, 1);
      float[] bias = m.getWeights().get(2).data();
      assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, bias, 0f);
    }
    try (Sequential m = new Sequential(new LSTM(3).unitForgetBias(false).inputShape(2, 1))) {
      m.build(-1, 2, 1);
      assertArrayEquals(new float[12], m.getWeights().get(2).data(), 0f);
    }
  }

  /** Keras initializer statistics: glorot_uniform's limit and the orthogonal recurrent kernel. */
  @Test
  void initializersFollowKeras() {
    Keras.setRandomSeed(3);
    try (Sequential m = new Sequential(new LSTM(16).inputShape(2, 8))) {
      m.build(-1, 2, 8);
      float[] kernel = m.getWeights().get(0).data();
      double limit = Math.sqrt(6.0 / (8 + 64));
      for (float v : kernel) assertEquals(true, Math.abs(v) <= limit + 1e-6, "glorot_uniform within +-" + limit);
      FloatArray rk = m.getWeights().get(1); // (16, 64): rows orthonormal
      int rows = 16;
      int cols = 64;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < rows; j++) {
          double dot = 0;
          for (int k = 0; k < cols; k++) dot += rk.data()[i * cols + k] * rk.data()[j * cols + k];
          assertEquals(i == j ? 1.0 : 0.0, dot, 1e-4, "recurrent kernel rows " + i + "," + j);
        }
      }
    }
  }
}
