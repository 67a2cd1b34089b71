package io.jkeras.bench;

import io.jkeras.backend.CallContext;
import io.jkeras.layers.Layer;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * EXPERIMENT (bench only): an identity layer that declares itself stateful, so that the model
 * builds its train function with a fixed batch dimension (Model.placeholderShape uses the fixed
 * batch size of stateful models). Shows what static shapes buy: with every dimension known,
 * Grappler folds the Shape / BroadcastGradientArgs / Sum / Reshape bookkeeping that the
 * gradients of broadcasting ops (Mul, Add) otherwise run at every step.
 */
public final class StaticBatch extends Layer<StaticBatch> {
  @Override
  public boolean isStateful() {
    return true;
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    return s;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return inputs;
  }
}
