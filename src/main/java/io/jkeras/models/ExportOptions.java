package io.jkeras.models;

/**
 * Options of {@link Model#export(java.nio.file.Path, ExportOptions)}: {@code model.export(dir, new ExportOptions().keras3Names(true))}.
 */
public final class ExportOptions {
  /** Keras 3's output key in the signatures of {@code model.export()}. */
  public static final String KERAS3_OUTPUT_KEY = "output_0";

  private boolean keras3Names;

  /**
   * Name the signatures' output as Keras 3's {@code model.export()} does ({@code "output_0"})
   * instead of by the output layer (jkeras's default, which Keras 2's SavedModels used). The
   * input key stays the model's input name: Keras 3's is an internal tensor name
   * ({@code keras_tensor}, {@code keras_tensor_3}, ...) that depends on the Python session.
   */
  public ExportOptions keras3Names(boolean b) {
    this.keras3Names = b;
    return this;
  }

  public boolean keras3Names() {
    return keras3Names;
  }
}
