package io.jkeras.cli;

import io.jkeras.models.Sequential;
import java.nio.file.Path;

/**
 * Writes a model in a format of its own, for {@code jkeras convert --format NAME}. Formats
 * that jkeras writes itself (keras, weights, dir) are built in; others, such as a TensorFlow
 * SavedModel, plug in with {@link ConvertCommand#register}.
 */
@FunctionalInterface
public interface ModelExporter {
  void export(Sequential model, Path destination) throws Exception;
}
