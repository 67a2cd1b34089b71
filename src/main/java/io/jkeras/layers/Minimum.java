package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Minimum}: the elementwise minimum of its inputs. Masked entries take the value of the
 * other inputs, so they do not compete (Keras 3 masking rules).
 */
public final class Minimum extends Merge<Minimum> {

  public static Minimum fromConfig(Config c) {
    return new Minimum().readMergeConfig(c);
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Ops tf = ctx.tf();
    return foldMasked(tf, inputs, masks, (a, b) -> tf.math.minimum(a, b));
  }
}
