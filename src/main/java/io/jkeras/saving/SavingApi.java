package io.jkeras.saving;

import io.jkeras.config.KerasFormatException;
import io.jkeras.layers.Layer;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.savedmodel.SavedModelImport;
import io.jkeras.utils.AtomicFiles;
import io.jkeras.utils.ResourceLimitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keras's {@code keras.saving.load_model}: opens any model file jkeras reads as a trainable
 * model, choosing the format from the file: a jkeras model directory, a SavedModel that carries
 * a Keras config ({@code keras_metadata.pb}), a Keras 3 {@code .keras} archive, a full-model Keras
 * {@code .h5}, or a Keras JSON config (with a weights file, else freshly initialized). A plain
 * SavedModel without a Keras config runs for inference through
 * {@link io.jkeras.saving.savedmodel.SavedModel#load}.
 */
public final class SavingApi {
  /** The formats {@link #loadModel} accepts, for messages. */
  public static final String FORMATS = "a jkeras model directory, a SavedModel, a Keras .keras archive, a Keras .h5"
      + " model, or a Keras .json config (with --weights FILE.h5)";

  private SavingApi() {}

  /** Opens the model at {@code path}: a {@code Sequential} or a {@code Functional} model, as the file holds. */
  public static Model loadModel(Path path) {
    return loadModel(path, null);
  }

  /**
   * Opens the model at {@code path}; {@code weights} (a {@code .weights.h5} or legacy weights
   * {@code .h5}) goes with a {@code .json} config only, and may be null.
   */
  public static Model loadModel(Path path, Path weights) {
    // a model directory whose save was killed between its two renames is brought back first
    if (!Files.exists(path)) AtomicFiles.recover(path);
    try {
      Model m = open(path, weights);
      checkShapes(m, path);
      return m;
    } catch (ResourceLimitException e) {
      // the budget's message names the layer and weight; the file goes in front
      if (e.getMessage() != null && e.getMessage().startsWith(path.toString())) throw e;
      ResourceLimitException r = new ResourceLimitException(path + ": " + e.getMessage());
      r.initCause(e);
      throw r;
    } catch (KerasFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // a layer refusing the shape the file gives it: the file is at fault, and named
      String msg = String.valueOf(e.getMessage());
      throw msg.contains(path.getFileName().toString()) ? e : new KerasFormatException(path + ": " + msg, e);
    }
  }

  /**
   * A Sequential model read from a config builds on first use; its layers' output shapes are
   * checked against the {@link io.jkeras.utils.ResourceBudget} now, so that a file asking for
   * too much, or a layer that cannot take the shape it is given, is refused when it is opened,
   * naming the file.
   */
  private static void checkShapes(Model m, Path path) {
    if (!(m instanceof Sequential) || m.isBuilt() || m.layers().isEmpty()) return;
    // the shape declared by the model, or by its first layer (a config's InputLayer gives it there)
    long[] shape = m.inputBatchShape() != null ? m.inputBatchShape() : m.layers().get(0).batchInputShape();
    if (shape == null) return;
    try {
      m.computeOutputShape(shape);
      // each layer's own input check (rank, known dims), as its build will make it
      long[] at = shape;
      for (Layer<?> l : m.layers()) at = l.computeOutputShapes(List.of(at)).get(0);
    } catch (ResourceLimitException e) {
      m.close();
      throw e;
    } catch (IllegalArgumentException e) {
      // a layer that cannot take the shape the file gives it: the file is at fault
      m.close();
      throw new KerasFormatException(path + ": " + e.getMessage(), e);
    }
  }

  private static Model open(Path path, Path weights) {
    if (!Files.exists(path)) throw new KerasFormatException(path + ": no such model file or directory");
    if (weights != null && !Files.isRegularFile(weights)) throw new KerasFormatException(weights + ": no such weights file");
    String name = path.getFileName().toString();
    if (Files.isDirectory(path)) {
      if (weights != null) {
        throw new KerasFormatException("a weights file goes with a .json config, not with the model directory " + path);
      }
      if (ModelFiles.isModelDir(path)) return ModelFiles.loadModel(path);
      if (SavedModelImport.hasKerasConfig(path)) return SavedModelImport.loadTrainableModel(path);
      throw new KerasFormatException(path + ": not a model directory this jkeras can open as a Keras model (expected "
          + ModelFiles.CONFIG + " and " + ModelFiles.WEIGHTS + ", or a SavedModel with a Keras config)");
    }
    if (name.endsWith(".json")) return weights != null ? KerasModels.loadModel(path, weights) : KerasJson.readModel(path);
    if (weights != null) throw new KerasFormatException("a weights file goes with a .json config; " + path + " holds its own weights");
    if (name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5")) return KerasModels.loadModel(path);
    throw new KerasFormatException(path + ": unsupported model format (expected " + FORMATS + ")");
  }

  /** True for a SavedModel directory that is not also a jkeras model directory. */
  public static boolean isPlainSavedModel(Path path) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve("saved_model.pb")) && !ModelFiles.isModelDir(path);
  }
}
