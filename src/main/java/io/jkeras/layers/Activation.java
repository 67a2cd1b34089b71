package io.jkeras.layers;

import io.jkeras.activations.Activations;
import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Activation} layer: applies an activation function by name. */
public final class Activation extends Layer<Activation> {
  private final io.jkeras.activations.Activation activation;

  public Activation(String name) {
    this(Activations.get(name));
  }

  public Activation(io.jkeras.activations.Activation activation) {
    this.activation = activation;
    this.supportsMasking = true;
  }

  public static Activation fromConfig(Config c) {
    Activation a = new Activation(c.activation("activation", "linear"));
    a.readBaseConfig(c);
    return a;
  }

  public io.jkeras.activations.Activation activation() {
    return activation;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return activation.apply(ctx.tf(), inputs);
  }

  @Override
  public List<io.jkeras.activations.Activation> activations() {
    return List.of(activation);
  }

  /** Applied to the inputs, not to weights: nothing to scale. */
  @Override
  public String keras2HardSigmoidNotScalable() {
    return Activations.isKeras2HardSigmoid(activation) ? "it" : null;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("activation", activation.name());
  }
}
