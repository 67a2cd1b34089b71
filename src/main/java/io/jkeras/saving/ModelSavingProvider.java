package io.jkeras.saving;

import io.jkeras.models.ExportOptions;
import io.jkeras.models.Model;
import io.jkeras.models.ModelSaving;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.savedmodel.SavedModelExporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** jkeras's file formats behind the model's own save/export methods (registered in META-INF/services). */
public final class ModelSavingProvider implements ModelSaving {
  @Override
  public void save(Sequential model, Path file) {
    KerasModels.saveKeras(model, file);
  }

  @Override
  public void saveWeights(Sequential model, Path file) {
    KerasModels.saveWeights(model, file);
  }

  @Override
  public void loadWeights(Sequential model, Path file) {
    KerasModels.loadWeights(model, file);
  }

  @Override
  public void saveCheckpoint(Model model, Path dir, boolean withSavedModel) {
    ModelFiles.save(model, dir, Map.of(), withSavedModel);
  }

  @Override
  public void export(Model model, Path dir, ExportOptions options) throws IOException {
    SavedModelExporter.export(model, dir, options);
  }
}
