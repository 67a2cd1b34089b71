package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mistake is a Java exception that says what was expected and what was given; broken
 * directories are caught in Java before TensorFlow's loader sees them. The corrupt files are
 * temporary copies of a Python-made fixture.
 */
class SavedModelErrorsTest {
  private static final String LSTM = "savedmodel-tfnet-lstm-sequential";

  @TempDir
  Path tmp;

  private static void assertMessage(Throwable t, String... parts) {
    for (String p : parts) assertTrue(t.getMessage().contains(p), "message '" + t.getMessage() + "' lacks '" + p + "'");
  }

  private Path copyOf(String fixture) throws IOException {
    Path src = path(fixture);
    Path dst = tmp.resolve(fixture);
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path q = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(q); else Files.copy(p, q);
      }
    }
    return dst;
  }

  private static void truncate(Path file, long keep) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(keep);
    }
  }

  private static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5a);
    }
  }

  // ----- the directory -----

  @Test
  void missingDirectory() {
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(tmp.resolve("nope")));
    assertMessage(e, "does not exist");
  }

  @Test
  void fileInsteadOfDirectory() throws IOException {
    Path f = Files.writeString(tmp.resolve("model.h5"), "not a model");
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(f));
    assertMessage(e, "is a file, not a SavedModel directory");
  }

  @Test
  void directoryWithoutSavedModelPb() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("empty"));
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "is not a SavedModel", "saved_model.pb");
  }

  @Test
  void missingTagListsTheAvailableTagSets() {
    Path d = path(LSTM);
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d, "train"));
    assertMessage(e, "no MetaGraph tagged [train]", "[[serve]]");
    e = assertThrows(SavedModelException.class, () -> SavedModel.load(d, "serve", "gpu"));
    assertMessage(e, "[gpu, serve]");
  }

  // ----- corrupt files -----

  @Test
  void truncatedSavedModelPb() throws IOException {
    Path d = copyOf(LSTM);
    Path pb = d.resolve("saved_model.pb");
    truncate(pb, Files.size(pb) / 2);
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "saved_model.pb is truncated or corrupt");
  }

  @Test
  void garbageSavedModelPb() throws IOException {
    Path d = copyOf(LSTM);
    byte[] junk = new byte[4096];
    new java.util.Random(1).nextBytes(junk);
    Files.write(d.resolve("saved_model.pb"), junk);
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "saved_model.pb");
    Files.write(d.resolve("saved_model.pb"), new byte[0]);
    e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "is empty");
  }

  @Test
  void truncatedVariablesData() throws IOException {
    Path d = copyOf(LSTM);
    Path data = d.resolve("variables/variables.data-00000-of-00001");
    truncate(data, Files.size(data) - 100);
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "variables.data-00000-of-00001 is truncated", "bytes but the index needs");
  }

  @Test
  void corruptVariablesDataFailsItsChecksum() throws IOException {
    Path d = copyOf(LSTM);
    CheckpointReader r = CheckpointReader.openSavedModel(d);
    long at = r.entry("variables/0/.ATTRIBUTES/VARIABLE_VALUE").getOffset() + 10;
    flipByte(d.resolve("variables/variables.data-00000-of-00001"), at);
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "checksum mismatch", "variables/0/.ATTRIBUTES/VARIABLE_VALUE");
  }

  @Test
  void truncatedOrCorruptVariablesIndex() throws IOException {
    Path d = copyOf(LSTM);
    Path index = d.resolve("variables/variables.index");
    byte[] original = Files.readAllBytes(index);
    truncate(index, original.length - 20);
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "variables.index is truncated or corrupt");

    Files.write(index, original);
    flipByte(index, 30);
    e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "variables.index is truncated or corrupt", "checksum");

    Files.delete(index);
    e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "variables/variables.index is missing");
  }

  @Test
  void missingDataShard() throws IOException {
    Path d = copyOf(LSTM);
    Files.delete(d.resolve("variables/variables.data-00000-of-00001"));
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "variables.data-00000-of-00001 is missing");
  }

  @Test
  void signatureNamingATensorThatIsNotInTheGraph() throws IOException {
    Path d = copyOf(LSTM);
    Path pb = d.resolve("saved_model.pb");
    org.tensorflow.proto.SavedModel sm = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb));
    var mg = sm.getMetaGraphs(0).toBuilder();
    var sig = mg.getSignatureDefOrThrow("serving_default").toBuilder();
    sig.putInputs("input_1", sig.getInputsOrThrow("input_1").toBuilder().setName("no_such_tensor:0").build());
    mg.putSignatureDef("serving_default", sig.build());
    Files.write(pb, sm.toBuilder().setMetaGraphs(0, mg).build().toByteArray());
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d));
    assertMessage(e, "signature 'serving_default' input 'input_1' names tensor no_such_tensor:0");
  }

  /** What only TensorFlow can find (here an op type it does not know) still comes back as a Java exception. */
  @Test
  void graphTensorFlowRefusesIsAJavaException() throws IOException {
    Path d = copyOf(LSTM);
    Path pb = d.resolve("saved_model.pb");
    org.tensorflow.proto.SavedModel sm = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb));
    var mg = sm.getMetaGraphs(0).toBuilder();
    var g = mg.getGraphDefBuilder();
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals("serving_default_input_1")) g.setNode(i, g.getNode(i).toBuilder().setOp("NoSuchOpType"));
    }
    Files.write(pb, sm.toBuilder().setMetaGraphs(0, mg).build().toByteArray());
    // Safe mode refuses an op it does not know before TensorFlow sees it; without safe mode TensorFlow refuses it.
    Throwable safe = assertThrows(UnsafeSavedModelException.class, () -> SavedModel.load(d));
    assertMessage(safe, "NoSuchOpType", "serving_default_input_1");
    Throwable e = assertThrows(SavedModelException.class, () -> SavedModel.load(d, SavedModel.LoadOptions.DEFAULT.withSafeMode(false)));
    assertMessage(e, "TensorFlow could not load SavedModel", "NoSuchOpType");
  }

  // ----- calls -----

  @Test
  void unknownSignatureListsTheAvailableOnes() {
    try (SavedModel m = SavedModel.load(path("savedmodel-tfserving-half-plus-two-tf2"))) {
      Throwable e = assertThrows(IllegalArgumentException.class, () -> m.signature("predict"));
      assertMessage(e, "no signature 'predict'", "serving_default", "regress_x2_to_y3", "classify_x_to_y");
    }
  }

  @Test
  void wrongInputNames() {
    try (SavedModel m = SavedModel.load(path(LSTM))) {
      float[][][] x = new float[2][5][3];
      Throwable e = assertThrows(IllegalArgumentException.class, () -> m.predict(Map.of("input", x)));
      assertMessage(e, "no input 'input'", "input_1: DT_FLOAT (None, 5, 3)");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(Map.of()));
      assertMessage(e, "needs input 'input_1'");
    }
  }

  @Test
  void wrongRankShapeAndDtypeSayExpectedAndGiven() {
    try (SavedModel m = SavedModel.load(path(LSTM))) {
      Throwable e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[4][5]));
      assertMessage(e, "expects DT_FLOAT of shape (None, 5, 3) (rank 3)", "got shape (4, 5) (rank 2)");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[4][6][3]));
      assertMessage(e, "expects DT_FLOAT of shape (None, 5, 3)", "got shape (4, 6, 3)", "dimension 1 is 6, expected 5");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(new String[][][] {{{"a", "b", "c"}}}));
      assertMessage(e, "expects DT_FLOAT", "given string values of shape (1, 1, 3)");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[0][5][3]));
      assertMessage(e, "no samples");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[][][] {{{1, 2, 3}}, {{1, 2}}}));
      assertMessage(e, "ragged array");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(new Object()));
      assertMessage(e, "unsupported value");
    }
    try (SavedModel m = SavedModel.load(path("savedmodel-tfserving-half-plus-two-tf2"))) {
      Throwable e = assertThrows(IllegalArgumentException.class,
          () -> m.signature("regress_x_to_y").predict(new float[] {1f, 2f}));
      assertMessage(e, "expects DT_STRING of shape (None,)", "given float32 values of shape (2,)");
      e = assertThrows(IllegalArgumentException.class, () -> m.predict(new float[] {1f, 2f}));
      assertMessage(e, "expects DT_FLOAT of shape (1,)", "dimension 0 is 2, expected 1");
    }
  }

  @Test
  void afterCloseCallsThrow() {
    SavedModel m = SavedModel.load(path("savedmodel-tfserving-half-plus-two-tf2"));
    m.close();
    m.close();
    Throwable e = assertThrows(IllegalStateException.class, () -> m.predict(new float[] {1f}));
    assertMessage(e, "has been closed");
  }

  @Test
  void keyErrorsOfTheCheckpointReader() {
    Path d = path(LSTM);
    Throwable e = assertThrows(IllegalArgumentException.class, () -> KerasSavedModelReader.checkpointValue(d, "lstm/kernel"));
    assertMessage(e, "no key 'lstm/kernel'");
    e = assertThrows(IllegalArgumentException.class,
        () -> KerasSavedModelReader.checkpointValue(d, KerasSavedModelReader.OBJECT_GRAPH_KEY));
    assertMessage(e, "DT_STRING values, not numbers");
    e = assertThrows(SavedModelException.class,
        () -> KerasSavedModelReader.modelConfigJson(path("savedmodel-tfserving-half-plus-two-tf2")));
    assertMessage(e, "no keras_metadata.pb", "plain TensorFlow SavedModel");
    FloatArray ok = KerasSavedModelReader.checkpointValue(d, "variables/2/.ATTRIBUTES/VARIABLE_VALUE");
    assertEquals(128, ok.length());
  }
}
