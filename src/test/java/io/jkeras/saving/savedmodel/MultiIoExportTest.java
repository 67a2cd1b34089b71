package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Weights.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.saving.SavingApi;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;

/** SavedModel export of Functional models with several inputs and outputs, read back by TensorFlow and jkeras. */
class MultiIoExportTest {
  @TempDir
  Path tmp;

  /**
   * Two inputs, two outputs, neither in sorted order (TensorFlow orders a signature's dict by
   * key): "seq" (int32 ids through an Embedding and an LSTM) and "feats" (floats through a
   * Dense), concatenated into "zout"; "aux" sees only the features.
   */
  static Functional twoInTwoOut() {
    KerasTensor seq = new InputLayer(6).name("seq").dtype("int32").output();
    KerasTensor feats = new InputLayer(3).name("feats").output();
    KerasTensor s = new LSTM(5).name("lstm").apply(new Embedding(10, 4).name("embedding").apply(seq));
    KerasTensor f = new Dense(5).activation("tanh").name("dense").apply(feats);
    KerasTensor zout = new Dense(2).name("zout").apply(new Concatenate().name("concatenate").apply(s, f));
    KerasTensor aux = new Dense(1).activation("sigmoid").name("aux").apply(f);
    return Model.of(List.of(seq, feats), List.of(zout, aux), "two_in_two_out");
  }

  static FloatArray ids(long seed, int n) {
    Random r = new Random(seed);
    float[] a = new float[n * 6];
    for (int i = 0; i < a.length; i++) a[i] = r.nextInt(10);
    return new FloatArray(a, n, 6);
  }

  /** Makes {@link #twoInTwoOut} (weights from {@code seed}), exports it to {@code dir}, returns its predictions. */
  private static List<FloatArray> export(long seed, FloatArray seq, FloatArray feats, Path dir, ExportOptions options)
      throws Exception {
    Keras.setRandomSeed(seed);
    try (Functional m = twoInTwoOut()) {
      m.export(dir, options);
      return m.predictMulti(Map.of("seq", seq, "feats", feats));
    }
  }

  @Test
  void twoInputsTwoOutputsByName() throws Exception {
    FloatArray seq = ids(1, 37);
    FloatArray feats = gaussian(2, 37, 3);
    Path dir = tmp.resolve("sm");
    List<FloatArray> expected = export(11, seq, feats, dir, new ExportOptions());
    try (SavedModel sm = SavedModel.load(dir)) {
      for (String name : List.of("serving_default", "serve")) {
        SavedModel.Signature sig = sm.signature(name);
        assertEquals(Set.of("seq", "feats"), sig.inputs().keySet(), name);
        assertEquals(Set.of("zout", "aux"), sig.outputs().keySet(), name);
        assertEquals(DataType.DT_INT32, sig.inputs().get("seq").dtype());
        assertEquals(DataType.DT_FLOAT, sig.inputs().get("feats").dtype());
        assertEquals("[-1, 6]", java.util.Arrays.toString(sig.inputs().get("seq").shape()));
        assertEquals("[-1, 1]", java.util.Arrays.toString(sig.outputs().get("aux").shape()));
        Map<String, Object> feeds = new LinkedHashMap<>();
        feeds.put("feats", feats);
        feeds.put("seq", seq);
        Map<String, FloatArray> out = sig.predict(feeds, 16); // batched: 37 samples in 3 runs
        assertClose(expected.get(0), out.get("zout"), 1e-5, 0);
        assertClose(expected.get(1), out.get("aux"), 1e-5, 0);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> sm.defaultSignature().predict(Map.of("seq", seq, "feets", feats)));
      assertTrue(e.getMessage().contains("feets"), e.getMessage());
    }
    // TensorFlow Java's own loader: the TF1 half names the tensors by signature key.
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve")) {
      SignatureDef def = b.metaGraphDef().getSignatureDefOrThrow("serving_default");
      assertEquals("serving_default_seq:0", def.getInputsOrThrow("seq").getName());
      assertEquals("serving_default_feats:0", def.getInputsOrThrow("feats").getName());
      assertEquals("serving_default_output_zout:0", def.getOutputsOrThrow("zout").getName());
    }
  }

  @Test
  void keras3NamesAndReloadAsATrainableModel() throws Exception {
    FloatArray seq = ids(3, 9);
    FloatArray feats = gaussian(4, 9, 3);
    Path dir = tmp.resolve("k3");
    List<FloatArray> expected = export(12, seq, feats, dir, new ExportOptions().keras3Names(true));
    try (SavedModel sm = SavedModel.load(dir)) {
      assertEquals(Set.of("output_0", "output_1"), sm.defaultSignature().outputs().keySet());
      Map<String, FloatArray> out = sm.defaultSignature().predict(Map.of("seq", seq, "feats", feats));
      assertClose(expected.get(0), out.get("output_0"), 1e-5, 0);
      assertClose(expected.get(1), out.get("output_1"), 1e-5, 0);
    }
    // The export carries the Functional config (assets/keras_model.json): it reopens as the model.
    try (Model back = SavingApi.loadModel(dir)) {
      assertTrue(back instanceof Functional, back.getClass().getName());
      assertEquals(List.of("seq", "feats"), back.inputNames());
      assertEquals(List.of("zout", "aux"), back.outputNames());
      List<FloatArray> again = back.predictMulti(Map.of("seq", seq, "feats", feats));
      assertClose(expected.get(0), again.get(0), 1e-6, 0);
      assertClose(expected.get(1), again.get(1), 1e-6, 0);
    }
  }

  @Test
  void aSingleInputModelWithSeveralOutputs() throws Exception {
    Keras.setRandomSeed(13);
    KerasTensor x = new InputLayer(4).name("x").output();
    KerasTensor h = new Dense(3).name("h").apply(x);
    KerasTensor y = new Dense(2).name("y").apply(h);
    FloatArray xs = gaussian(5, 7, 4);
    Path dir = tmp.resolve("one-in");
    List<FloatArray> expected;
    try (Functional m = Model.of(List.of(x), List.of(y, h))) {
      expected = m.predictMulti(xs);
      m.export(dir);
    }
    try (SavedModel sm = SavedModel.load(dir)) {
      assertEquals(Set.of("x"), sm.defaultSignature().inputs().keySet());
      Map<String, FloatArray> out = sm.defaultSignature().predict(Map.of("x", xs));
      assertClose(expected.get(0), out.get("y"), 1e-6, 0);
      assertClose(expected.get(1), out.get("h"), 1e-6, 0);
    }
  }
}
