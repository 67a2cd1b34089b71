package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;

/** Python-made SavedModels (Keras 2.11/2.12, tf.Module 2.14) run through {@link SavedModel}. */
class SavedModelLoadTest {

  /** DERIVED outputs of the Keras LSTM(32) -> Dense(1, sigmoid) Sequential, within 1e-4. */
  @Test
  void lstmSequentialMatchesDerivedOutputs() {
    Path dir = path("savedmodel-tfnet-lstm-sequential");
    FloatArray x = npy("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    FloatArray expected = npy("savedmodel-tfnet-lstm-sequential/derived/expected_serving_default_dense.npy");
    try (SavedModel m = SavedModel.load(dir)) {
      SavedModel.Signature s = m.defaultSignature();
      assertEquals("serving_default", s.name());
      assertEquals("tensorflow/serving/predict", s.methodName());
      assertEquals(List.of("input_1"), List.copyOf(s.inputs().keySet()));
      assertEquals(List.of("dense"), List.copyOf(s.outputs().keySet()));
      assertEquals(DataType.DT_FLOAT, s.inputs().get("input_1").dtype());
      assertArrayEquals(new long[] {-1, 5, 3}, s.inputs().get("input_1").shape());
      assertArrayEquals(new long[] {-1, 1}, s.outputs().get("dense").shape());
      assertEquals("serving_default_input_1:0", s.inputs().get("input_1").tensorName());
      assertEquals("2.12.0", m.tensorflowVersion());

      FloatArray y = m.predict(x);
      double err = assertClose(expected, y, 1e-4, 1e-4);
      System.out.println("tfnet LSTM SavedModel vs derived: max abs error " + err);

      // The same through named inputs, a float[][][] and in batches of one sample.
      FloatArray byName = m.predict(Map.of("input_1", x)).get("dense");
      assertArrayEquals(y.data(), byName.data());
      FloatArray fromJava = m.predict(x.toArray3());
      assertArrayEquals(y.data(), fromJava.data());
      FloatArray oneByOne = m.predict(x, 1);
      assertArrayEquals(new long[] {4, 1}, oneByOne.shape());
      assertClose(y, oneByOne, 1e-6, 0);
    }
  }

  /** A batch larger than the batch size is split and joined in order. */
  @Test
  void largeInputsAreSplitIntoBatches() {
    Path dir = path("savedmodel-tfnet-lstm-sequential");
    FloatArray x = npy("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    int n = 100;
    float[] big = new float[n * 15];
    for (int i = 0; i < n; i++) System.arraycopy(x.data(), (i % 4) * 15, big, i * 15, 15);
    try (SavedModel m = SavedModel.load(dir)) {
      FloatArray ref = m.predict(x);
      FloatArray y = m.predict(new FloatArray(big, n, 5, 3), 7);
      assertArrayEquals(new long[] {n, 1}, y.shape());
      for (int i = 0; i < n; i++) assertEquals(ref.data()[i % 4], y.data()[i], 1e-6, "sample " + i);
      FloatArray whole = m.predict(new FloatArray(big, n, 5, 3), 0);
      assertClose(whole, y, 1e-6, 0);
    }
  }

  /** DERIVED outputs of the functional Flatten -> Dense(100, relu) -> Dense(10) -> Softmax. */
  @Test
  void mlpFunctionalMatchesDerivedOutputs() {
    Path dir = path("savedmodel-tfnet-mlp-functional");
    FloatArray x = npy("savedmodel-tfnet-mlp-functional/derived/input_serving_default_input_1.npy");
    FloatArray expected = npy("savedmodel-tfnet-mlp-functional/derived/expected_serving_default_softmax.npy");
    try (SavedModel m = SavedModel.load(dir)) {
      assertArrayEquals(new long[] {-1, 28, 28, 1}, m.defaultSignature().inputs().get("input_1").shape());
      Map<String, FloatArray> out = m.predict(Map.of("input_1", x));
      assertEquals(List.of("softmax"), List.copyOf(out.keySet()));
      double err = assertClose(expected, out.get("softmax"), 1e-4, 1e-4);
      System.out.println("tfnet MLP SavedModel vs derived: max abs error " + err);
    }
  }

  /** A Keras model with a custom Python layer still runs as a SavedModel (its graph has the MatMul). */
  @Test
  void customLayerModelRunsAsSavedModel() {
    Path dir = path("savedmodel-tfnet-custom-layer");
    try (SavedModel m = SavedModel.load(dir)) {
      float[][] x = new float[3][784];
      for (int i = 0; i < 3; i++) for (int j = 0; j < 784; j++) x[i][j] = ((i + 1) * j % 17) / 17f;
      FloatArray y = m.predict(x);
      assertArrayEquals(new long[] {3, 10}, y.shape());
      for (int i = 0; i < 3; i++) {
        double sum = 0;
        for (int j = 0; j < 10; j++) {
          float v = y.get(i, j);
          assertTrue(v >= 0 && v <= 1, "softmax value " + v);
          sum += v;
        }
        assertEquals(1.0, sum, 1e-5, "softmax row " + i);
      }
      // Its weight, read from the checkpoint, reproduces the output. The graph of the custom
      // call is m = (x + 1) @ matrix; m + (m - 1), then Softmax: softmax(2 (x + 1) @ matrix).
      FloatArray w = KerasSavedModelReader.variableValue(dir, "transformer/matrix");
      assertArrayEquals(new long[] {784, 10}, w.shape());
      for (int j = 0; j < 10; j++) {
        double[] logits = new double[10];
        for (int k = 0; k < 10; k++) for (int i = 0; i < 784; i++) logits[k] += 2.0 * (x[0][i] + 1.0) * w.get(i, k);
        double max = java.util.Arrays.stream(logits).max().getAsDouble();
        double z = 0;
        for (double l : logits) z += Math.exp(l - max);
        assertEquals(Math.exp(logits[j] - max) / z, y.get(0, j), 1e-4);
      }
    }
  }

  /** tf.Module baseline: y = 0.5 x + 2 exactly, and the other float signatures (0.5 x + 3). */
  @Test
  void halfPlusTwoIsExact() {
    Path dir = path("savedmodel-tfserving-half-plus-two-tf2");
    try (SavedModel m = SavedModel.load(dir)) {
      assertEquals(List.of("classify_x2_to_y3", "classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2",
          "serving_default"), List.copyOf(m.signatures().keySet()));
      assertArrayEquals(new long[] {1}, m.defaultSignature().inputs().get("x").shape());
      for (float x : new float[] {1f, 2f, 5f, -3f, 0.25f}) {
        assertEquals(0.5f * x + 2f, m.predict(new float[] {x}).data()[0], 0f, "serving_default at " + x);
        assertEquals(0.5f * x + 2f, m.predict(Map.of("x", new float[] {x})).get("y").data()[0], 0f);
        assertEquals(0.5f * x + 3f, m.signature("regress_x2_to_y3").predict(new float[] {x}).data()[0], 0f);
        assertEquals(0.5f * x + 3f, m.signature("classify_x2_to_y3").predict(Map.of("inputs", new double[] {x}))
            .get("scores").data()[0], 0f);
      }
      assertEquals(2.5f, m.predict(new float[] {1f}).data()[0], 0f);
      assertEquals(3.0f, m.predict(new float[] {2f}).data()[0], 0f);
      assertEquals(4.5f, m.predict(new float[] {5f}).data()[0], 0f);
    }
  }

  /** The DT_STRING signatures take serialized tf.Example protos. */
  @Test
  void halfPlusTwoTakesTfExamples() {
    Path dir = path("savedmodel-tfserving-half-plus-two-tf2");
    try (SavedModel m = SavedModel.load(dir)) {
      SavedModel.Signature s = m.signature("regress_x_to_y");
      assertEquals(DataType.DT_STRING, s.inputs().get("inputs").dtype());
      byte[][] examples = {example(1f), example(2f), example(5f)};
      FloatArray y = s.predict(examples);
      assertArrayEquals(new long[] {3, 1}, y.shape());
      assertArrayEquals(new float[] {2.5f, 3f, 4.5f}, y.data());
    }
  }

  private static byte[] example(float x) {
    return Example.newBuilder()
        .setFeatures(Features.newBuilder().putFeature("x", Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(x)).build()))
        .build().toByteArray();
  }
}
