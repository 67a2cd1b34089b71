package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Subtract}: {@code inputs[0] - inputs[1]}, exactly two inputs. */
public final class Subtract extends Merge<Subtract> {

  public static Subtract fromConfig(Config c) {
    return new Subtract().readMergeConfig(c);
  }

  @Override
  protected int maxInputs() {
    return 2;
  }

  @Override
  protected Operand<TFloat32> merge(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return ctx.tf().math.sub(inputs.get(0), inputs.get(1));
  }
}
