package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code Permute}: the non-batch axes of each sample reordered by {@code dims}, a
 * permutation of 1..rank-1 ({@code Permute(2, 1)} swaps time and features). Masks do not pass
 * through (Keras's Permute does not support masking).
 */
public final class Permute extends Layer<Permute> {
  private final int[] dims;

  /** Keras's {@code Permute(dims)}: {@code dims} a permutation of 1..n. */
  public Permute(int... dims) {
    int[] sorted = dims.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] != i + 1) {
        throw new IllegalArgumentException("Permute: dims must be a permutation of 1.." + dims.length
            + " (the batch axis 0 stays first), got " + Arrays.toString(dims));
      }
    }
    if (dims.length == 0) throw new IllegalArgumentException("Permute: dims must not be empty");
    this.dims = dims.clone();
  }

  /** Keras's {@code Permute.from_config}. */
  public static Permute fromConfig(Config c) {
    JsonNode v = c.getNode("dims");
    if (v != null && v.isObject() && "__tuple__".equals(v.path("class_name").asText())) v = v.get("items");
    if (v == null || !v.isArray()) throw new KerasFormatException(c.path() + ".dims: expected a list of axes, got " + Config.describe(v));
    int[] d = new int[v.size()];
    for (int i = 0; i < d.length; i++) {
      if (!v.get(i).isIntegralNumber()) throw new KerasFormatException(c.path() + ".dims: expected integers, got " + Config.describe(v));
      d[i] = v.get(i).asInt();
    }
    Permute p = new Permute(d);
    p.readBaseConfig(c);
    return p;
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    if (inputShape.length != dims.length + 1) {
      throw shapeError("dims " + Arrays.toString(dims) + " permutes inputs of rank " + (dims.length + 1), inputShape);
    }
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    checkInputShape(inputShape);
    long[] out = new long[inputShape.length];
    out[0] = inputShape[0];
    for (int i = 0; i < dims.length; i++) out[i + 1] = inputShape[dims[i]];
    return out;
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    int[] perm = new int[dims.length + 1];
    System.arraycopy(dims, 0, perm, 1, dims.length);
    return ctx.tf().linalg.transpose(inputs, ctx.tf().constant(perm));
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    List<Object> d = new ArrayList<>();
    for (int x : dims) d.add(x);
    c.put("dims", d);
  }
}
