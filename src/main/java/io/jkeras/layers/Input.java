package io.jkeras.layers;

/**
 * Keras's {@code keras.Input}: a symbolic input tensor for a Functional model,
 * {@code KerasTensor x = Input.of(10, 3)} (one sample's shape, -1 for None). For a name, a
 * dtype or a fixed batch size, configure the {@link InputLayer} and take its
 * {@link InputLayer#output}: {@code new InputLayer(10).name("ids").dtype("int32").output()}.
 */
public final class Input {
  private Input() {}

  /** An input of one sample's {@code shape}, batch size unknown. */
  public static KerasTensor of(long... shape) {
    return new InputLayer(shape).output();
  }

  /** A named input ({@code keras.Input(shape, name=name)}): the name keys its data in fit and predict. */
  public static KerasTensor named(String name, long... shape) {
    return new InputLayer(shape).name(name).output();
  }
}
