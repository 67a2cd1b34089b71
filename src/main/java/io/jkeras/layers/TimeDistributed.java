package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasObjects;
import io.jkeras.utils.Shapes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code TimeDistributed}: applies the wrapped layer to every timestep, by folding
 * (batch, time) into one axis. The wrapped layer's weights are this layer's weights.
 */
public final class TimeDistributed extends Layer<TimeDistributed> {
  private final Layer<?> layer;

  public TimeDistributed(Layer<?> layer) {
    if (layer.isStateful()) throw new IllegalArgumentException("TimeDistributed cannot wrap a stateful layer");
    this.layer = layer;
    this.supportsMasking = true;
  }

  /** Reads name, trainable and input shape from a TimeDistributed config (the inner layer comes separately). */
  public TimeDistributed readBaseConfigFrom(Config c) {
    return readBaseConfig(c);
  }

  public Layer<?> layer() {
    return layer;
  }

  private static long[] innerShape(long[] s) {
    long[] r = new long[s.length - 1];
    r[0] = -1;
    System.arraycopy(s, 2, r, 1, s.length - 2);
    return r;
  }

  @Override
  protected void checkInputShape(long[] s) {
    if (s.length < 3) throw shapeError("TimeDistributed expects (batch, timesteps, ...)", s);
  }

  @Override
  protected void build(long[] inputShape) {
    buildInner(layer, innerShape(inputShape));
    trackWeights(layer.allWeights());
  }

  @Override
  public long[] computeOutputShape(long[] s) {
    long[] inner = layer.computeOutputShape(innerShape(s));
    long[] out = new long[inner.length + 1];
    out[0] = s[0];
    out[1] = s[1];
    System.arraycopy(inner, 1, out, 2, inner.length - 1);
    return out;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    Ops tf = ctx.tf();
    long[] s = inputs.shape().asArray();
    if (s[1] < 0) throw shapeError("TimeDistributed needs a known number of timesteps", s);
    Operand<TFloat32> folded = tf.reshape(inputs, tf.constant(innerShape(s)));
    Operand<TFloat32> y = layer.apply(ctx, folded, null);
    long[] inner = y.shape().asArray();
    long[] out = Shapes.concat(new long[] {-1, s[1]}, Arrays.copyOfRange(inner, 1, inner.length));
    return tf.reshape(y, tf.constant(out));
  }

  @Override
  public List<Layer<?>> innerLayers() {
    return List.of(layer);
  }

  /** Keras 3 saves the wrapped layer as child {@code layer}. */
  @Override
  public Saveable saveable() {
    return new Saveable(name(), List.of(), this).child("layer", layer.saveable());
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("layer", KerasObjects.serialize("keras.layers", layer.className(), layer.getConfig()));
  }
}
