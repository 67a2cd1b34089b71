package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Add}: the elementwise sum of its inputs (broadcast as {@link Merge} says). */
public final class Add extends Merge<Add> {

  public static Add fromConfig(Config c) {
    return new Add().readMergeConfig(c);
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Ops tf = ctx.tf();
    Operand<TFloat32> out = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) out = tf.math.add(out, inputs.get(i));
    return out;
  }
}
