package io.jkeras.layers;

import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Fixtures.h5;
import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jkeras.activations.Activations;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forward values of Dense, LSTM and Embedding against outputs of real Python Keras runs
 * (REAL: produced by Keras itself; DERIVED: an independent float64 numpy forward pass over
 * the same Keras-saved weights). Weights are read from the Keras files and set by order.
 */
class KerasFixtureForwardTest {

  private static FloatArray w(Path h5, String layer, String name) {
    return h5(h5, "model_weights/" + layer + "/" + layer + "/" + name + ":0");
  }

  /** REAL Keras 2.1.3: LSTM(50, hard_sigmoid) -> Dense(1), predictions and LSTM activations. */
  @Test
  void lstmDenseMatchRealKeras2Predictions() {
    Path model = path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_model.h5");
    Path io = path("keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_inputs_and_outputs.h5");
    FloatArray x = h5(io, "inputs/lstm_1_input");
    try (Sequential lstmOnly = new Sequential(); Sequential full = new Sequential()) {
      LSTM lstm = new LSTM(50).recurrentActivation(Activations.get("hard_sigmoid", 2)).dropout(0.2).inputShape(1, 1);
      full.add(lstm);
      full.add(new Dense(1));
      full.build(-1, 1, 1);
      full.setWeights(List.of(w(model, "lstm_1", "kernel"), w(model, "lstm_1", "recurrent_kernel"), w(model, "lstm_1", "bias"),
          w(model, "dense_1", "kernel"), w(model, "dense_1", "bias")));
      double err = assertClose(h5(io, "predictions/dense_1"), full.predict(x), 1e-5, 1e-5);
      System.out.println("simple_flatten_lstm predictions max abs error " + err);

      LSTM lstm2 = new LSTM(50).recurrentActivation(Activations.get("hard_sigmoid", 2)).inputShape(1, 1);
      lstmOnly.add(lstm2);
      lstmOnly.build(-1, 1, 1);
      lstmOnly.setWeights(List.of(w(model, "lstm_1", "kernel"), w(model, "lstm_1", "recurrent_kernel"), w(model, "lstm_1", "bias")));
      assertClose(h5(io, "activations/lstm_1"), lstmOnly.predict(x), 1e-5, 1e-5);
    }
  }

  /** REAL Keras 2.3.1: Dense(3) -> Activation(softmax). */
  @Test
  void denseSoftmaxMatchesRealKeras() {
    Path dir = path("keras2-dl4j-mlp-sparse-xent");
    Path model = dir.resolve("simple_sparse_xent_mlp_keras_2_model.h5");
    Path io = dir.resolve("simple_sparse_xent_mlp_keras_2_inputs_and_outputs.h5");
    try (Sequential m = new Sequential(new Dense(3).inputShape(4), new Activation("softmax"))) {
      m.build(-1, 4);
      m.setWeights(List.of(w(model, "dense_1", "kernel"), w(model, "dense_1", "bias")));
      FloatArray x = h5(io, "inputs/dense_1_input");
      assertClose(h5(io, "predictions/activation_1"), m.predict(x), 1e-6, 1e-5);
    }
  }

  /** DERIVED: Embedding(4, 5) -> LSTM(6, return_sequences, Keras-2 hard_sigmoid). */
  @Test
  void embeddingLstmSequencesMatchDerived() {
    Path model = path("keras2-dl4j-embedding-bidirectional-lstm-h5/embedding_lstm_tensorflow_2.h5");
    try (Sequential m = new Sequential()) {
      m.add(new Embedding(4, 5).inputShape(10));
      m.add(new LSTM(6).returnSequences(true).recurrentActivation(Activations.get("hard_sigmoid", 2)));
      m.build(-1, 10);
      m.setWeights(List.of(w(model, "embedding_1", "embeddings"), w(model, "lstm_1", "kernel"),
          w(model, "lstm_1", "recurrent_kernel"), w(model, "lstm_1", "bias")));
      FloatArray x = npy("keras2-dl4j-embedding-bidirectional-lstm-h5/derived/embedding_lstm_tensorflow_2_input.npy");
      FloatArray expected = npy("keras2-dl4j-embedding-bidirectional-lstm-h5/derived/embedding_lstm_tensorflow_2_expected.npy");
      assertClose(expected, m.predict(x), 1e-4, 1e-4);
    }
  }

  /** DERIVED: LSTM(6) on (4, 1) inputs, last output only. */
  @Test
  void lstmLastOutputMatchesDerived() {
    Path model = path("keras2-dl4j-embedding-bidirectional-lstm-h5/lstm_tensorflow_2.h5");
    try (Sequential m = new Sequential()) {
      m.add(new LSTM(6).recurrentActivation(Activations.get("hard_sigmoid", 2)).inputShape(4, 1));
      m.build(-1, 4, 1);
      m.setWeights(List.of(w(model, "lstm_1", "kernel"), w(model, "lstm_1", "recurrent_kernel"), w(model, "lstm_1", "bias")));
      FloatArray x = npy("keras2-dl4j-embedding-bidirectional-lstm-h5/derived/lstm_tensorflow_2_input.npy");
      assertClose(npy("keras2-dl4j-embedding-bidirectional-lstm-h5/derived/lstm_tensorflow_2_expected.npy"), m.predict(x), 1e-4, 1e-4);
    }
  }

  /**
   * DERIVED, Keras 3.10 file: LSTM(128, seq) -> Dropout -> LSTM(128) -> Dense(64, relu) ->
   * Dense(6, softmax) with Keras 3 defaults (sigmoid recurrent activation), weights from the
   * .keras archive's model.weights.h5 (layers/lstm/cell/vars/0..2 ...).
   */
  @Test
  void keras3HarLstmMatchesDerived(@TempDir Path tmp) throws IOException {
    Path archive = path("keras3-har-lstm/lstm_model.keras");
    Path weights = tmp.resolve("model.weights.h5");
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      ZipEntry e = zip.getEntry("model.weights.h5");
      try (InputStream in = zip.getInputStream(e)) {
        Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try (Sequential m = new Sequential()) {
      m.add(new LSTM(128).returnSequences(true).inputShape(100, 6));
      m.add(new Dropout(0.2));
      m.add(new LSTM(128));
      m.add(new Dense(64).activation("relu"));
      m.add(new Dense(6).activation("softmax"));
      m.build(-1, 100, 6);
      m.setWeights(List.of(
          h5(weights, "layers/lstm/cell/vars/0"), h5(weights, "layers/lstm/cell/vars/1"), h5(weights, "layers/lstm/cell/vars/2"),
          h5(weights, "layers/lstm_1/cell/vars/0"), h5(weights, "layers/lstm_1/cell/vars/1"), h5(weights, "layers/lstm_1/cell/vars/2"),
          h5(weights, "layers/dense/vars/0"), h5(weights, "layers/dense/vars/1"),
          h5(weights, "layers/dense_1/vars/0"), h5(weights, "layers/dense_1/vars/1")));
      assertEquals(4 * (128 * (6 + 128) + 128) + 4 * (128 * 256 + 128) + 128 * 64 + 64 + 64 * 6 + 6, m.countParams());
      FloatArray x = npy("keras3-har-lstm/derived/input.npy");
      double err = assertClose(npy("keras3-har-lstm/derived/expected_output.npy"), m.predict(x), 1e-4, 1e-4);
      System.out.println("keras3-har-lstm max abs error " + err);
    }
  }

  /** DERIVED, KotlinDL Keras 2.4: 3x LSTM(64) with Dropout -> Dense(41) -> softmax, weights mapped by order. */
  @Test
  void stackedLstmTextgenMatchesDerived() {
    Path wf = path("keras2-kotlindl-lstm-textgen/weights.h5");
    try (Sequential m = new Sequential()) {
      m.add(new LSTM(64).returnSequences(true).inputShape(40, 41));
      m.add(new Dropout(0.2));
      m.add(new LSTM(64).returnSequences(true));
      m.add(new Dropout(0.2));
      m.add(new LSTM(64));
      m.add(new Dropout(0.2));
      m.add(new Dense(41));
      m.add(new Activation("softmax"));
      m.build(-1, 40, 41);
      String[] l = {"lstm_9", "lstm_10", "lstm_11"};
      java.util.List<FloatArray> ws = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String cell = "lstm_cell_" + (9 + i);
        ws.add(h5(wf, l[i] + "/" + l[i] + "/" + cell + "/kernel:0"));
        ws.add(h5(wf, l[i] + "/" + l[i] + "/" + cell + "/recurrent_kernel:0"));
        ws.add(h5(wf, l[i] + "/" + l[i] + "/" + cell + "/bias:0"));
      }
      ws.add(h5(wf, "dense_3/dense_3/kernel:0"));
      ws.add(h5(wf, "dense_3/dense_3/bias:0"));
      m.setWeights(ws);
      FloatArray x = npy("keras2-kotlindl-lstm-textgen/derived/input_onehot.npy");
      assertClose(npy("keras2-kotlindl-lstm-textgen/derived/expected_output.npy"), m.predict(x), 1e-4, 1e-4);
    }
  }
}
