package io.jkeras.saving.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jkeras.config.KerasFormatException;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Preprocessing;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.utils.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras model files, both ways:
 * <ul>
 *   <li>{@link #load(Path)}: a Keras 3 {@code .keras} archive, or a full-model legacy
 *       {@code .h5} ({@code model.save("x.h5")} of Keras 1, 2, tf.keras or Keras 3);</li>
 *   <li>{@link #load(Path, Path)}: a JSON config ({@code model.to_json()} or a {@code .keras}
 *       {@code config.json}) with a weights file of either layout;</li>
 *   <li>{@link #saveKeras}: a {@code .keras} archive that Keras 3's
 *       {@code keras.models.load_model} opens; {@link #saveWeights} / {@link #loadWeights}:
 *       {@code .weights.h5} files as Keras 3's {@code save_weights} / {@code load_weights}
 *       write and read them (loading also takes legacy {@code .h5} weights).</li>
 * </ul>
 * Loaded models are built, carry the file's weights and are compiled from the file's
 * {@code compile_config} (Keras 3) or {@code training_config} (legacy) when it has one: they can
 * be trained further. A compile config jkeras cannot honour (an optimizer option it lacks)
 * leaves the model uncompiled with a warning on standard error, as Keras warns when it cannot
 * compile a loaded model. See {@link KerasWeights} for how weights are matched.
 *
 * <p>Written files follow Keras 3 whatever version a model was read from. A model that uses
 * Keras 2's hard_sigmoid (read from a Keras 1/2 file) is written with the weights that feed it
 * scaled so that Keras 3's hard_sigmoid computes the same ({@link KerasWeights#keras3Value});
 * {@code .weights.h5} files hold the weights unchanged.
 *
 * <p>A compiled model's optimizer state (step count, learning rate, slots) is written and read
 * where Keras puts it ({@link OptimizerWeights}), so training resumes where it stopped, in
 * Keras or in jkeras. HDF5 string attributes are
 * written as fixed-length UTF-8 strings where h5py writes variable-length ones: same names and
 * values, which Keras does not read back anyway.
 *
 * <p>Writes are atomic: the file is written beside the destination under a temporary name and
 * renamed over it, so a failure never leaves a partial file where a good one was.
 */
public final class KerasModels {
  /** The Keras version written to metadata.json: the Keras 3 format jkeras writes (that of Keras 3.10). */
  public static final String KERAS_VERSION = "3.10.0";

  private KerasModels() {}

  // ----- loading -----

  /** Loads a {@code .keras} archive or a full-model {@code .h5} of a Sequential model, compiled if the file says how. */
  public static Sequential load(Path file) {
    return load(file, true);
  }

  /** Loads a {@code .keras} or full-model {@code .h5}; {@code compile=false} ignores the file's compile settings. */
  public static Sequential load(Path file, boolean compile) {
    return sequential(loadModel(file, compile), file);
  }

  /** Loads any model (Sequential or Functional) from a {@code .keras} archive or a full-model {@code .h5}. */
  public static Model loadModel(Path file) {
    return loadModel(file, true);
  }

  /** Loads a JSON config with weights as any model (Sequential or Functional). */
  public static Model loadModel(Path config, Path weights) {
    return loadModel(config, weights, true);
  }

  private static Sequential sequential(Model m, Path file) {
    if (m instanceof Sequential) return (Sequential) m;
    m.close();
    throw new KerasFormatException(file + ": a Functional model that is not a single chain: open it with KerasModels.loadModel");
  }

  public static Model loadModel(Path file, boolean compile) {
    if (!Files.exists(file)) throw new KerasFormatException(file + ": no such file");
    if (Files.isDirectory(file)) throw new KerasFormatException(file + ": is a directory, expected a .keras or .h5 file");
    if (Hdf5.isHdf5(file)) return loadLegacyModel(file, compile);
    if (isZip(file)) return loadKeras(file, compile);
    String name = file.getFileName().toString();
    if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
      throw new KerasFormatException(file + ": not an HDF5 file (no HDF5 signature at the start)");
    }
    throw new KerasFormatException(file + ": neither a .keras archive (zip) nor an HDF5 model file");
  }

  /** Loads a JSON config with the weights of {@code weights} (Keras 3 or legacy layout). */
  public static Sequential load(Path config, Path weights) {
    return load(config, weights, true);
  }

  public static Sequential load(Path config, Path weights, boolean compile) {
    return sequential(loadModel(config, weights, compile), config);
  }

  public static Model loadModel(Path config, Path weights, boolean compile) {
    JsonNode root = parseFile(config);
    Model m = KerasJson.modelFromTree(root, -1);
    try {
      loadWeights(m, weights);
      if (compile) {
        compile(m, root.get("compile_config"), config + ": compile_config");
        try (HdfFile hdf = Hdf5.open(weights, "a Keras weights file (.weights.h5 or .h5)")) {
          OptimizerWeights.readKeras3(m, hdf, weights);
        }
      }
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static Model loadKeras(Path file, boolean compile) {
    try (KerasArchive.Contents c = KerasArchive.read(file)) {
      JsonNode root;
      try {
        root = KerasJson.parse(c.config);
      } catch (KerasFormatException e) {
        throw new KerasFormatException(file + ": config.json: " + e.getMessage(), e);
      }
      int major = 3;
      if (c.metadata != null) {
        try {
          major = KerasJson.kerasMajor(KerasJson.parse(c.metadata));
        } catch (KerasFormatException e) {
          throw new KerasFormatException(file + ": metadata.json: " + e.getMessage(), e);
        }
      }
      Model m = fromConfig(root, major, file + ": config.json");
      try {
        Path inner = Path.of(file + "!/" + KerasArchive.WEIGHTS);
        try (HdfFile hdf = c.openWeights(inner)) {
          KerasWeights.load(m, hdf, inner);
          loadAssets(m, c.assets, file);
          if (compile) {
            compile(m, root.get("compile_config"), file + ": compile_config");
            OptimizerWeights.readKeras3(m, hdf, inner);
          }
        } catch (KerasFormatException e) {
          if (c.weightsFile() == null) throw e;
          throw new KerasFormatException(e.getMessage().replace(c.weightsFile().toString(), inner.toString()), e);
        }
        return m;
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
    }
  }

  private static Model loadLegacyModel(Path file, boolean compile) {
    try (HdfFile hdf = Hdf5.open(file, "a Keras model file")) {
      String config;
      String version;
      String training;
      try {
        config = Hdf5.string(hdf, "model_config");
        version = Hdf5.string(hdf, "keras_version");
        training = Hdf5.string(hdf, "training_config");
      } catch (RuntimeException e) {
        throw Hdf5.corrupt(file, e);
      }
      if (config == null) {
        KerasWeights.Layout layout;
        try {
          layout = KerasWeights.layout(hdf);
        } catch (RuntimeException e) {
          throw Hdf5.corrupt(file, e);
        }
        if (layout != null) {
          throw new KerasFormatException(file + ": holds weights only (no model_config): load it with its JSON config,"
              + " KerasModels.load(config, weights), or jkeras predict CONFIG.json --weights " + file.getFileName());
        }
        throw new KerasFormatException(file + ": not a Keras model file: no 'model_config' attribute");
      }
      JsonNode root;
      try {
        root = KerasJson.parse(config);
      } catch (KerasFormatException e) {
        throw new KerasFormatException(file + ": model_config: " + e.getMessage(), e);
      }
      int major = version != null && !version.isEmpty() && Character.isDigit(version.charAt(0))
          ? Character.getNumericValue(version.charAt(0)) : KerasJson.kerasMajor(root);
      Model m = fromConfig(root, major, file + ": model_config");
      try {
        KerasWeights.load(m, hdf, file);
        if (compile && training != null) {
          JsonNode tc;
          try {
            tc = KerasJson.parse(training);
          } catch (KerasFormatException e) {
            throw new KerasFormatException(file + ": training_config: " + e.getMessage(), e);
          }
          compile(m, compileConfigOf(tc), file + ": training_config");
          OptimizerWeights.readLegacy(m, hdf, file);
        }
        return m;
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
    }
  }

  private static Model fromConfig(JsonNode root, int major, String where) {
    Model m;
    try {
      m = KerasJson.modelFromTree(root, major);
    } catch (KerasFormatException e) {
      throw new KerasFormatException(where + ": " + e.getMessage(), e);
    }
    if (m.inputBatchShape() == null) {
      m.close();
      throw new KerasFormatException(where + ": the model declares no input shape, so its weights cannot be created");
    }
    return m;
  }

  /** Keras 2's training_config ({@code optimizer_config}, loss, metrics) as a Keras 3 compile_config. */
  static JsonNode compileConfigOf(JsonNode trainingConfig) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.set("optimizer", trainingConfig.get("optimizer_config"));
    c.set("loss", trainingConfig.get("loss"));
    c.set("metrics", trainingConfig.get("metrics"));
    return c;
  }

  private static void compile(Model m, JsonNode compileConfig, String where) {
    // Keras 3.11+ writes "compile_config": {} for a model that was never compiled.
    if (compileConfig == null || compileConfig.isNull() || compileConfig.isObject() && compileConfig.isEmpty()) return;
    try {
      KerasJson.compile(m, compileConfig);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("jkeras: warning: " + where + " not applied, the model is not compiled: " + e.getMessage());
    }
  }

  private static JsonNode parseFile(Path config) {
    try {
      long size = Files.size(config);
      if (size > KerasJson.MAX_BYTES) throw new KerasFormatException(config + ": " + size + " bytes is too large for a model config");
      return KerasJson.parse(Files.readString(config));
    } catch (NoSuchFileException e) {
      throw new KerasFormatException(config + ": no such file", e);
    } catch (IOException e) {
      throw new KerasFormatException(config + ": cannot read: " + e.getMessage(), e);
    } catch (KerasFormatException e) {
      if (e.getMessage().startsWith(config.toString())) throw e;
      throw new KerasFormatException(config + ": " + e.getMessage(), e);
    }
  }

  private static boolean isZip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6);
    } catch (IOException e) {
      return false;
    }
  }

  // ----- weights -----

  /** Loads weights of either layout (Keras 3 {@code .weights.h5}, legacy {@code .h5}) into {@code model}, building it if needed. */
  public static void loadWeights(Model model, Path weights) {
    try (HdfFile hdf = Hdf5.open(weights, "a Keras weights file (.weights.h5 or .h5)")) {
      KerasWeights.load(model, hdf, weights);
      // As Keras's load_weights: a compiled model also gets the file's optimizer state.
      OptimizerWeights.readKeras3(model, hdf, weights);
    }
  }

  /** Writes the model's weights as Keras 3's {@code model.save_weights("x.weights.h5")} does. */
  public static void saveWeights(Model model, Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(".weights.h5")) {
      throw new IllegalArgumentException(file + ": the file name must end in .weights.h5 (Keras 3 reads other .h5 names"
          + " as legacy weights files)");
    }
    Hdf5.Tree tree = KerasWeights.keras3Tree(model, false);
    OptimizerWeights.write(tree, model);
    atomicWrite(file, tmp -> Hdf5.write(tree, tmp));
  }

  // ----- .keras -----

  /** Writes {@code model} as a Keras 3 {@code .keras} archive (built first if it is not). */
  public static void saveKeras(Model model, Path file) {
    if (!file.getFileName().toString().endsWith(".keras")) {
      throw new IllegalArgumentException(file + ": the file name must end in .keras (keras.models.load_model requires it)");
    }
    Hdf5.Tree tree = KerasWeights.keras3Tree(model, true);
    OptimizerWeights.write(tree, model);
    // the weights below carry Keras 2's hard_sigmoid, if any
    String config = model instanceof Sequential ? KerasJson.write((Sequential) model, false) : KerasJson.write(model);
    String metadata = metadata();
    Map<String, byte[]> assets = saveAssets(model);
    atomicWrite(file, tmp -> {
      Path h5 = AtomicFiles.scratchFile(file);
      try {
        Hdf5.write(tree, h5);
        KerasArchive.write(tmp, metadata, config, h5, assets);
      } finally {
        Files.deleteIfExists(h5);
      }
    });
  }

  /**
   * The asset files of the model's preprocessing layers, by path under {@code assets/}: Keras's
   * saving_lib gives each layer the folder {@code layers/<per-class group name>} (the same names
   * as in model.weights.h5), where {@code save_assets} writes (a vocabulary.txt).
   */
  private static Map<String, byte[]> saveAssets(Model model) {
    Map<String, byte[]> r = new LinkedHashMap<>();
    List<Layer<?>> layers = model.layers();
    List<String> groups = KerasWeights.layerGroupNames(model, false);
    for (int i = 0; i < layers.size(); i++) {
      if (!(layers.get(i) instanceof Preprocessing p)) continue;
      for (Map.Entry<String, byte[]> e : p.saveAssets().entrySet()) r.put("layers/" + groups.get(i) + "/" + e.getKey(), e.getValue());
    }
    return r;
  }

  /** Gives each preprocessing layer the asset files of its folder (Keras's load_assets). */
  private static void loadAssets(Model model, Map<String, byte[]> assets, Path file) {
    List<Layer<?>> layers = model.layers();
    List<String> groups = KerasWeights.layerGroupNames(model, true);
    for (int i = 0; i < layers.size(); i++) {
      if (!(layers.get(i) instanceof Preprocessing p)) continue;
      String prefix = "layers/" + groups.get(i) + "/";
      Map<String, byte[]> mine = new LinkedHashMap<>();
      for (Map.Entry<String, byte[]> e : assets.entrySet()) {
        if (e.getKey().startsWith(prefix)) mine.put(e.getKey().substring(prefix.length()), e.getValue());
      }
      p.loadAssets(mine, file + "!/" + KerasArchive.ASSETS + prefix.substring(0, prefix.length() - 1));
    }
  }

  /**
   * True if {@code model} uses Keras 2's hard_sigmoid (it was read from a Keras 1/2 file): its
   * Keras 3 JSON ({@link KerasJson#write}) alone would mean Keras 3's hard_sigmoid.
   */
  public static boolean usesKeras2HardSigmoid(Model model) {
    return KerasWeights.usesKeras2HardSigmoid(model);
  }



  /** metadata.json as Keras writes it: keras_version and date_saved ("2026-01-15@02:29:02"). */
  static String metadata() {
    String date = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss", Locale.ROOT));
    return "{\"keras_version\": \"" + KERAS_VERSION + "\", \"date_saved\": \"" + date + "\"}";
  }

  interface Writer {
    void write(Path tmp) throws IOException;
  }

  /** Writes through {@code writer} to a temporary file beside {@code target}, then renames it over {@code target} ({@link AtomicFiles}). */
  static void atomicWrite(Path target, Writer writer) {
    if (Files.isDirectory(target)) throw new IllegalArgumentException(target + ": is a directory");
    try {
      AtomicFiles.writeFile(target, writer::write);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
