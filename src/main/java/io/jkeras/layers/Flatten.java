package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Flatten}: (batch, d1, d2, ...) to (batch, d1*d2*...). */
public final class Flatten extends Layer<Flatten> {
  public static Flatten fromConfig(Config c) {
    Flatten f = new Flatten();
    f.readBaseConfig(c);
    String format = c.getString("data_format", "channels_last");
    if (!format.equals("channels_last")) {
      throw new KerasFormatException(c.path() + ".data_format: only channels_last is supported, got " + format);
    }
    return f;
  }

  @Override
  protected void checkInputShape(long[] s) {
    for (int i = 1; i < s.length; i++) {
      if (s[i] < 0) throw shapeError("all non-batch dimensions must be known to flatten", s);
    }
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    long p = 1;
    for (int i = 1; i < s.length; i++) p *= s[i];
    return new long[] {s[0], p};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    long[] out = computeOutputShape(inputs.shape().asArray());
    return ctx.tf().reshape(inputs, ctx.tf().constant(new long[] {-1, out[1]}));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("data_format", "channels_last");
  }
}
