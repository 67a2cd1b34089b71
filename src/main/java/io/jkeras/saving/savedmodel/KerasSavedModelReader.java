package io.jkeras.saving.savedmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.jkeras.data.FloatArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;

/**
 * The pieces of a Keras 2 (tf.keras) SavedModel directory that a Keras importer needs, read in
 * plain Java: the model's config from {@code keras_metadata.pb}, and the variable values from the
 * checkpoint under {@code variables/}, by checkpoint key or by Keras variable name.
 *
 * <p>{@code keras_metadata.pb} is {@code SavedMetadata {repeated SavedObject nodes = 1}} with
 * {@code SavedObject {int32 node_id = 2; string node_path = 3; string identifier = 4; string
 * metadata = 5 (JSON); VersionDef version = 6}}; it is decoded field by field here. The root
 * node's metadata holds the model's {@code class_name} and {@code config} (TF 2.12 adds
 * {@code model_config} and {@code keras_version}).
 */
public final class KerasSavedModelReader {
  public static final String METADATA_FILE = "keras_metadata.pb";
  /** The checkpoint key suffix of a variable's value. */
  public static final String VARIABLE_VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE";
  /** The checkpoint key of the serialized {@code TrackableObjectGraph}. */
  public static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasSavedModelReader() {}

  /** One node of {@code keras_metadata.pb}. */
  public static final class MetadataNode {
    public final int nodeId;
    public final String nodePath;
    public final String identifier;
    public final String metadata;
    public final int producerVersion;
    public final int minConsumerVersion;

    MetadataNode(int nodeId, String nodePath, String identifier, String metadata, int producer, int minConsumer) {
      this.nodeId = nodeId;
      this.nodePath = nodePath;
      this.identifier = identifier;
      this.metadata = metadata;
      this.producerVersion = producer;
      this.minConsumerVersion = minConsumer;
    }

    @Override
    public String toString() {
      return nodeId + " " + nodePath + " (" + identifier + ")";
    }
  }

  // ----- keras_metadata.pb -----

  /** Every node of {@code dir/keras_metadata.pb}, in file order. */
  public static List<MetadataNode> metadataNodes(Path dir) {
    Path file = dir.resolve(METADATA_FILE);
    if (!Files.isRegularFile(file)) {
      throw new SavedModelException(dir + " has no " + METADATA_FILE + ": it is not a Keras SavedModel"
          + (Files.isRegularFile(dir.resolve(SavedModelFiles.SAVED_MODEL_PB)) ? " (it is a plain TensorFlow SavedModel:"
              + " run it with io.jkeras.saving.savedmodel.SavedModel)" : ""));
    }
    try {
      return parseMetadata(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new SavedModelException(file + " is truncated or corrupt: " + e.getMessage(), e);
    }
  }

  static List<MetadataNode> parseMetadata(byte[] bytes) throws IOException {
    List<MetadataNode> nodes = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    while (true) {
      int tag = in.readTag();
      if (tag == 0) break;
      if (tag == ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
        nodes.add(parseSavedObject(in.readBytes().newCodedInput()));
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return nodes;
  }

  private static MetadataNode parseSavedObject(CodedInputStream in) throws IOException {
    int nodeId = 0;
    String path = "";
    String identifier = "";
    String metadata = "";
    int producer = 0;
    int minConsumer = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) break;
      switch (tag) {
        case (2 << 3) | WireFormat.WIRETYPE_VARINT: nodeId = in.readInt32(); break;
        case (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED: path = in.readStringRequireUtf8(); break;
        case (4 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED: identifier = in.readStringRequireUtf8(); break;
        case (5 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED: metadata = in.readStringRequireUtf8(); break;
        case (6 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED: {
          CodedInputStream v = in.readBytes().newCodedInput();
          while (true) {
            int t = v.readTag();
            if (t == 0) break;
            if (t == ((1 << 3) | WireFormat.WIRETYPE_VARINT)) producer = v.readInt32();
            else if (t == ((2 << 3) | WireFormat.WIRETYPE_VARINT)) minConsumer = v.readInt32();
            else if (!v.skipField(t)) break;
          }
          break;
        }
        default:
          if (!in.skipField(tag)) return new MetadataNode(nodeId, path, identifier, metadata, producer, minConsumer);
      }
    }
    return new MetadataNode(nodeId, path, identifier, metadata, producer, minConsumer);
  }

  /** The root node's metadata JSON (node path "root"), as stored. */
  public static String rootMetadataJson(Path dir) {
    for (MetadataNode n : metadataNodes(dir)) {
      if (n.nodePath.equals("root")) return n.metadata;
    }
    throw new SavedModelException(dir.resolve(METADATA_FILE) + " has no root node");
  }

  /**
   * The model's Keras config as {@code model.to_json()} would give it:
   * {@code {"class_name": "Sequential", "config": {...}}}, plus {@code keras_version} and
   * {@code backend} when the metadata records them. From the root metadata's
   * {@code model_config} when present (TF >= 2.12), else its {@code class_name} and {@code config}.
   */
  public static String modelConfigJson(Path dir) {
    String raw = rootMetadataJson(dir);
    try {
      JsonNode root = JSON.readTree(raw);
      ObjectNode out = JSON.createObjectNode();
      JsonNode mc = root.get("model_config");
      if (mc != null && mc.has("class_name") && mc.has("config")) {
        out.set("class_name", mc.get("class_name"));
        out.set("config", mc.get("config"));
      } else if (root.has("class_name") && root.has("config")) {
        out.set("class_name", root.get("class_name"));
        out.set("config", root.get("config"));
      } else {
        throw new SavedModelException(dir.resolve(METADATA_FILE) + ": the root metadata has no model config");
      }
      if (root.has("keras_version")) out.set("keras_version", root.get("keras_version"));
      if (root.has("backend")) out.set("backend", root.get("backend"));
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new SavedModelException(dir.resolve(METADATA_FILE) + ": the root metadata is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  // ----- checkpoint -----

  /** Every key of the SavedModel's checkpoint ({@code dir/variables/variables.index}), sorted. */
  public static List<String> listCheckpointKeys(Path dir) {
    return CheckpointReader.openSavedModel(dir).keys();
  }

  /** A numeric checkpoint value by key, e.g. {@code "variables/0/.ATTRIBUTES/VARIABLE_VALUE"}. */
  public static FloatArray checkpointValue(Path dir, String key) {
    return CheckpointReader.openSavedModel(dir).floatValue(key);
  }

  /** The checkpoint's object graph ({@code _CHECKPOINTABLE_OBJECT_GRAPH}). */
  public static TrackableObjectGraph checkpointObjectGraph(Path dir) {
    CheckpointReader r = CheckpointReader.openSavedModel(dir);
    byte[][] v = r.stringValue(OBJECT_GRAPH_KEY);
    try {
      return TrackableObjectGraph.parseFrom(v[0]);
    } catch (InvalidProtocolBufferException | ArrayIndexOutOfBoundsException e) {
      throw new SavedModelException("checkpoint " + r.prefix() + ": " + OBJECT_GRAPH_KEY + " is corrupt: " + e.getMessage());
    }
  }

  /**
   * Variable names (as Keras names them, e.g. {@code "lstm/lstm_cell/kernel"}) mapped to their
   * checkpoint keys (e.g. {@code "variables/0/.ATTRIBUTES/VARIABLE_VALUE"}), in checkpoint-key
   * order. Each variable key's object path is followed from the root through the SavedModel's
   * object graph (in {@code saved_model.pb}) to the {@code SavedVariable} that names it.
   */
  public static Map<String, String> variableKeys(Path dir) {
    SavedModel sm = SavedModelFiles.readSavedModel(dir);
    MetaGraphDef mg = sm.getMetaGraphsCount() == 0 ? null : sm.getMetaGraphs(0);
    if (mg == null || !mg.hasObjectGraphDef()) {
      throw new SavedModelException(dir + "/saved_model.pb has no object graph (a TF1-style SavedModel):"
          + " its variables are named by the checkpoint keys themselves");
    }
    SavedObjectGraph og = mg.getObjectGraphDef();
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : listCheckpointKeys(dir)) {
      if (!key.endsWith(VARIABLE_VALUE_SUFFIX)) continue;
      String path = key.substring(0, key.length() - VARIABLE_VALUE_SUFFIX.length());
      SavedObject node = walk(og, path);
      if (node != null && node.hasVariable() && !node.getVariable().getName().isEmpty()) {
        out.putIfAbsent(node.getVariable().getName(), key);
      }
    }
    return out;
  }

  /** A variable's value by its Keras name, e.g. {@code "lstm/lstm_cell/kernel"} or {@code "dense/bias:0"}. */
  public static FloatArray variableValue(Path dir, String name) {
    String n = name.endsWith(":0") ? name.substring(0, name.length() - 2) : name;
    Map<String, String> keys = variableKeys(dir);
    String key = keys.get(n);
    if (key == null) {
      throw new IllegalArgumentException(dir + " has no variable named '" + name + "'; it has " + keys.keySet());
    }
    return checkpointValue(dir, key);
  }

  private static SavedObject walk(SavedObjectGraph og, String escapedPath) {
    if (og.getNodesCount() == 0) return null;
    SavedObject node = og.getNodes(0);
    for (String part : escapedPath.split("/")) {
      String local = unescape(part);
      SavedObject next = null;
      for (var ref : node.getChildrenList()) {
        if (ref.getLocalName().equals(local)) {
          if (ref.getNodeId() < 0 || ref.getNodeId() >= og.getNodesCount()) return null;
          next = og.getNodes(ref.getNodeId());
          break;
        }
      }
      if (next == null) return null;
      node = next;
    }
    return node;
  }

  /** Undoes TensorFlow's escaping of object names in checkpoint keys ("." as "..", "/" as ".S"). */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' && i + 1 < s.length()) {
        char d = s.charAt(i + 1);
        if (d == '.') {
          b.append('.');
          i++;
          continue;
        }
        if (d == 'S') {
          b.append('/');
          i++;
          continue;
        }
      }
      b.append(c);
    }
    return b.toString();
  }
}
