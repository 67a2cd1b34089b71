package io.jkeras.layers;

import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Declares the model input (Keras's {@code InputLayer} / {@code keras.Input}). In a Sequential
 * model it only fixes the input shape; it is not listed among the model's layers, as in Keras 3.
 */
public final class InputLayer extends Layer<InputLayer> {
  /**
   * The input dtypes a model can declare: float32 values, integer ids (Embedding), or strings
   * (taken by a TextVectorization or StringLookup layer, which encodes them in Java).
   */
  public static final Set<String> DTYPES = Set.of("float32", "int32", "int64", "string");

  private boolean sparse;
  private String dtype; // null: not declared (the model decides, see Sequential#inputDtype)

  /** {@code shape}: one sample's shape, -1 for None. */
  public InputLayer(long... shape) {
    inputShape(shape);
  }

  public static InputLayer withBatchShape(long... batchShape) {
    InputLayer l = new InputLayer();
    l.batchInputShape(batchShape);
    return l;
  }

  public static InputLayer fromConfig(Config c) {
    InputLayer l = new InputLayer();
    long[] shape = c.has("batch_shape") ? c.getShape("batch_shape") : c.getShape("batch_input_shape");
    if (shape == null && c.has("shape")) shape = Shapes_withBatch(c.getShape("shape"));
    if (shape == null) throw new KerasFormatException(c.path() + ": InputLayer needs batch_shape (or batch_input_shape)");
    l.batchInputShape(shape);
    if (c.has("batch_size")) l.batchSize(c.getInt("batch_size"));
    if (c.has("name")) l.name(c.getString("name", null));
    String dtype = c.has("dtype") && c.getNode("dtype").isTextual() ? c.getString("dtype", "float32") : "float32";
    if (!dtype.equals("float32") && !dtype.startsWith("int") && !dtype.equals("string")) {
      throw new KerasFormatException(c.path() + ".dtype: unsupported input dtype " + dtype);
    }
    // Kept so that exports declare what Keras declares; other integer widths feed as int32.
    l.dtype = DTYPES.contains(dtype) ? dtype : "int32";
    if (c.getBool("sparse", false)) throw new KerasFormatException(c.path() + ".sparse: sparse inputs are not supported");
    if (c.getBool("ragged", false)) throw new KerasFormatException(c.path() + ".ragged: ragged inputs are not supported");
    c.ignore("dtype", "batch_size", "input_tensor", "optional");
    return l;
  }

  private static long[] Shapes_withBatch(long[] s) {
    return s == null ? null : Shapes.withBatch(-1, s);
  }

  /**
   * Keras's {@code Input(dtype=...)}: "float32", or "int32"/"int64" for token ids. jkeras
   * computes in float32 either way; the dtype is what the model's files and SavedModel
   * signatures declare, so that Python feeds integer ids as it would to Keras.
   */
  public InputLayer dtype(String dtype) {
    if (dtype != null && !DTYPES.contains(dtype)) {
      throw new IllegalArgumentException("input dtype must be one of " + new TreeSet<>(DTYPES) + ", got " + dtype);
    }
    this.dtype = dtype;
    return this;
  }

  /** The declared dtype, or null when none was declared. */
  public String dtype() {
    return dtype;
  }

  /**
   * The symbolic tensor this input layer starts a Functional graph with (Keras's
   * {@code InputLayer.output}); the same tensor every time.
   */
  public KerasTensor output() {
    long[] s = batchInputShape();
    if (s == null) throw new IllegalStateException("input layer " + name() + " has no shape");
    return inputNode(s, dtype == null ? "float32" : dtype);
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
    Map<String, Object> c = new LinkedHashMap<>();
    long[] s = batchInputShape();
    List<Object> shape = new ArrayList<>();
    if (s != null) for (long d : s) shape.add(d < 0 ? null : d);
    c.put("batch_shape", shape);
    c.put("dtype", dtype == null ? "float32" : dtype);
    c.put("sparse", sparse);
    c.put("name", name());
    return c;
  }

  @Override
  public String toString() {
    return name() + " (InputLayer) " + Shapes.toString(batchInputShape());
  }
}
