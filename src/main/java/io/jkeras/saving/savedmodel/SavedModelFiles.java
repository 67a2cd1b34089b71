package io.jkeras.saving.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jkeras.utils.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Java-side checks of a SavedModel directory, done before TensorFlow's native loader sees it:
 * the directory and {@code saved_model.pb} exist and parse, a MetaGraph has the requested tag
 * set, every signature names tensors of the graph, and the checkpoint the graph needs is present,
 * complete and checksum-clean.
 */
final class SavedModelFiles {
  static final String SAVED_MODEL_PB = "saved_model.pb";
  static final String SAVED_MODEL_PBTXT = "saved_model.pbtxt";

  private SavedModelFiles() {}

  /** Parses {@code dir/saved_model.pb}, or says clearly why {@code dir} is not a SavedModel. */
  static SavedModel readSavedModel(Path dir) {
    if (dir == null) throw new IllegalArgumentException("SavedModel directory is null");
    // a save killed between its two renames leaves the export beside dir: bring it back first
    if (!Files.exists(dir)) AtomicFiles.recover(dir);
    if (!Files.exists(dir)) throw new SavedModelException("SavedModel directory " + dir + " does not exist");
    if (!Files.isDirectory(dir)) {
      throw new SavedModelException(dir + " is a file, not a SavedModel directory (a SavedModel is a directory holding "
          + SAVED_MODEL_PB + " and variables/)");
    }
    Path pb = dir.resolve(SAVED_MODEL_PB);
    if (!Files.isRegularFile(pb)) {
      if (Files.isRegularFile(dir.resolve(SAVED_MODEL_PBTXT))) {
        throw new SavedModelException(dir + " holds a text-format " + SAVED_MODEL_PBTXT + "; only binary "
            + SAVED_MODEL_PB + " is supported");
      }
      throw new SavedModelException(dir + " is not a SavedModel: it has no " + SAVED_MODEL_PB);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(pb);
    } catch (IOException e) {
      throw new SavedModelException("cannot read " + pb + ": " + e.getMessage(), e);
    }
    if (bytes.length == 0) throw new SavedModelException(pb + " is empty");
    SavedModel sm;
    try {
      sm = SavedModel.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SavedModelException(pb + " is truncated or corrupt (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
    if (sm.getMetaGraphsCount() == 0) {
      throw new SavedModelException(pb + " is truncated or corrupt: it holds no MetaGraph");
    }
    return sm;
  }

  /** The MetaGraph whose tag set is exactly {@code tags} (as TensorFlow's loader matches them). */
  static MetaGraphDef metaGraph(SavedModel sm, Path dir, String... tags) {
    if (tags == null || tags.length == 0) throw new IllegalArgumentException("at least one tag is needed (e.g. \"serve\")");
    Set<String> wanted = new TreeSet<>();
    for (String t : tags) {
      if (t == null || t.isEmpty()) throw new IllegalArgumentException("invalid tag " + Arrays.toString(tags));
      wanted.add(t);
    }
    List<Set<String>> available = new ArrayList<>();
    for (MetaGraphDef mg : sm.getMetaGraphsList()) {
      Set<String> have = new TreeSet<>(mg.getMetaInfoDef().getTagsList());
      if (have.equals(wanted)) return mg;
      available.add(have);
    }
    throw new SavedModelException("SavedModel " + dir + " has no MetaGraph tagged " + wanted
        + "; its tag sets are " + available);
  }

  /** Checks signatures against the graph and the checkpoint against its index; throws on the first problem. */
  static void validate(Path dir, MetaGraphDef mg) {
    Set<String> nodes = new HashSet<>();
    boolean hasVariables = false;
    for (NodeDef n : mg.getGraphDef().getNodeList()) {
      nodes.add(n.getName());
      String op = n.getOp();
      if (op.equals("VariableV2") || op.equals("VarHandleOp") || op.equals("Variable")) hasVariables = true;
    }
    if (mg.hasObjectGraphDef()) {
      for (var o : mg.getObjectGraphDef().getNodesList()) if (o.hasVariable()) hasVariables = true;
    }
    for (var e : mg.getSignatureDefMap().entrySet()) {
      SignatureDef s = e.getValue();
      for (var t : s.getInputsMap().entrySet()) checkTensor(dir, e.getKey(), "input", t.getKey(), t.getValue(), nodes);
      for (var t : s.getOutputsMap().entrySet()) checkTensor(dir, e.getKey(), "output", t.getKey(), t.getValue(), nodes);
    }
    if (mg.hasSaverDef()) {
      String filename = mg.getSaverDef().getFilenameTensorName();
      String restore = mg.getSaverDef().getRestoreOpName();
      if (!nodes.contains(opName(filename)) || !nodes.contains(opName(restore))) {
        throw new SavedModelException(dir.resolve(SAVED_MODEL_PB) + " is corrupt: its SaverDef names ops ("
            + filename + ", " + restore + ") that are not in the graph");
      }
    }
    Path prefix = dir.resolve("variables").resolve("variables");
    boolean indexPresent = Files.isRegularFile(CheckpointReader.indexPath(prefix));
    if (hasVariables && mg.hasSaverDef() && !indexPresent) {
      throw new SavedModelException("SavedModel " + dir + " has variables but variables/variables.index is missing");
    }
    if (indexPresent) CheckpointReader.open(prefix).verify();
  }

  private static void checkTensor(Path dir, String sig, String kind, String key, TensorInfo info, Set<String> nodes) {
    if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME) return; // sparse/composite: checked by TensorFlow
    if (!nodes.contains(opName(info.getName()))) {
      throw new SavedModelException(dir.resolve(SAVED_MODEL_PB) + " is corrupt: signature '" + sig + "' " + kind + " '"
          + key + "' names tensor " + info.getName() + ", which is not in the graph");
    }
  }

  static String opName(String tensorName) {
    String n = tensorName.startsWith("^") ? tensorName.substring(1) : tensorName;
    int colon = n.lastIndexOf(':');
    return colon > 0 ? n.substring(0, colon) : n;
  }
}
