package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Add}: the elementwise sum of its inputs (broadcast as {@link Merge} says). */
public final class Add extends Merge<Add> {

  public static Add fromConfig(Config c) {
    return new Add().readMergeConfig(c);
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return sum(ctx.tf(), inputs);
  }
}
