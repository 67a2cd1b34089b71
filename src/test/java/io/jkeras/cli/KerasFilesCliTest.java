package io.jkeras.cli;

import static io.jkeras.cli.CliTest.run;
import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Fixtures.h5;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.ModelFiles;
import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jkeras predict / inspect / convert} on Keras .keras, .h5 and json + weights files. */
class KerasFilesCliTest {
  @TempDir Path tmp;

  private static final String FLATTEN = "keras2-dl4j-simple-flatten-lstm/simple_flatten_lstm_tf_keras_2_";

  private Path input() throws Exception {
    Path x = tmp.resolve("x.npy");
    Npy.write(x, h5(path(FLATTEN + "inputs_and_outputs.h5"), "inputs/lstm_1_input"));
    return x;
  }

  private static FloatArray expected() {
    return h5(path(FLATTEN + "inputs_and_outputs.h5"), "predictions/dense_1");
  }

  @Test
  void predictFromH5JsonWithWeightsAndKeras() throws Exception {
    Path x = input();
    Path y1 = tmp.resolve("y1.npy");
    CliRun r = run("predict", path(FLATTEN + "model.h5").toString(), "--input", x.toString(), "--output", y1.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(expected(), Npy.read(y1), 1e-5, 1e-5);

    Path y2 = tmp.resolve("y2.npy");
    r = run("predict", path(FLATTEN + "config.json").toString(), "--weights", path(FLATTEN + "weights.h5").toString(),
        "--input", x.toString(), "--output", y2.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(expected(), Npy.read(y2), 1e-5, 1e-5);

    Path har = path("keras3-har-lstm/lstm_model.keras");
    Path hx = tmp.resolve("hx.npy");
    Npy.write(hx, io.jkeras.testing.Fixtures.npy("keras3-har-lstm/derived/input.npy"));
    Path y3 = tmp.resolve("y3.npy");
    r = run("predict", har.toString(), "--input", hx.toString(), "--output", y3.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(io.jkeras.testing.Fixtures.npy("keras3-har-lstm/derived/expected_output.npy"), Npy.read(y3), 1e-4, 1e-4);
  }

  @Test
  void convertH5ToKerasThenToModelDir() throws Exception {
    Path x = input();
    Path keras = tmp.resolve("out/model.keras");
    CliRun r = run("convert", path(FLATTEN + "model.h5").toString(), keras.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Wrote " + keras) && r.out.contains("compiled"), r.out);
    try (Sequential m = KerasModels.load(keras)) {
      assertClose(expected(), m.predict(h5(path(FLATTEN + "inputs_and_outputs.h5"), "inputs/lstm_1_input")), 1e-5, 1e-5);
      assertTrue(m.isCompiled());
    }
    Path dir = tmp.resolve("out/model_dir");
    r = run("convert", keras.toString(), dir.toString() + "/");
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(ModelFiles.isModelDir(dir), r.out);
    Path y = tmp.resolve("y.npy");
    r = run("predict", dir.toString(), "--input", x.toString(), "--output", y.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(expected(), Npy.read(y), 1e-5, 1e-5);

    // Straight from the Keras 2 .h5 (Keras 2's hard_sigmoid) to a model directory, whose model.json is Keras 3 JSON.
    Path dir2 = tmp.resolve("out/model_dir2");
    r = run("convert", path(FLATTEN + "model.h5").toString(), dir2.toString());
    assertEquals(0, r.code, r.err + r.out);
    Path y2 = tmp.resolve("y2.npy");
    r = run("predict", dir2.toString(), "--input", x.toString(), "--output", y2.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertClose(expected(), Npy.read(y2), 1e-5, 1e-5);

    r = run("inspect", keras.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("lstm_1 (LSTM)") && r.out.contains("Compiled: optimizer RMSprop"), r.out);

    Path weights = tmp.resolve("out/m.weights.h5");
    r = run("convert", path(FLATTEN + "config.json").toString(), weights.toString(), "--weights", path(FLATTEN + "weights.h5").toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(Files.isRegularFile(weights));
  }

  @Test
  void convertErrorsAreUsageErrorsAndLeaveTheDestination() throws Exception {
    Path dest = tmp.resolve("keep.keras");
    Files.writeString(dest, "previous contents");
    Path bad = tmp.resolve("bad.h5");
    Files.writeString(bad, "not hdf5");
    CliRun r = run("convert", bad.toString(), dest.toString());
    assertEquals(2, r.code, r.err + r.out);
    assertTrue(r.err.contains("not an HDF5 file"), r.err);
    assertEquals("previous contents", Files.readString(dest));

    r = run("convert", path(FLATTEN + "weights.h5").toString(), dest.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("weights only") && r.err.contains("--weights"), r.err);
    assertEquals("previous contents", Files.readString(dest));

    r = run("convert", path(FLATTEN + "model.h5").toString(), tmp.resolve("legacy.h5").toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("legacy Keras 2 .h5"), r.err);


    // A directory that holds other things is never replaced by a model directory.
    Path busy = tmp.resolve("busy");
    Files.createDirectories(busy);
    Files.writeString(busy.resolve("notes.txt"), "mine");
    r = run("convert", path(FLATTEN + "model.h5").toString(), busy.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("refusing to replace"), r.err);
    assertEquals("mine", Files.readString(busy.resolve("notes.txt")));

    r = run("predict", path(FLATTEN + "model.h5").toString(), "--weights", path(FLATTEN + "weights.h5").toString(),
        "--input", input().toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("--weights goes with a .json config"), r.err);
  }

  @Test
  void convertToSavedModel() throws Exception {
    Path dest = tmp.resolve("as-savedmodel");
    CliRun r = run("convert", path(FLATTEN + "model.h5").toString(), dest.toString(), "--format", "savedmodel");
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(Files.isRegularFile(dest.resolve("saved_model.pb")));
    try (io.jkeras.models.Sequential m = io.jkeras.saving.keras.KerasModels.load(path(FLATTEN + "model.h5"));
         io.jkeras.saving.savedmodel.SavedModel sm = io.jkeras.saving.savedmodel.SavedModel.load(dest)) {
      float[][][] x = {{{0.5f}}, {{-0.25f}}};
      org.junit.jupiter.api.Assertions.assertArrayEquals(m.predict(x).data(), sm.predict(x).data(), 1e-6f);
    }
  }
}
