package io.jkeras.saving;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.Weight;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.models.Sequential;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * jkeras's own model directory: {@code model.json} (Keras 3 JSON with compile_config) and
 * {@code weights.npz} (one array per weight, keyed by Keras path "lstm/kernel", in
 * {@code model.weights} order: {@code numpy.load} reads it). Written to a temporary directory and
 * renamed into place, so a crash never leaves a half-written model where a good one was.
 */
public final class ModelFiles {
  public static final String CONFIG = "model.json";
  public static final String WEIGHTS = "weights.npz";

  private ModelFiles() {}

  /** True if {@code dir} holds a model saved by {@link #save}. */
  public static boolean isModelDir(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve(WEIGHTS));
  }

  /** Saves model and weights into {@code dir} (created or replaced atomically). */
  public static void save(Sequential model, Path dir) {
    save(model, dir, Map.of());
  }

  /** Also writes {@code extraFiles} (name -> text) into the directory. */
  public static void save(Sequential model, Path dir, Map<String, String> extraFiles) {
    save(model, dir, extraFiles, false);
  }

  /**
   * With {@code savedModel}, the directory is also a TensorFlow SavedModel of the model
   * (saved_model.pb, variables/, assets/): TensorFlow Serving and {@code tf.saved_model.load}
   * open it as it is, and jkeras opens it from either side.
   */
  public static void save(Sequential model, Path dir, Map<String, String> extraFiles, boolean savedModel) {
    Path abs = dir.toAbsolutePath();
    try {
      Files.createDirectories(abs.getParent());
      Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-");
      try {
        if (savedModel) model.export(tmp);
        Files.writeString(tmp.resolve(CONFIG), KerasJson.write(model));
        Map<String, FloatArray> w = new LinkedHashMap<>();
        for (Weight weight : model.weights()) {
          if (w.put(weight.path(), weight.value()) != null) {
            throw new IllegalStateException("two weights share the path " + weight.path());
          }
        }
        Npz.write(tmp.resolve(WEIGHTS), w);
        for (Map.Entry<String, String> e : extraFiles.entrySet()) Files.writeString(tmp.resolve(e.getKey()), e.getValue());
        replace(tmp, abs);
      } finally {
        deleteTree(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Moves {@code tmp} to {@code target}, replacing an existing directory only once the new one is complete. */
  static void replace(Path tmp, Path target) throws IOException {
    if (Files.exists(target)) {
      Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
      Files.delete(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } else {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) Files.deleteIfExists(q);
    }
  }

  /** Loads a model saved by {@link #save}: built, weights set, compiled if it was. */
  public static Sequential load(Path dir) {
    if (!isModelDir(dir)) {
      throw new KerasFormatException(dir + ": not a jkeras model directory (needs " + CONFIG + " and " + WEIGHTS + ")");
    }
    Sequential m;
    JsonNode root;
    try {
      root = KerasJson.parse(Files.readString(dir.resolve(CONFIG)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (KerasFormatException e) {
      throw new KerasFormatException(dir.resolve(CONFIG) + ": " + e.getMessage(), e);
    }
    m = KerasJson.fromTree(root, -1);
    try {
      if (m.inputBatchShape() == null) throw new KerasFormatException(dir.resolve(CONFIG) + ": the model has no input shape");
      m.build(m.inputBatchShape());
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
        if (!java.util.Arrays.equals(w.shape(), e.getValue().shape())) {
          throw new KerasFormatException(dir.resolve(WEIGHTS) + ": " + e.getKey() + " has shape " + Shapes.toString(e.getValue().shape())
              + " but weight " + w.path() + " of the model has shape " + Shapes.toString(w.shape()));
        }
        w.assign(e.getValue());
      }
      if (root.has("compile_config")) KerasJson.compile(m, root.get("compile_config"));
      return m;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }
}
