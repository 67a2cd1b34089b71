package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Average}: the elementwise mean of its inputs (their sum divided by their count). */
public final class Average extends Merge<Average> {

  public static Average fromConfig(Config c) {
    return new Average().readMergeConfig(c);
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    Ops tf = ctx.tf();
    return tf.math.div(sum(tf, inputs), tf.constant((float) inputs.size()));
  }
}
