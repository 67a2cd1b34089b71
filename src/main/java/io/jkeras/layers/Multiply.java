package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Multiply}: the elementwise product of its inputs. A masked entry counts as 1;
 * when every input has a mask, entries masked in all of them are 0 (Keras 3's rule).
 */
public final class Multiply extends Merge<Multiply> {

  public static Multiply fromConfig(Config c) {
    return new Multiply().readMergeConfig(c);
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Ops tf = ctx.tf();
    boolean allMasked = !masks.contains(null);
    Operand<TFloat32> out = null;
    Operand<TBool> outMask = null;
    for (int i = 0; i < inputs.size(); i++) {
      Operand<TFloat32> x = inputs.get(i);
      if (masks.get(i) != null) {
        Operand<TBool> m = broadcastMask(tf, masks.get(i), x);
        x = tf.select(m, x, tf.constant(1f));
        if (allMasked) outMask = outMask == null ? m : tf.math.logicalOr(outMask, m);
      }
      out = out == null ? x : tf.math.mul(out, x);
    }
    return allMasked ? tf.select(outMask, out, tf.constant(0f)) : out;
  }
}
