package io.jkeras.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.Keras;
import io.jkeras.cli.Main;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Sequential;
import io.jkeras.models.ExportOptions;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.testing.CliRun;
import io.jkeras.testing.Fixtures;
import io.jkeras.testing.KerasPython;
import io.jkeras.testing.Weights;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/**
 * The SavedModel defects of issue 11, each checked against real Keras 3 / TensorFlow in one
 * Python run ({@code src/test/python/j2p_savedmodel.py}):
 * <ul>
 *   <li>an Embedding model's export declares int32 ids, and TFSMLayer takes an int32 array;</li>
 *   <li>stateful models with a fixed batch size: {@code jkeras predict} on Keras's own stateful
 *       export runs batch after batch (with or without {@code --batch-size 2}), refuses a batch
 *       size or sample count that does not fit, and carries state across batches and calls as
 *       Keras's predict does; a reload starts again from the state saved at export;</li>
 *   <li>Keras 3 naming: signatures {@code serve} and {@code serving_default} with output
 *       {@code output_0}; {@code loaded.serve(x)} and {@code TFSMLayer(d, call_endpoint="serve")} return the tensor as on Keras 3 exports.</li>
 * </ul>
 */
class SavedModelDefectsTest {
  private static Path work;
  private static JsonNode python;
  private static FloatArray namedY;
  private static FloatArray idsY;

  @BeforeAll
  static void makeAndCheckInPython() throws Exception {
    KerasPython.python();
    work = KerasPython.work("j2p-savedmodel");
    JavaToPythonTest.deleteTree(work);
    java.nio.file.Files.createDirectories(work);
    Keras.setRandomSeed(5);
    FloatArray x = JavaToPythonTest.gaussian(3, 4, 6, 3);
    try (Sequential m = new Sequential(new LSTM(4).inputShape(6, 3), new Dense(2))) {
      m.export(work.resolve("named"), new ExportOptions().keras3Names(true));
      Npy.write(work.resolve("named_x.npy"), x);
      namedY = m.predict(x);
      Npy.write(work.resolve("named_y.npy"), namedY);
    }
    FloatArray ids = JavaToPythonTest.ids(4, 5, 12);
    try (Sequential m = new Sequential(new Embedding(12, 3).maskZero(true).inputShape(5), new LSTM(2))) {
      m.export(work.resolve("ids"));
      assertTrue(KerasJson.write(m).contains("\"dtype\" : \"int32\""), "the InputLayer of the JSON declares int32 ids");
      Npy.write(work.resolve("ids_x.npy"), ids);
      idsY = m.predict(ids);
      Npy.write(work.resolve("ids_y.npy"), idsY);
    }
    KerasPython.run("j2p_savedmodel.py", work.toString(), work.resolve("named").toString(), work.resolve("ids").toString());
    python = new ObjectMapper().readTree(work.resolve("python.json").toFile());
  }

  @Test
  void embeddingExportTakesInt32Ids() throws Exception {
    try (SavedModel sm = SavedModel.load(work.resolve("ids"))) {
      for (String sig : List.of("serving_default", "serve")) {
        assertEquals(DataType.DT_INT32, sm.signature(sig).inputs().values().iterator().next().dtype(), sig);
      }
      // Java callers may still pass float ids (whole numbers): converted, checked, same answer.
      Fixtures.assertClose(idsY, sm.predict(Npy.read(work.resolve("ids_x.npy"))), 1e-6, 0);
    }
    assertEquals("int32", python.get("embedding_input_dtype").asText());
    assertTrue(python.get("embedding_tfsm_err").asDouble() <= 1e-5, python.toString());
  }

  @Test
  void keras3NamesAndServeEndpoint() throws Exception {
    assertEquals("[\"serve\",\"serving_default\"]", python.get("named_signatures").toString());
    assertEquals("[\"output_0\"]", python.get("named_outputs").get("serve").toString());
    assertEquals("[\"output_0\"]", python.get("named_outputs").get("serving_default").toString());
    assertEquals("[\"output_0\"]", python.get("tfsm_serving_default_keys").toString());
    assertEquals("tensor", python.get("tfsm_serve_returns").asText());
    for (String k : List.of("tfsm_serve_err", "serve_err", "tfsm_serving_default_err")) {
      assertTrue(python.get(k).asDouble() <= 1e-5, k + " " + python);
    }
    try (SavedModel sm = SavedModel.load(work.resolve("named"))) {
      assertEquals(List.of("output_0"), List.copyOf(sm.signature("serve").outputs().keySet()));
      Fixtures.assertClose(namedY, sm.signature("serve").predict(Npy.read(work.resolve("named_x.npy"))), 1e-6, 0);
    }
  }

  @Test
  void statefulKerasExportRunsInItsFixedBatches() throws Exception {
    Path sm = work.resolve("keras_stateful");
    Path x = work.resolve("stateful_x.npy");
    FloatArray first = Npy.read(work.resolve("stateful_first.npy"));
    FloatArray second = Npy.read(work.resolve("stateful_second.npy"));
    assertTrue(python.get("keras_second_call_differs").asDouble() > 1e-4, "Keras carries state across predict calls");

    // The CLI: --batch-size 2 as the user asked, and without it (the signature's fixed size).
    Path y = work.resolve("cli_y.npy");
    CliRun r = CliRun.run("predict", sm.toString(), "--input", x.toString(), "--batch-size", "2", "--output", y.toString());
    assertEquals(0, r.code, r.err);
    Fixtures.assertClose(first, Npy.read(y), 1e-5, 0);
    r = CliRun.run("predict", sm.toString(), "--input", x.toString(), "--output", y.toString());
    assertEquals(0, r.code, r.err);
    Fixtures.assertClose(first, Npy.read(y), 1e-5, 0); // each CLI run loads the export afresh
    r = CliRun.run("predict", sm.toString(), "--input", x.toString(), "--batch-size", "3");
    assertEquals(Main.USAGE_ERROR, r.code, r.err);
    assertTrue(r.err.contains("runs exactly 2 samples at a time"), r.err);
    Path five = work.resolve("five.npy");
    FloatArray xs = Npy.read(x);
    Npy.write(five, xs.slice(0, 5));
    r = CliRun.run("predict", sm.toString(), "--input", five.toString());
    assertEquals(Main.RUNTIME_ERROR, r.code, r.err);
    assertTrue(r.err.contains("5 samples do not divide into batches of 2"), r.err);

    // The library: one loaded model carries state across calls, as Keras's predict does; a
    // reload starts again from the state saved at export.
    try (SavedModel m = SavedModel.load(sm)) {
      assertEquals(2, m.defaultSignature().fixedBatchSize());
      Fixtures.assertClose(first, m.predict(xs), 1e-5, 0);
      Fixtures.assertClose(second, m.predict(xs), 1e-5, 0);
    }
    try (SavedModel m = SavedModel.load(sm)) {
      Fixtures.assertClose(first, m.predict(xs, 2), 1e-5, 0);
    }
  }

  @Test
  void statefulJkerasExportRunsInItsFixedBatches() throws Exception {
    Keras.setRandomSeed(8);
    FloatArray xs = JavaToPythonTest.gaussian(4, 6, 5, 3);
    Path sm = work.resolve("jkeras_stateful");
    FloatArray first;
    FloatArray second;
    try (Sequential m = new Sequential(new LSTM(4).stateful(true).batchInputShape(2, 5, 3), new Dense(2))) {
      m.build(new long[] {2, 5, 3});
      m.export(sm);
      first = m.predict(xs, 2);
      second = m.predict(xs, 2);
    }
    assertTrue(Weights.maxAbsDiff(first, second) > 1e-4, "jkeras carries state across predict calls, as Keras does");
    Path x = work.resolve("jkeras_stateful_x.npy");
    Npy.write(x, xs);
    Path y = work.resolve("jkeras_cli_y.npy");
    CliRun r = CliRun.run("predict", sm.toString(), "--input", x.toString(), "--output", y.toString());
    assertEquals(0, r.code, r.err);
    Fixtures.assertClose(first, Npy.read(y), 1e-5, 0);
    try (SavedModel m = SavedModel.load(sm)) {
      Fixtures.assertClose(first, m.predict(xs), 1e-5, 0);
      Fixtures.assertClose(second, m.predict(xs), 1e-5, 0);
    }
  }

}
