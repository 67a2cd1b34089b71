package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.data.FloatArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.types.TFloat32;

/** keras_metadata.pb and the checkpoint of Keras 2 SavedModels, read in plain Java. */
class KerasSavedModelReaderTest {
  private static final String LSTM = "savedmodel-tfnet-lstm-sequential";

  @Test
  void modelConfigOfTheLstmSequential() throws Exception {
    Path dir = path(LSTM);
    List<KerasSavedModelReader.MetadataNode> nodes = KerasSavedModelReader.metadataNodes(dir);
    assertEquals("root", nodes.get(0).nodePath);
    assertEquals("_tf_keras_sequential", nodes.get(0).identifier);
    assertTrue(nodes.stream().anyMatch(n -> n.identifier.equals("_tf_keras_rnn_layer")), nodes.toString());

    JsonNode c = new ObjectMapper().readTree(KerasSavedModelReader.modelConfigJson(dir));
    assertEquals("Sequential", c.get("class_name").asText());
    assertEquals("2.12.0", c.get("keras_version").asText());
    JsonNode layers = c.get("config").get("layers");
    assertEquals("InputLayer", layers.get(0).get("class_name").asText());
    assertEquals("input_1", layers.get(0).get("config").get("name").asText());
    assertEquals("LSTM", layers.get(1).get("class_name").asText());
    assertEquals(32, layers.get(1).get("config").get("units").asInt());
    assertEquals("Dense", layers.get(2).get("class_name").asText());
    assertEquals("sigmoid", layers.get(2).get("config").get("activation").asText());
    // The raw root metadata is there too.
    assertTrue(KerasSavedModelReader.rootMetadataJson(dir).contains("\"model_config\""));
  }

  @Test
  void checkpointKeysAndValuesOfTheLstm() {
    Path dir = path(LSTM);
    List<String> keys = KerasSavedModelReader.listCheckpointKeys(dir);
    assertTrue(keys.contains("variables/0/.ATTRIBUTES/VARIABLE_VALUE"), keys.toString());
    assertTrue(keys.contains("layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    assertTrue(keys.contains(KerasSavedModelReader.OBJECT_GRAPH_KEY));
    assertArrayEquals(new long[] {3, 128}, KerasSavedModelReader.checkpointValue(dir, "variables/0/.ATTRIBUTES/VARIABLE_VALUE").shape());
    assertArrayEquals(new long[] {32, 128}, KerasSavedModelReader.checkpointValue(dir, "variables/1/.ATTRIBUTES/VARIABLE_VALUE").shape());
    assertArrayEquals(new long[] {128}, KerasSavedModelReader.checkpointValue(dir, "variables/2/.ATTRIBUTES/VARIABLE_VALUE").shape());
    assertArrayEquals(new long[] {32, 1}, KerasSavedModelReader.checkpointValue(dir, "layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE").shape());
    CheckpointReader r = CheckpointReader.openSavedModel(dir);
    assertEquals(DataType.DT_INT64, r.dtype("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"));
    r.verify();

    // Keras variable names, resolved through the SavedModel's object graph (the LSTM cell's
    // weights are stored under variables/0..2, not under layer_with_weights-0).
    Map<String, String> names = KerasSavedModelReader.variableKeys(dir);
    assertEquals("variables/0/.ATTRIBUTES/VARIABLE_VALUE", names.get("lstm/lstm_cell/kernel"));
    assertEquals("variables/1/.ATTRIBUTES/VARIABLE_VALUE", names.get("lstm/lstm_cell/recurrent_kernel"));
    assertEquals("variables/2/.ATTRIBUTES/VARIABLE_VALUE", names.get("lstm/lstm_cell/bias"));
    assertEquals("layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE", names.get("dense/kernel"));
    assertEquals("layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE", names.get("dense/bias"));
    assertArrayEquals(KerasSavedModelReader.checkpointValue(dir, "variables/0/.ATTRIBUTES/VARIABLE_VALUE").data(),
        KerasSavedModelReader.variableValue(dir, "lstm/lstm_cell/kernel:0").data());

    TrackableObjectGraph og = KerasSavedModelReader.checkpointObjectGraph(dir);
    assertTrue(og.getNodesCount() > 10);
    assertTrue(og.getNodes(0).getChildrenList().stream().anyMatch(ch -> ch.getLocalName().equals("variables")));
  }

  /** The plain-Java reader gives bit for bit what TensorFlow's own RestoreV2 op reads. */
  @Test
  void javaReaderAgreesWithTensorFlowRestore() {
    Path dir = path(LSTM);
    CheckpointReader r = CheckpointReader.openSavedModel(dir);
    List<String> keys = List.of("variables/0/.ATTRIBUTES/VARIABLE_VALUE", "variables/1/.ATTRIBUTES/VARIABLE_VALUE",
        "variables/2/.ATTRIBUTES/VARIABLE_VALUE", "layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE");
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Restore restore = tf.train.restore(tf.constant(r.prefix().toString()),
          tf.constant(StdArrays.ndCopyOf(keys.toArray(new String[0]))), tf.constant(StdArrays.ndCopyOf(emptyStrings(keys.size()))),
          java.util.Collections.nCopies(keys.size(), TFloat32.class));
      Session.Runner run = s.runner();
      for (var t : restore.tensors()) run.fetch(t);
      try (Result res = run.run()) {
        for (int i = 0; i < keys.size(); i++) {
          FloatArray tfValue = FloatArray.fromTensor((TFloat32) res.get(i));
          assertArrayEquals(tfValue.data(), r.floatValue(keys.get(i)).data(), keys.get(i));
        }
      }
    }
  }

  private static String[] emptyStrings(int n) {
    String[] s = new String[n];
    java.util.Arrays.fill(s, "");
    return s;
  }

  /** The functional MLP: the repo's expected weights equal the checkpoint values exactly. */
  @Test
  void mlpWeightsMatchTheShippedNpyFiles() {
    Path dir = path("savedmodel-tfnet-mlp-functional");
    Map<String, String> names = KerasSavedModelReader.variableKeys(dir);
    assertEquals("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", names.get("dense/kernel"));
    FloatArray bias0 = npy("savedmodel-tfnet-mlp-functional/bias0.npy");
    FloatArray kernel1 = npy("savedmodel-tfnet-mlp-functional/kernel1.npy");
    assertArrayEquals(bias0.data(), KerasSavedModelReader.variableValue(dir, "dense/bias").data());
    assertArrayEquals(kernel1.data(), KerasSavedModelReader.variableValue(dir, "dense_1/kernel").data());
    assertArrayEquals(new long[] {784, 100}, KerasSavedModelReader.variableValue(dir, "dense/kernel").shape());
    JsonNode layers;
    try {
      layers = new ObjectMapper().readTree(KerasSavedModelReader.modelConfigJson(dir)).get("config").get("layers");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertEquals("Flatten", layers.get(1).get("class_name").asText());
  }

  /** A Snappy-compressed index (TF 2.14's tf.Module export) reads too: a = 0.5, b = 2, c = 3. */
  @Test
  void snappyCompressedIndex() {
    Path dir = path("savedmodel-tfserving-half-plus-two-tf2");
    assertEquals(0.5f, KerasSavedModelReader.checkpointValue(dir, "a/.ATTRIBUTES/VARIABLE_VALUE").data()[0]);
    assertEquals(2f, KerasSavedModelReader.variableValue(dir, "b").data()[0]);
    assertEquals(3f, KerasSavedModelReader.variableValue(dir, "c").data()[0]);
    CheckpointReader.openSavedModel(dir).verify();
  }
}
