package io.jkeras.saving.savedmodel;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.Weight;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.utils.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.jkeras.config.KerasFormatException;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.optimizers.OptimizerConfigs;

/**
 * Reopens a SavedModel as a trainable jkeras model, with its weights:
 * <ul>
 *   <li>one jkeras exported ({@code assets/keras_model.json}, checkpoint keyed by Keras path);</li>
 *   <li>a Keras 2 / tf.keras SavedModel ({@code keras_metadata.pb}): the config from the
 *       metadata, each weight found through the checkpoint's object graph by its Keras variable
 *       name ({@code lstm/lstm_cell/kernel}), whatever its checkpoint key
 *       ({@code variables/0/.ATTRIBUTES/VARIABLE_VALUE}); compiled from its training_config.</li>
 * </ul>
 * Any other SavedModel runs for inference through {@link SavedModel}.
 */
public final class SavedModelImport {
  private SavedModelImport() {}

  /** True if {@code dir} is a SavedModel that carries a Keras config jkeras can rebuild. */
  public static boolean hasKerasConfig(Path dir) {
    return Files.isRegularFile(dir.resolve(SavedModelFiles.SAVED_MODEL_PB))
        && (Files.isRegularFile(dir.resolve("assets").resolve(SavedModelExporter.CONFIG_ASSET))
            || Files.isRegularFile(dir.resolve(KerasSavedModelReader.METADATA_FILE)));
  }

  /** Reopens a Sequential model's SavedModel as a trainable model (see {@link #loadTrainableModel} for any model). */
  public static Sequential loadTrainable(Path dir) {
    Model m = loadTrainableModel(dir);
    if (m instanceof Sequential) return (Sequential) m;
    m.close();
    throw new SavedModelException(dir + ": holds a Functional model with " + m.inputCount() + " input(s) and " + m.outputCount()
        + " output(s), not a Sequential one: open it with loadTrainableModel (or SavingApi.loadModel)");
  }

  /** Reopens a SavedModel with a Keras config as a trainable model, Sequential or Functional, with its weights. */
  public static Model loadTrainableModel(Path dir) {
    if (!Files.isRegularFile(dir.resolve(SavedModelFiles.SAVED_MODEL_PB))) {
      throw new SavedModelException(dir + ": not a SavedModel (no saved_model.pb)");
    }
    Path jkerasConfig = dir.resolve("assets").resolve(SavedModelExporter.CONFIG_ASSET);
    if (Files.isRegularFile(jkerasConfig)) return loadJkeras(dir, jkerasConfig);
    if (Files.isRegularFile(dir.resolve(KerasSavedModelReader.METADATA_FILE))) return loadKeras2(dir);
    throw new SavedModelException(dir + ": this SavedModel has no Keras config (neither assets/" + SavedModelExporter.CONFIG_ASSET
        + " nor " + KerasSavedModelReader.METADATA_FILE + "): open it with SavedModel.load for inference");
  }

  private static Model loadJkeras(Path dir, Path config) {
    Model m = KerasJson.readModel(config);
    try {
      build(m, dir);
      CheckpointReader ckpt = CheckpointReader.openSavedModel(dir);
      for (Weight w : m.weights()) {
        String key = SavedModelExporter.checkpointKey(SavedModelExporter.sanitize(w.path()));
        if (!ckpt.contains(key)) key = SavedModelExporter.sanitize(w.path()); // exports before the TF2 object graph
        if (!ckpt.contains(key)) {
          throw new SavedModelException(dir + ": the checkpoint has no value for weight " + w.path() + " (key " + key + ")");
        }
        assign(dir, w, key, ckpt.floatValue(key));
      }
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static Model loadKeras2(Path dir) {
    JsonNode root = KerasJson.parse(KerasSavedModelReader.modelConfigJson(dir));
    Model m;
    try {
      m = KerasJson.modelFromTree(root, -1);
    } catch (KerasFormatException e) {
      throw new KerasFormatException(dir.resolve(KerasSavedModelReader.METADATA_FILE) + ": " + e.getMessage(), e);
    }
    try {
      build(m, dir);
      Map<String, String> keys = KerasSavedModelReader.variableKeys(dir);
      CheckpointReader ckpt = CheckpointReader.openSavedModel(dir);
      for (Weight w : m.weights()) {
        String name = kerasVariable(dir, w, keys);
        assign(dir, w, name, ckpt.floatValue(keys.get(name)));
      }
      JsonNode meta = KerasJson.parse(KerasSavedModelReader.rootMetadataJson(dir));
      compileFromTrainingConfig(m, meta.get("training_config"));
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static void build(Model m, Path dir) {
    if (m.isBuilt()) return; // a Functional model is built when made
    if (m.inputBatchShape() == null) throw new SavedModelException(dir + ": the model config has no input shape");
    m.build(m.inputBatchShape());
  }

  /**
   * The Keras variable of a jkeras weight: the name whose path holds the weight's layer
   * ("lstm/lstm_cell/kernel" for lstm/kernel, "bidirectional/forward_lstm/lstm_cell/kernel" for
   * forward_lstm/kernel) and ends with the weight's name. Exactly one must match.
   */
  static String kerasVariable(Path dir, Weight w, Map<String, String> keys) {
    String[] p = w.path().split("/");
    String layer = p[0];
    // The path after the layer: the weight's name, or a sublayer's and then its name (mha/query/kernel).
    List<String> tail = Arrays.asList(p).subList(1, p.length);
    List<String> matches = new ArrayList<>();
    for (String name : keys.keySet()) {
      List<String> parts = Arrays.asList(name.replaceAll(":\\d+$", "").split("/"));
      if (endsWith(parts, tail) && parts.subList(0, parts.size() - tail.size()).contains(layer)
          && !parts.get(0).equalsIgnoreCase("adam") && !name.contains("/m/") && !name.contains("/v/")) {
        matches.add(name);
      }
    }
    if (matches.size() != 1) {
      throw new SavedModelException(dir + ": weight " + w.path() + " matches " + (matches.isEmpty() ? "no" : matches.size())
          + " Keras variables" + (matches.isEmpty() ? "" : " " + matches) + "; variables: " + keys.keySet());
    }
    return matches.get(0);
  }

  private static boolean endsWith(List<String> parts, List<String> tail) {
    return parts.size() > tail.size() && parts.subList(parts.size() - tail.size(), parts.size()).equals(tail);
  }

  private static void assign(Path dir, Weight w, String name, FloatArray value) {
    long[] s = value.shape();
    if (!Arrays.equals(s, w.shape())) {
      throw new SavedModelException(dir + ": variable " + name + " has shape " + Shapes.toString(s) + " but weight " + w.path()
          + " needs " + Shapes.toString(w.shape()));
    }
    w.assign(value);
  }

  /** Keras 2's training_config: {"loss": ..., "metrics": [...], "optimizer_config": {...}}. */
  private static void compileFromTrainingConfig(Model m, JsonNode tc) {
    if (tc == null || tc.isNull() || !tc.has("optimizer_config") || !tc.get("loss").isTextual()) return;
    List<String> metrics = new ArrayList<>();
    JsonNode ms = tc.get("metrics");
    if (ms != null && ms.isArray()) {
      for (JsonNode x : ms) {
        if (x.isTextual()) metrics.add(x.asText());
        else if (x.isArray() && x.size() == 1 && x.get(0).isTextual()) metrics.add(x.get(0).asText());
        else if (x.isObject()) metrics.add(x.path("config").path("name").asText(x.path("class_name").asText()));
      }
    }
    try {
      m.compile(OptimizerConfigs.fromConfig(tc.get("optimizer_config"), "training_config.optimizer_config"),
          tc.get("loss").asText(), metrics.toArray(new String[0]));
    } catch (IllegalArgumentException e) {
      // A training setup jkeras cannot reproduce leaves the model uncompiled, as Keras does with compile=False.
      System.err.println("WARNING: not compiling the loaded model: " + e.getMessage());
    }
  }
}
