package io.jkeras.saving.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.testing.CliRun;
import io.jkeras.testing.Fixtures;
import io.jkeras.testing.HostileSavedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe mode: every hostile graph is refused before TensorFlow runs anything, naming op and node;
 * every SavedModel Keras, TensorFlow or jkeras wrote for the fixtures still loads.
 */
class SavedModelSafetyTest {
  @TempDir Path tmp;

  private Path hostile(String name, Consumer<Path> edit) {
    Path dir = HostileSavedModels.benign(tmp.resolve(name));
    edit.accept(dir);
    return dir;
  }

  private static UnsafeSavedModelException refused(Path dir, String... parts) {
    UnsafeSavedModelException e = assertThrows(UnsafeSavedModelException.class, () -> SavedModel.load(dir).close());
    for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    assertTrue(e.getMessage().contains(dir.resolve("saved_model.pb").toString()), e.getMessage());
    return e;
  }

  @Test
  void writeFileInTheInitOpRunsWithoutSafeModeAndIsRefusedWithIt() {
    Path target = tmp.resolve("pwned.txt");
    Path dir = hostile("init_write", d -> HostileSavedModels.writeFileInInitOp(d, target, "owned"));
    refused(dir, "op WriteFile", "node 'evil/write'");
    assertFalse(Files.exists(target), "safe mode must refuse before TensorFlow runs the init op");
    // What TensorFlow itself does: the loader runs the init op, and the file is written.
    SavedModel.load(dir, SavedModel.LoadOptions.DEFAULT.withSafeMode(false)).close();
    assertTrue(Files.exists(target), "without safe mode TensorFlow's loader runs WriteFile");
  }

  @Test
  void readFileInASignatureIsRefused() {
    refused(hostile("read", d -> HostileSavedModels.readFileInSignature(d, Path.of("/etc/passwd"))), "op ReadFile", "node 'leak/read'");
  }

  @Test
  void matchingFilesInALibraryFunctionIsRefusedNamingTheFunction() {
    refused(hostile("glob", d -> HostileSavedModels.matchingFilesInFunction(d, "/*")), "op MatchingFiles", "node 'glob'",
        "function __inference_listing_1");
  }

  @Test
  void anOpNamedAsAFunctionIsRefused() {
    refused(hostile("opfn", d -> HostileSavedModels.opAsFunction(d, Path.of("/etc/passwd"))), "'ReadFile'", "node 'opfn/call'");
  }

  @Test
  void restoreOutsideTheSaverIsRefused() {
    refused(hostile("restore_other", d -> HostileSavedModels.restoreOtherCheckpoint(d, "/tmp/other/variables")), "op RestoreV2",
        "node 'other/restore'");
  }

  @Test
  void theSaversRestoreReadingAnotherPathIsRefused() {
    refused(hostile("restore_const", d -> HostileSavedModels.restoreFromConstant(d, "/tmp/elsewhere/variables")), "op RestoreV2",
        "save/filename");
  }

  @Test
  void printV2ToAFileIsRefused() {
    refused(hostile("print", d -> HostileSavedModels.printToFile(d, tmp.resolve("log.txt"))), "op PrintV2", "file://");
  }

  @Test
  void pythonAndUnknownOpsAreRefusedEvenWhenNothingRunsThem() {
    for (String op : List.of("EagerPyFunc", "PyFunc", "ImmutableConst", "InitializeTableFromTextFileV2", "DebugIdentityV2")) {
      refused(hostile("dead_" + op, d -> HostileSavedModels.deadNode(d, op)), "op " + op, "not on safe mode's list");
    }
  }

  @Test
  void assetsOutsideTheAssetsFolderAreRefused() {
    refused(hostile("asset", d -> HostileSavedModels.assetOutside(d, "../../etc/passwd")), "asset file '../../etc/passwd'");
  }

  @Test
  void theCliRefusesByDefaultAndLoadsWithNoSafeMode() throws IOException {
    Path target = tmp.resolve("cli_pwned.txt");
    Path dir = hostile("cli", d -> HostileSavedModels.writeFileInInitOp(d, target, "owned"));
    CliRun r = CliRun.run("inspect", dir.toString());
    assertEquals(1, r.code, r.err);
    assertTrue(r.err.contains("refused by safe mode") && r.err.contains("WriteFile") && r.err.contains("--no-safe-mode"), r.err);
    assertFalse(Files.exists(target));
    r = CliRun.run("inspect", "--no-safe-mode", dir.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(Files.exists(target));
  }

  /** Safe mode refuses nothing that Keras, tf.Module or jkeras wrote for the fixtures and tests. */
  @Test
  void everyKnownGoodSavedModelLoads() throws IOException {
    List<Path> dirs = new ArrayList<>();
    dirs.add(HostileSavedModels.benign(tmp.resolve("benign")));
    Path fixtures = Fixtures.root();
    List<Path> roots = new ArrayList<>(List.of(fixtures, Path.of("target")));
    // More to scan, e.g. another checkout's target/ full of Keras-made SavedModels: -Djkeras.savedmodels.extra=DIR
    if (System.getProperty("jkeras.savedmodels.extra") != null) roots.add(Path.of(System.getProperty("jkeras.savedmodels.extra")));
    for (Path root : roots) {
      if (!Files.isDirectory(root)) continue;
      try (Stream<Path> s = Files.walk(root, 6)) {
        // Leave out the deliberately damaged and hostile copies of the reliability tests.
        s.filter(p -> p.getFileName().toString().equals("saved_model.pb")).filter(p -> !p.toString().contains("fuzz")
            && !p.toString().contains("catalogue") && !p.toString().contains("hostile")).limit(2000).forEach(p -> dirs.add(p.getParent()));
      }
    }
    List<String> refusedDirs = new ArrayList<>();
    for (Path d : dirs) {
      org.tensorflow.proto.SavedModel proto;
      try {
        proto = SavedModelFiles.readSavedModel(d);
      } catch (SavedModelException e) {
        continue; // a deliberately corrupt copy made by another test
      }
      for (var mg : proto.getMetaGraphsList()) {
        try {
          SavedModelSafety.check(d, mg);
        } catch (UnsafeSavedModelException e) {
          if (!d.toString().contains("hostile") && !d.startsWith(tmp)) refusedDirs.add(e.getMessage());
        }
      }
    }
    assertTrue(refusedDirs.isEmpty(), "refused: " + refusedDirs);
    System.out.println("safe mode: checked " + dirs.size() + " SavedModels, refused none");
  }
}
