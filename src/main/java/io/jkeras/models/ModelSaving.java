package io.jkeras.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * The file formats behind {@code model.save}, {@code save_weights}, {@code load_weights} and
 * {@code export}. The formats sit above the models (they read and write models), so a model
 * reaches them through this interface, implemented by {@code io.jkeras.saving} and found with
 * {@link ServiceLoader}: the same inversion as Keras's {@code Model.save}, which imports its
 * saving module only when called.
 */
public interface ModelSaving {
  /** Keras's {@code model.save("x.keras")}. */
  void save(Sequential model, Path file);

  /** Keras's {@code model.save_weights("x.weights.h5")}. */
  void saveWeights(Sequential model, Path file);

  /** Keras's {@code model.load_weights(file)}: Keras 3 {@code .weights.h5} or legacy Keras 1/2 {@code .h5}. */
  void loadWeights(Sequential model, Path file);

  /** A jkeras model directory, optionally with a SavedModel inside (what {@code ModelCheckpoint} writes). */
  void saveCheckpoint(Model model, Path dir, boolean withSavedModel);

  /** Keras's {@code model.export(dir)}: a TensorFlow SavedModel. */
  void export(Model model, Path dir, ExportOptions options) throws IOException;

  /** The implementation on the class path (jkeras's own {@code io.jkeras.saving}). */
  static ModelSaving get() {
    return Holder.INSTANCE;
  }

  /** Lazily loaded once; a missing provider is a packaging error, said plainly. */
  final class Holder {
    private static final ModelSaving INSTANCE = load();

    private Holder() {}

    private static ModelSaving load() {
      Iterator<ModelSaving> it = ServiceLoader.load(ModelSaving.class, ModelSaving.class.getClassLoader()).iterator();
      if (!it.hasNext()) {
        throw new IllegalStateException("no io.jkeras.models.ModelSaving provider on the class path: the jar's"
            + " META-INF/services entry for io.jkeras.saving is missing (a shaded jar must merge service files)");
      }
      return it.next();
    }
  }
}
