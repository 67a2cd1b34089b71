package io.jkeras.cli;

import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.data.Npz;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict / inspect / export on SavedModels, from the command line. */
class SavedModelCliTest {
  @TempDir Path dir;

  @Test
  void predictOnPythonSavedModelWithSignaturesAndNamedInputs() throws Exception {
    Path sm = path("savedmodel-tfserving-half-plus-two-tf2");
    Path x = dir.resolve("x.npy");
    Npy.write(x, new FloatArray(new float[] {5f}, 1));
    Path y = dir.resolve("y.npy");
    CliRun r = CliTest.run("predict", sm.toString(), "--input", x.toString(), "--output", y.toString());
    assertEquals(0, r.code, r.err);
    assertEquals(4.5f, Npy.read(y).data()[0], 0f);
    r = CliTest.run("predict", sm.toString(), "--signature", "regress_x2_to_y3", "--input", "inputs=" + x, "--output", y.toString());
    assertEquals(0, r.code, r.err);
    assertEquals(5.5f, Npy.read(y).data()[0], 0f);
    r = CliTest.run("predict", sm.toString(), "--signature", "nope", "--input", x.toString());
    assertEquals(1, r.code);
    assertTrue(r.err.contains("nope") && r.err.contains("serving_default"), r.err);
    r = CliTest.run("predict", sm.toString(), "--input", "wrong=" + x);
    assertEquals(1, r.code);
    assertTrue(r.err.contains("'wrong'"), r.err);
  }

  @Test
  void lstmSavedModelPredictMatchesTheLibrary() throws Exception {
    Path sm = path("savedmodel-tfnet-lstm-sequential");
    Path x = path("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    Path outDir = dir.resolve("outs");
    CliRun r = CliTest.run("predict", sm.toString(), "--input", x.toString(), "--output", outDir.toString());
    assertEquals(0, r.code, r.err);
    try (SavedModel m = SavedModel.load(sm)) {
      assertArrayEquals(m.predict(Npy.read(x)).data(), Npy.read(outDir.resolve("dense.npy")).data(), 0f);
    }
    Path npz = dir.resolve("outs.npz");
    r = CliTest.run("predict", sm.toString(), "--input", "input_1=" + x, "--output", npz.toString());
    assertEquals(0, r.code, r.err);
    Map<String, FloatArray> read = Npz.read(npz);
    assertEquals(java.util.List.of("dense"), java.util.List.copyOf(read.keySet()));
  }

  @Test
  void inspectListsSignaturesAndKerasSummary() {
    CliRun r = CliTest.run("inspect", path("savedmodel-tfnet-lstm-sequential").toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("signature 'serving_default'") && r.out.contains("input_1: DT_FLOAT (None, 5, 3)"), r.out);
    assertTrue(r.out.contains("lstm (LSTM)") && r.out.contains("Total params: 4,641"), r.out); // 4*(32*35+32) + 33
  }

  @Test
  void exportThenPredictThroughTensorFlow() throws Exception {
    Path src = path("savedmodel-tfnet-lstm-sequential");
    Path out = dir.resolve("exported");
    CliRun r = CliTest.run("export", src.toString(), out.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(Files.isRegularFile(out.resolve("saved_model.pb")));
    FloatArray x = Npy.read(path("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy"));
    try (SavedModel a = SavedModel.load(src); SavedModel b = SavedModel.load(out)) {
      assertArrayEquals(a.predict(x).data(), b.predict(x).data(), 1e-6f);
    }
    r = CliTest.run("export", dir.resolve("missing").toString(), out.toString());
    assertEquals(2, r.code);
    // Keras 3's output name, for code written against model.export() artifacts.
    Path named = dir.resolve("named");
    r = CliTest.run("export", "--keras3-names", src.toString(), named.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("output 'output_0'"), r.out);
    try (SavedModel b = SavedModel.load(named)) {
      for (String sig : java.util.List.of("serving_default", "serve")) {
        assertEquals(java.util.List.of("output_0"), java.util.List.copyOf(b.signature(sig).outputs().keySet()), sig);
      }
      assertArrayEquals(b.predict(x).data(), b.signature("serve").predict(x).data(), 0f);
    }
  }
}
