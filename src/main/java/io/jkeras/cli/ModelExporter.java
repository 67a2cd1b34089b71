package io.jkeras.cli;

import io.jkeras.models.Model;
import java.nio.file.Path;

/**
 * Writes a model in one output format of {@code jkeras convert --format NAME}.
 */
@FunctionalInterface
public interface ModelExporter {
  void export(Model model, Path destination) throws Exception;
}
