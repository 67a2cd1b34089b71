package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Identity}: returns its input; masks pass through. */
public final class Identity extends Layer<Identity> {
  /** An Identity layer. */
  public Identity() {
    this.supportsMasking = true;
  }

  /** Keras's {@code Identity.from_config}: the base arguments only. */
  public static Identity fromConfig(Config c) {
    return new Identity().readBaseConfig(c);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return inputs;
  }
}
