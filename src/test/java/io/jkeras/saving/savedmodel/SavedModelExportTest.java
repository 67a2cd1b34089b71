package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dropout;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import io.jkeras.saving.keras.KerasJson;

/** jkeras models exported as SavedModels and read back by TensorFlow's own loader. */
class SavedModelExportTest {
  @TempDir
  Path tmp;

  private static FloatArray random(long seed, int... shape) {
    Random r = new Random(seed);
    int n = 1;
    for (int d : shape) n *= d;
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
    long[] s = new long[shape.length];
    for (int i = 0; i < s.length; i++) s[i] = shape[i];
    return new FloatArray(a, s);
  }

  /** The same architecture as the tfnet LSTM fixture: input_1 (5, 3) -> LSTM(32) -> Dense(1, sigmoid). */
  private static Sequential lstmModel() {
    Sequential m = new Sequential();
    m.add(new InputLayer(5, 3).name("input_1"));
    m.add(new LSTM(32).name("lstm"));
    m.add(new Dense(1).activation("sigmoid").name("dense"));
    return m;
  }

  private static FloatArray runBundle(Path dir, String in, String out, FloatArray x) {
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve")) {
      Signature sig = b.function("serving_default").signature();
      assertEquals(Set.of(in), sig.inputNames());
      assertEquals(Set.of(out), sig.outputNames());
      try (TFloat32 t = TFloat32.tensorOf(Shape.of(x.shape()), DataBuffers.of(x.data(), true, false));
          Result r = b.session().runner().feed(sig.getInputs().get(in).name, t).fetch(sig.getOutputs().get(out).name).run()) {
        return FloatArray.fromTensor((TFloat32) r.get(0));
      }
    }
  }

  /** Export, then reload through TensorFlow Java's SavedModelBundle and through SavedModel: bit for bit. */
  @Test
  void integerInputsExportWithTheDeclaredDtype() throws Exception {
    // int64 ids declared by the InputLayer (as keras.Input(dtype="int64") does): the signature
    // takes int64, and long[][] ids predict what the model predicts on the same ids as floats.
    long[][] ids = {{1, 2, 3, 0}, {4, 5, 0, 0}};
    FloatArray idsAsFloats = FloatArray.of(new float[][] {{1, 2, 3, 0}, {4, 5, 0, 0}});
    Path dir = tmp.resolve("ids64");
    try (Sequential m = new Sequential(new InputLayer(4).dtype("int64"), new io.jkeras.layers.Embedding(8, 3).maskZero(true),
        new LSTM(2))) {
      m.build(new long[] {-1, 4});
      m.export(dir);
      try (SavedModel sm = SavedModel.load(dir)) {
        assertEquals(org.tensorflow.proto.DataType.DT_INT64, sm.defaultSignature().inputs().values().iterator().next().dtype());
        assertArrayEquals(m.predict(idsAsFloats).data(), sm.predict(ids).data(), 1e-6f);
      }
    }
  }

  @Test
  void exportedLstmReloadsBitForBit() throws IOException {
    Keras.setRandomSeed(7);
    FloatArray x = random(1, 4, 5, 3);
    FloatArray big = random(2, 70, 5, 3);
    Path dir = tmp.resolve("lstm");
    try (Sequential m = lstmModel()) {
      m.compile("adam", "binary_crossentropy");
      m.fit(big, random(3, 70, 1), new io.jkeras.models.FitOptions().epochs(1).verbose(0));
      FloatArray expected = m.predict(x);
      FloatArray expectedBig = m.predict(big);
      m.export(dir);

      assertArrayEquals(expected.data(), runBundle(dir, "input_1", "dense", x).data());
      try (SavedModel loaded = SavedModel.load(dir)) {
        assertEquals(Set.of("serving_default", "serve"), loaded.signatures().keySet()); // "serve": Keras 3's endpoint
        assertArrayEquals(new long[] {-1, 5, 3}, loaded.defaultSignature().inputs().get("input_1").shape());
        assertArrayEquals(new long[] {-1, 1}, loaded.defaultSignature().outputs().get("dense").shape());
        assertArrayEquals(expected.data(), loaded.predict(x).data());
        assertArrayEquals(expectedBig.data(), loaded.predict(big).data());
      }

      // The checkpoint holds the weights under their Keras paths (with TF2's attribute suffix),
      // bit for bit, and the object graph TF2 loaders match them by; no optimizer state.
      CheckpointReader r = CheckpointReader.openSavedModel(dir);
      String v = "/.ATTRIBUTES/VARIABLE_VALUE";
      assertEquals(List.of("_CHECKPOINTABLE_OBJECT_GRAPH", "dense/bias" + v, "dense/kernel" + v, "lstm/bias" + v,
          "lstm/kernel" + v, "lstm/recurrent_kernel" + v), r.keys());
      for (io.jkeras.backend.Weight w : m.weights()) {
        assertArrayEquals(w.value().data(), r.floatValue(w.path() + v).data(), w.path());
      }
      r.verify();

      // The config asset.
      JsonNode config = new ObjectMapper().readTree(dir.resolve("assets").resolve(SavedModelExporter.CONFIG_ASSET).toFile());
      assertEquals("Sequential", config.get("class_name").asText());
      JsonNode layers = config.get("config").get("layers");
      assertEquals("InputLayer", layers.get(0).get("class_name").asText());
      assertEquals("input_1", layers.get(0).get("config").get("name").asText());
      assertEquals("LSTM", layers.get(1).get("class_name").asText());
      assertEquals(32, layers.get(1).get("config").get("units").asInt());
      assertEquals("dense", layers.get(2).get("config").get("name").asText());
      try (Sequential back = KerasJson.read(dir.resolve("assets").resolve(SavedModelExporter.CONFIG_ASSET))) {
        assertEquals(2, back.layers().size());
        assertEquals("input_1", back.inputName());
        assertArrayEquals(new long[] {-1, 5, 3}, back.inputBatchShape());
      }

      // Training goes on after export, and a second export replaces the first.
      m.fit(big, random(4, 70, 1), new io.jkeras.models.FitOptions().epochs(1).verbose(0));
      FloatArray after = m.predict(x);
      assertFalse(java.util.Arrays.equals(expected.data(), after.data()));
      m.export(dir);
      assertArrayEquals(after.data(), runBundle(dir, "input_1", "dense", x).data());
    }
  }

  /**
   * Interchange both ways: the Python-trained fixture's weights, read from its checkpoint, go
   * into a jkeras model whose export then gives what the Python SavedModel gives.
   */
  @Test
  void pythonWeightsThroughJkerasExportMatchThePythonSavedModel() throws IOException {
    Path fixture = path("savedmodel-tfnet-lstm-sequential");
    FloatArray x = npy("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    Path dir = tmp.resolve("roundtrip");
    try (Sequential m = lstmModel()) {
      m.build(-1, 5, 3);
      m.setWeights(List.of(
          KerasSavedModelReader.variableValue(fixture, "lstm/lstm_cell/kernel"),
          KerasSavedModelReader.variableValue(fixture, "lstm/lstm_cell/recurrent_kernel"),
          KerasSavedModelReader.variableValue(fixture, "lstm/lstm_cell/bias"),
          KerasSavedModelReader.variableValue(fixture, "dense/kernel"),
          KerasSavedModelReader.variableValue(fixture, "dense/bias")));
      FloatArray jkeras = m.predict(x);
      m.export(dir);
      try (SavedModel python = SavedModel.load(fixture); SavedModel exported = SavedModel.load(dir)) {
        FloatArray py = python.predict(x);
        FloatArray ours = exported.predict(x);
        assertArrayEquals(jkeras.data(), ours.data());
        io.jkeras.testing.Fixtures.assertClose(py, ours, 1e-6, 1e-6);
        io.jkeras.testing.Fixtures.assertClose(npy("savedmodel-tfnet-lstm-sequential/derived/expected_serving_default_dense.npy"),
            ours, 1e-4, 1e-4);
      }
    }
  }

  /** saved_model.pb compared field by field with the Python-made fixture of the same architecture. */
  @Test
  void structureMatchesThePythonFixtures() throws IOException {
    Path dir = tmp.resolve("structure");
    try (Sequential m = lstmModel()) {
      m.build(-1, 5, 3);
      m.export(dir);
    }
    MetaGraphDef ours = SavedModelFiles.readSavedModel(dir).getMetaGraphs(0);
    org.tensorflow.proto.SavedModel oursFile = SavedModelFiles.readSavedModel(dir);
    for (String f : List.of("savedmodel-tfnet-lstm-sequential", "savedmodel-tfnet-mlp-functional", "savedmodel-tfnet-custom-layer")) {
      org.tensorflow.proto.SavedModel theirsFile = SavedModelFiles.readSavedModel(path(f));
      MetaGraphDef theirs = theirsFile.getMetaGraphs(0);
      assertEquals(theirsFile.getSavedModelSchemaVersion(), oursFile.getSavedModelSchemaVersion(), f + " schema version");
      assertEquals(theirsFile.getMetaGraphsCount(), oursFile.getMetaGraphsCount(), f + " MetaGraph count");
      assertEquals(theirs.getMetaInfoDef().getTagsList(), ours.getMetaInfoDef().getTagsList(), f + " tags");
      SignatureDef t = theirs.getSignatureDefOrThrow("serving_default");
      SignatureDef o = ours.getSignatureDefOrThrow("serving_default");
      assertEquals(t.getMethodName(), o.getMethodName(), f + " method name");
      assertEquals(1, o.getInputsCount());
      assertEquals(t.getInputsMap().keySet(), o.getInputsMap().keySet(), f + " input keys");
      TensorInfo ti = t.getInputsMap().values().iterator().next();
      TensorInfo oi = o.getInputsMap().values().iterator().next();
      assertEquals(ti.getDtype(), oi.getDtype(), f + " input dtype");
      assertEquals(-1, oi.getTensorShape().getDim(0).getSize(), "batch dimension unknown");
      assertEquals(ti.getTensorShape().getDim(0).getSize(), oi.getTensorShape().getDim(0).getSize(), f + " batch dim");
      TensorInfo to = t.getOutputsMap().values().iterator().next();
      TensorInfo oo = o.getOutputsMap().values().iterator().next();
      assertEquals(to.getDtype(), oo.getDtype(), f + " output dtype");
      assertEquals(to.getTensorShape().getDimCount(), oo.getTensorShape().getDimCount(), f + " output rank");
      assertTrue(theirs.hasSaverDef() && ours.hasSaverDef(), f + " SaverDef present");
      assertEquals(theirs.getSaverDef().getVersion(), ours.getSaverDef().getVersion(), f + " checkpoint format");
      assertEquals(SaverDef.CheckpointFormatVersion.V2, ours.getSaverDef().getVersion());
      assertTrue(theirs.getGraphDef().getVersions().getProducer() > 0 && ours.getGraphDef().getVersions().getProducer() > 0);
    }
    // Against the LSTM fixture of the same architecture the whole serving signature is identical,
    // tensor names aside.
    SignatureDef t = SavedModelFiles.readSavedModel(path("savedmodel-tfnet-lstm-sequential")).getMetaGraphs(0)
        .getSignatureDefOrThrow("serving_default");
    SignatureDef o = ours.getSignatureDefOrThrow("serving_default");
    assertEquals(withoutNames(t), withoutNames(o));
    assertEquals("serving_default_input_1:0", o.getInputsOrThrow("input_1").getName());

    // The graph is inference only: no optimizer, gradient or training ops; resource variables.
    Set<String> ops = new TreeSet<>();
    for (NodeDef n : ours.getGraphDef().getNodeList()) ops.add(n.getOp());
    assertTrue(ops.containsAll(List.of("VarHandleOp", "ReadVariableOp", "SaveV2", "RestoreV2", "Placeholder")), ops.toString());
    assertFalse(ops.contains("VariableV2"), ops.toString());
    assertTrue(ops.stream().noneMatch(op -> op.startsWith("Apply") || op.startsWith("ResourceApply") || op.contains("Grad")), ops.toString());
    assertEquals(Set.of("variables", "trainable_variables"), ours.getCollectionDefMap().keySet());
    assertTrue(ours.getMetaInfoDef().getStrippedOpList().getOpCount() >= ops.size());
    assertEquals(org.tensorflow.TensorFlow.version(), ours.getMetaInfoDef().getTensorflowVersion());
  }

  private static SignatureDef withoutNames(SignatureDef s) {
    SignatureDef.Builder b = s.toBuilder().clearInputs().clearOutputs();
    s.getInputsMap().forEach((k, v) -> b.putInputs(k, v.toBuilder().clearName().build()));
    s.getOutputsMap().forEach((k, v) -> b.putOutputs(k, v.toBuilder().clearName().build()));
    return b.build();
  }

  /** Without an InputLayer the input is named as Keras 3 names the InputLayer it creates. */
  @Test
  void denseModelWithoutInputLayer() throws IOException {
    Path dir = tmp.resolve("mlp");
    FloatArray x = random(5, 50, 4);
    try (Sequential m = new Sequential(new Dense(8).activation("relu").inputShape(4).name("hidden"),
        new Dropout(0.5), new Dense(3).activation("softmax").name("probs"))) {
      FloatArray expected = m.predict(x);
      m.export(dir);
      String in = m.inputName();
      assertTrue(in.startsWith("input_layer"), in);
      assertArrayEquals(expected.data(), runBundle(dir, in, "probs", x).data());
      try (SavedModel loaded = SavedModel.load(dir)) {
        assertEquals(DataType.DT_FLOAT, loaded.defaultSignature().inputs().get(in).dtype());
        assertArrayEquals(expected.data(), loaded.predict(Map.of(in, x), 7).get("probs").data());
      }
      JsonNode config = new ObjectMapper().readTree(dir.resolve("assets").resolve(SavedModelExporter.CONFIG_ASSET).toFile());
      assertEquals(in, config.get("config").get("layers").get(0).get("config").get("name").asText());
    }
  }

  @Test
  void exportErrors() throws IOException {
    try (Sequential m = new Sequential(new Dense(2))) {
      Throwable e = assertThrows(IllegalStateException.class, () -> m.export(tmp.resolve("a")));
      assertTrue(e.getMessage().contains("no known input shape"), e.getMessage());
    }
    Path busy = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(busy.resolve("notes.txt"), "mine");
    try (Sequential m = new Sequential(new Dense(2).inputShape(3))) {
      Throwable e = assertThrows(IOException.class, () -> m.export(busy));
      assertTrue(e.getMessage().contains("not empty and holds no SavedModel"), e.getMessage());
      assertTrue(Files.exists(busy.resolve("notes.txt")));
    }
  }

  /**
   * A stateful model exports as Keras exports it: the served function carries its state from
   * call to call, so successive calls equal successive predict calls from the same state.
   */
  @Test
  void statefulModelKeepsStateAcrossServingCalls() throws IOException {
    io.jkeras.Keras.setRandomSeed(5);
    float[][][] x1 = {{{0.1f}}, {{0.4f}}};
    float[][][] x2 = {{{0.7f}}, {{0.2f}}};
    try (Sequential m = new Sequential(new LSTM(4).stateful(true).batchInputShape(2, 1, 1), new Dense(3))) {
      m.build(2, 1, 1);
      m.predict(x1, 2); // state at export: after one step
      Path dir = tmp.resolve("stateful");
      m.export(dir);
      float[] a = m.predict(x2, 2).data();
      float[] b = m.predict(x1, 2).data();
      try (SavedModel loaded = SavedModel.load(dir)) {
        assertArrayEquals(a, loaded.predict(x2, 2).data(), 1e-6f);
        assertArrayEquals(b, loaded.predict(x1, 2).data(), 1e-6f, "the served state advanced with the first call");
      }
      try (org.tensorflow.SavedModelBundle raw = org.tensorflow.SavedModelBundle.load(dir.toString(), "serve")) {
        org.tensorflow.proto.SignatureDef sig = raw.metaGraphDef().getSignatureDefMap().get("serving_default");
        assertEquals(2, sig.getInputsMap().values().iterator().next().getTensorShape().getDim(0).getSize(), "fixed batch");
      }
    }
  }
}
