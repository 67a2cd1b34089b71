package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Declares the model input (Keras's {@code InputLayer} / {@code keras.Input}). In a Sequential
 * model it only fixes the input shape; it is not listed among the model's layers, as in Keras 3.
 */
public final class InputLayer extends Layer<InputLayer> {
  private boolean sparse;

  /** {@code shape}: one sample's shape, -1 for None. */
  public InputLayer(long... shape) {
    inputShape(shape);
  }

  public static InputLayer withBatchShape(long... batchShape) {
    InputLayer l = new InputLayer();
    l.batchInputShape(batchShape);
    return l;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return inputShape;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return inputs;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    long[] s = batchInputShape();
    List<Object> shape = new ArrayList<>();
    if (s != null) for (long d : s) shape.add(d < 0 ? null : d);
    c.put("batch_shape", shape);
    c.put("dtype", "float32");
    c.put("sparse", sparse);
    c.put("name", name());
    return c;
  }

  @Override
  public String toString() {
    return name() + " (InputLayer) " + Shapes.toString(batchInputShape());
  }
}
