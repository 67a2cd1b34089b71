package io.jkeras.saving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.backend.Weight;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.layers.IndexLookup;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Preprocessing;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.OptimizerState;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.utils.AtomicFiles;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jkeras's own model directory: {@code model.json} (Keras 3 JSON with compile_config) and
 * {@code weights.npz} (one array per weight, keyed by Keras path "lstm/kernel", in
 * {@code model.weights} order: {@code numpy.load} reads it); for a compiled model also the
 * optimizer's state in Keras 3's layout: {@code optimizer.json} (class_name, iterations,
 * learning_rate, variables: the names of the others) and {@code optimizer.npz} (those
 * variables, keyed by Keras name "dense_kernel_momentum", in Keras's order). Written to a new directory beside the
 * target and swapped in ({@link AtomicFiles#replaceDirectory}), so a crash leaves the old model or the new one; a
 * directory that a killed save left renamed away is restored when it is next loaded or saved.
 */
public final class ModelFiles {
  public static final String CONFIG = "model.json";
  public static final String WEIGHTS = "weights.npz";
  public static final String OPTIMIZER = "optimizer.json";
  /** Folder of the preprocessing layers' vocabularies ("assets/" is the SavedModel's). */
  public static final String ASSETS = "keras_assets";
  public static final String OPTIMIZER_WEIGHTS = "optimizer.npz";

  private ModelFiles() {}

  /** True if {@code dir} holds a model saved by {@link #save}. */
  public static boolean isModelDir(Path dir) {
    if (!Files.exists(dir)) AtomicFiles.recover(dir);
    return Files.isRegularFile(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve(WEIGHTS));
  }

  /** Saves model and weights into {@code dir} (created or replaced atomically). */
  public static void save(Model model, Path dir) {
    save(model, dir, Map.of());
  }

  /** Also writes {@code extraFiles} (name -> text) into the directory. */
  public static void save(Model model, Path dir, Map<String, String> extraFiles) {
    save(model, dir, extraFiles, false);
  }

  /**
   * With {@code savedModel}, the directory is also a TensorFlow SavedModel of the model
   * (saved_model.pb, variables/, assets/): TensorFlow Serving and {@code tf.saved_model.load}
   * open it as it is, and jkeras opens it from either side.
   */
  public static void save(Model model, Path dir, Map<String, String> extraFiles, boolean savedModel) {
    try {
      AtomicFiles.replaceDirectory(dir, tmp -> {
        if (savedModel) model.export(tmp);
        Files.writeString(tmp.resolve(CONFIG), KerasJson.write(model));
        Map<String, FloatArray> w = new LinkedHashMap<>();
        for (Weight weight : model.weights()) {
          if (w.put(weight.path(), weight.value()) != null) {
            throw new IllegalStateException("two weights share the path " + weight.path());
          }
        }
        Npz.write(tmp.resolve(WEIGHTS), w);
        writeAssets(model, tmp);
        if (model.isCompiled()) writeOptimizer(model, tmp);
        for (Map.Entry<String, String> e : extraFiles.entrySet()) Files.writeString(tmp.resolve(e.getKey()), e.getValue());
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The vocabularies of preprocessing layers (TextVectorization...) not held by their configs:
   * {@code ASSETS/<layer name>/vocabulary.txt}, as a .keras archive holds them.
   */
  private static void writeAssets(Model model, Path dir) throws IOException {
    for (Layer<?> l : model.layers()) {
      if (!(l instanceof Preprocessing p)) continue;
      for (Map.Entry<String, byte[]> e : p.saveAssets().entrySet()) {
        if (e.getKey().contains("/")) continue; // Keras's second copy (_lookup_layer/) is for Keras only
        Path f = dir.resolve(ASSETS).resolve(l.name()).resolve(e.getKey());
        Files.createDirectories(f.getParent());
        Files.write(f, e.getValue());
      }
    }
  }

  /** Reads back what {@link #writeAssets} wrote, each file bounded. */
  private static void readAssets(Model model, Path dir) {
    for (Layer<?> l : model.layers()) {
      if (!(l instanceof Preprocessing p)) continue;
      Path f = dir.resolve(ASSETS).resolve(l.name()).resolve("vocabulary.txt");
      if (!Files.isRegularFile(f)) continue;
      try {
        if (Files.size(f) > IndexLookup.MAX_VOCABULARY_BYTES) {
          throw new KerasFormatException(f + ": " + Files.size(f) + " bytes, more than the " + IndexLookup.MAX_VOCABULARY_BYTES
              + " accepted for a vocabulary");
        }
        p.loadAssets(Map.of("vocabulary.txt", Files.readAllBytes(f)), dir.resolve(ASSETS).resolve(l.name()).toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void writeOptimizer(Model model, Path dir) throws IOException {
    OptimizerState s = model.optimizerState();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("class_name", model.optimizer().className());
    meta.put("iterations", s.iterations());
    meta.put("learning_rate", (double) s.learningRate());
    meta.put("variables", s.names());
    Files.writeString(dir.resolve(OPTIMIZER), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    Map<String, FloatArray> arrays = new LinkedHashMap<>();
    for (int i = 0; i < s.values().size(); i++) arrays.put(s.names().get(i), s.values().get(i));
    Npz.write(dir.resolve(OPTIMIZER_WEIGHTS), arrays);
  }

  /** Restores the optimizer state saved by {@link #writeOptimizer}, checking every name and shape first. */
  private static void readOptimizer(Model m, Path dir) {
    Path json = dir.resolve(OPTIMIZER);
    Path npz = dir.resolve(OPTIMIZER_WEIGHTS);
    JsonNode meta;
    Map<String, FloatArray> arrays;
    try {
      meta = new ObjectMapper().readTree(Files.readString(json));
      arrays = Files.isRegularFile(npz) ? Npz.read(npz) : Map.of();
    } catch (IOException e) {
      throw new KerasFormatException(json + ": cannot read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(e.getMessage(), e);
    }
    String cls = meta.path("class_name").asText();
    if (!cls.equals(m.optimizer().className())) {
      throw new KerasFormatException(json + ": the state of a " + cls + " optimizer, but model.json compiles with "
          + m.optimizer().className());
    }
    if (!meta.path("iterations").canConvertToLong() || !meta.path("learning_rate").isNumber() || !meta.path("variables").isArray()) {
      throw new KerasFormatException(json + ": needs iterations, learning_rate and variables");
    }
    List<String> paths = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    for (Weight w : m.trainableWeights()) {
      paths.add(w.path());
      shapes.add(w.shape());
    }
    List<OptimizerState.Slot> layout = m.optimizer().stateLayout(paths, shapes);
    JsonNode names = meta.get("variables");
    if (names.size() != layout.size() || arrays.size() != layout.size()) {
      throw new KerasFormatException(json + ": " + names.size() + " optimizer variables (" + arrays.size() + " in " + OPTIMIZER_WEIGHTS
          + ") but " + m.optimizer().className() + " has " + layout.size() + " for this model");
    }
    List<String> keep = new ArrayList<>();
    List<FloatArray> values = new ArrayList<>();
    for (int i = 0; i < layout.size(); i++) {
      OptimizerState.Slot slot = layout.get(i);
      String name = names.get(i).asText();
      FloatArray v = arrays.get(name);
      if (!name.equals(slot.name) || v == null) {
        throw new KerasFormatException(npz + ": optimizer variable " + i + " is '" + name + "'" + (v == null ? " (missing)" : "")
            + ", expected '" + slot.name + "'");
      }
      long[] want = slot.shape.length == 0 ? new long[] {1} : slot.shape;
      if (!Arrays.equals(want, v.shape())) {
        throw new KerasFormatException(npz + ": " + name + " has shape " + Shapes.toString(v.shape()) + " but the optimizer needs "
            + Shapes.toString(slot.shape));
      }
      keep.add(name);
      values.add(v);
    }
    m.setOptimizerState(new OptimizerState(meta.get("iterations").asLong(), (float) meta.get("learning_rate").asDouble(), keep, values));
  }

  /** Loads a Sequential model saved by {@link #save}: built, weights set, compiled if it was. */
  public static Sequential load(Path dir) {
    Model m = loadModel(dir);
    if (m instanceof Sequential) return (Sequential) m;
    m.close();
    throw new KerasFormatException(dir.resolve(CONFIG) + ": a Functional model with " + m.inputCount() + " input(s) and "
        + m.outputCount() + " output(s), not a Sequential one: open it with loadModel");
  }

  /** Loads any model (Sequential or Functional) saved by {@link #save}: built, weights set, compiled if it was. */
  public static Model loadModel(Path dir) {
    if (!isModelDir(dir)) {
      throw new KerasFormatException(dir + ": not a jkeras model directory (needs " + CONFIG + " and " + WEIGHTS + ")");
    }
    Model m;
    JsonNode root;
    try {
      root = KerasJson.parse(Files.readString(dir.resolve(CONFIG)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (KerasFormatException e) {
      throw new KerasFormatException(dir.resolve(CONFIG) + ": " + e.getMessage(), e);
    }
    m = KerasJson.modelFromTree(root, -1);
    try {
      if (!m.isBuilt()) {
        if (m.inputBatchShape() == null) throw new KerasFormatException(dir.resolve(CONFIG) + ": the model has no input shape");
        m.build(m.inputBatchShape());
      }
      Map<String, FloatArray> values;
      try {
        values = Npz.read(dir.resolve(WEIGHTS));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<Weight> weights = m.weights();
      if (values.size() != weights.size()) {
        throw new KerasFormatException(dir.resolve(WEIGHTS) + ": has " + values.size() + " arrays but the model has "
            + weights.size() + " weights");
      }
      int i = 0;
      for (Map.Entry<String, FloatArray> e : values.entrySet()) {
        Weight w = weights.get(i++);
        if (!Arrays.equals(w.shape(), e.getValue().shape())) {
          throw new KerasFormatException(dir.resolve(WEIGHTS) + ": " + e.getKey() + " has shape " + Shapes.toString(e.getValue().shape())
              + " but weight " + w.path() + " of the model has shape " + Shapes.toString(w.shape()));
        }
        w.assign(e.getValue());
      }
      readAssets(m, dir);
      if (root.has("compile_config")) {
        KerasJson.compile(m, root.get("compile_config"));
        if (Files.isRegularFile(dir.resolve(OPTIMIZER))) readOptimizer(m, dir);
      }
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }
}
