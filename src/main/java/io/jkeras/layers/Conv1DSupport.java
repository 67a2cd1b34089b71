package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * What the 1D convolution, pooling and shape layers share: reading Keras's tuple arguments
 * ({@code kernel_size: [3]}), Keras's output-length rules, and the TensorFlow ops, all run as 2D
 * ops on a (batch, 1, steps, channels) view, as Keras's TensorFlow backend does.
 *
 * <p>Dilation is applied by spreading the kernel with zeros (a kernel of (k - 1) * d + 1 taps)
 * rather than through the ops' {@code dilations} attribute: TensorFlow Java's CPU Conv2D kills
 * the JVM (SIGILL in oneDNN) on a dilated convolution. The spread kernel is the same linear map,
 * so outputs and gradients are Keras's.
 */
final class Conv1DSupport {
  private Conv1DSupport() {}

  /** A positive int given as {@code 3}, {@code [3]} or a serialized tuple; {@code def} when absent (null: required). */
  static int oneInt(Config c, String key, Integer def, String layer) {
    if (!c.has(key)) {
      c.ignore(key);
      if (def == null) throw new KerasFormatException(c.path() + "." + key + ": " + layer + " needs " + key);
      return def;
    }
    JsonNode v = c.getNode(key);
    if (v.isObject() && "__tuple__".equals(v.path("class_name").asText())) v = v.get("items");
    if (v.isArray()) {
      if (v.size() != 1) throw new KerasFormatException(c.path() + "." + key + ": " + layer + " takes one " + key + ", got " + v);
      v = v.get(0);
    }
    if (!v.isIntegralNumber()) throw new KerasFormatException(c.path() + "." + key + ": expected an integer, got " + v);
    return v.asInt();
  }

  /** A pair such as Cropping1D's {@code cropping}: {@code 2} means (2, 2), {@code [1, 0]} as given. */
  static int[] pair(Config c, String key, int def) {
    if (!c.has(key)) {
      c.ignore(key);
      return new int[] {def, def};
    }
    JsonNode v = c.getNode(key);
    if (v.isObject() && "__tuple__".equals(v.path("class_name").asText())) v = v.get("items");
    if (v.isIntegralNumber()) return new int[] {v.asInt(), v.asInt()};
    if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber() && v.get(1).isIntegralNumber()) {
      return new int[] {v.get(0).asInt(), v.get(1).asInt()};
    }
    throw new KerasFormatException(c.path() + "." + key + ": expected an integer or a pair of integers, got " + v);
  }

  /** Keras's padding ("valid", "same", and "causal" where allowed), lower-cased as Keras stores it. */
  static String padding(String layer, String padding, boolean allowCausal) {
    String p = padding == null ? "" : padding.toLowerCase(Locale.ROOT);
    if (p.equals("valid") || p.equals("same") || p.equals("causal") && allowCausal) return p;
    throw new IllegalArgumentException(layer + ": padding must be " + (allowCausal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'")
        + ", got '" + padding + "'");
  }

  /** Reads data_format; only channels_last is computed here (channels_first is refused naming the layer). */
  static void channelsLast(Config c, String layer) {
    String f = c.getString("data_format", "channels_last");
    if (!f.equals("channels_last")) {
      throw new KerasFormatException(c.path() + ".data_format: " + layer + " supports only channels_last, got " + f);
    }
  }

  static void positive(String layer, String field, int v) {
    if (v <= 0) throw new IllegalArgumentException(layer + ": " + field + " must be positive, got " + v);
  }

  /** The span of a kernel of {@code k} taps dilated by {@code d}. */
  static long span(int k, int d) {
    return (long) (k - 1) * d + 1;
  }

  /** Keras's compute_conv_output_shape / pooling rule along the steps: -1 stays unknown. */
  static long outputLength(long length, int k, int stride, int dilation, String padding) {
    if (length < 0) return -1;
    if (padding.equals("valid")) return Math.floorDiv(length - span(k, dilation), stride) + 1;
    return Math.floorDiv(length - 1, stride) + 1; // same, causal
  }

  /** Checks a (batch, steps, channels) input with known channels; a known length must fit the kernel. */
  static void checkSequence(Layer<?> l, long[] s, int k, int dilation, String padding, String what) {
    if (s.length != 3) throw l.shapeError("expected input of rank 3 (batch, steps, channels)", s);
    if (s[2] < 0) throw l.shapeError("the channels dimension must be known", s);
    if (padding.equals("valid") && s[1] >= 0 && s[1] < span(k, dilation)) {
      throw l.shapeError(what + " " + span(k, dilation) + " (with dilation) is longer than the " + s[1]
          + " steps with padding 'valid'", s);
    }
  }

  /** (batch, steps, channels) to (batch, 1, steps, channels). */
  static Operand<TFloat32> to2d(Ops tf, Operand<TFloat32> x) {
    return tf.expandDims(x, tf.constant(1));
  }

  /** Back from the 2D view. */
  static Operand<TFloat32> from2d(Ops tf, Operand<TFloat32> x) {
    return tf.squeeze(x, Squeeze.axis(new Long[] {1L}));
  }

  /** A (k, a, b) kernel spread to ((k - 1) * d + 1, a, b) with zeros between the taps. */
  static Operand<TFloat32> dilate(Ops tf, Operand<TFloat32> kernel, int k, int d) {
    if (d == 1) return kernel;
    long[] s = kernel.shape().asArray();
    Operand<TFloat32> e = tf.expandDims(kernel, tf.constant(1)); // (k, 1, a, b)
    e = tf.pad(e, tf.constant(new int[][] {{0, 0}, {0, d - 1}, {0, 0}, {0, 0}}), tf.constant(0f)); // (k, d, a, b)
    e = tf.reshape(e, tf.constant(new long[] {(long) k * d, s[1], s[2]}));
    return tf.slice(e, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {(int) span(k, d), -1, -1}));
  }

  /** Keras's causal padding: (k - 1) * d zeros before the first step. */
  static Operand<TFloat32> causalPad(Ops tf, Operand<TFloat32> x, int k, int d) {
    int left = (int) span(k, d) - 1;
    return tf.pad(x, tf.constant(new int[][] {{0, 0}, {left, 0}, {0, 0}}), tf.constant(0f));
  }

  /**
   * A convolution of x (batch, steps, cin) with an already dilated kernel (span, cin / groups,
   * filters), padding "valid" or "same". Groups run as one convolution per group, joined along
   * the channels (TensorFlow's CPU Conv2D has no groups; Keras runs it through XLA).
   */
  static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, int stride, String padding, int groups) {
    List<Long> strides = List.of(1L, 1L, (long) stride, 1L);
    String p = padding.toUpperCase(Locale.ROOT);
    if (groups == 1) {
      return from2d(tf, tf.nn.conv2d(to2d(tf, x), tf.expandDims(kernel, tf.constant(0)), strides, p));
    }
    Split<TFloat32> xs = tf.split(tf.constant(2), x, (long) groups);
    Split<TFloat32> ks = tf.split(tf.constant(2), kernel, (long) groups);
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      parts.add(tf.nn.conv2d(to2d(tf, xs.output().get(g)), tf.expandDims(ks.output().get(g), tf.constant(0)), strides, p));
    }
    return from2d(tf, tf.concat(parts, tf.constant(3)));
  }

  /** A depthwise convolution of x (batch, steps, c) with a dilated kernel (span, c, multiplier): c * multiplier channels. */
  static Operand<TFloat32> depthwise(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, int stride, String padding) {
    return from2d(tf, tf.nn.depthwiseConv2dNative(to2d(tf, x), tf.expandDims(kernel, tf.constant(0)),
        List.of(1L, 1L, (long) stride, 1L), padding.toUpperCase(Locale.ROOT)));
  }

  /** Adds the bias (one per channel). */
  static Operand<TFloat32> addBias(Ops tf, Operand<TFloat32> y, Operand<TFloat32> bias) {
    return tf.nn.biasAdd(y, bias);
  }
}
