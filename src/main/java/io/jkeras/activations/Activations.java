package io.jkeras.activations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The Keras activations by name ({@code keras.activations.get}). {@code hard_sigmoid} changed in
 * Keras 3 from {@code clip(0.2x + 0.5, 0, 1)} to {@code relu6(x + 3) / 6}: {@link #get(String, int)}
 * picks by the Keras major version of the file being read.
 */
public final class Activations {
  private static final Map<String, Activation> REGISTRY = new LinkedHashMap<>();

  /** Keras 2's hard_sigmoid; a distinct object so that a model remembers which one it uses. */
  public static final Activation HARD_SIGMOID_KERAS2 =
      of("hard_sigmoid", (tf, x) -> tf.clipByValue(
          tf.math.add(tf.math.mul(x, tf.constant(0.2f)), tf.constant(0.5f)), tf.constant(0f), tf.constant(1f)));

  static {
    register("linear", (tf, x) -> x);
    register("relu", (tf, x) -> tf.nn.relu(x));
    register("sigmoid", (tf, x) -> tf.math.sigmoid(x));
    register("tanh", (tf, x) -> tf.math.tanh(x));
    register("softmax", (tf, x) -> tf.nn.softmax(x));
    register("log_softmax", (tf, x) -> tf.nn.logSoftmax(x));
    register("elu", (tf, x) -> tf.nn.elu(x));
    register("selu", (tf, x) -> tf.nn.selu(x));
    register("softplus", (tf, x) -> tf.math.softplus(x));
    register("softsign", (tf, x) -> tf.nn.softsign(x));
    register("exponential", (tf, x) -> tf.math.exp(x));
    register("relu6", (tf, x) -> tf.nn.relu6(x));
    register("hard_sigmoid", Activations::hardSigmoidKeras3);
    register("hard_silu", (tf, x) -> tf.math.mul(x, hardSigmoidKeras3(tf, x)));
    register("gelu", (tf, x) -> tf.math.mul(
        tf.math.mul(x, tf.constant(0.5f)),
        tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2))))))));
    register("silu", (tf, x) -> tf.math.mul(x, tf.math.sigmoid(x)));
    register("leaky_relu", (tf, x) -> tf.nn.leakyRelu(x, LeakyRelu.alpha(0.2f)));
    register("mish", (tf, x) -> tf.math.mul(x, tf.math.tanh(tf.math.softplus(x))));
    // The rest of Keras 3's activations (keras/src/backend/tensorflow/nn.py), with their default arguments.
    register("celu", (tf, x) -> tf.math.add(tf.math.maximum(x, tf.constant(0f)), tf.math.expm1(tf.math.minimum(x, tf.constant(0f)))));
    register("hard_tanh", (tf, x) -> tf.clipByValue(x, tf.constant(-1f), tf.constant(1f)));
    register("tanh_shrink", (tf, x) -> tf.math.sub(x, tf.math.tanh(x)));
    register("log_sigmoid", (tf, x) -> tf.math.neg(tf.math.softplus(tf.math.neg(x))));
    register("sparse_sigmoid", (tf, x) -> tf.clipByValue(
        tf.math.mul(tf.math.add(x, tf.constant(1f)), tf.constant(0.5f)), tf.constant(0f), tf.constant(1f)));
    register("squareplus", (tf, x) -> tf.math.mul(
        tf.math.add(x, tf.math.sqrt(tf.math.add(tf.math.square(x), tf.constant(4f)))), tf.constant(0.5f)));
    register("soft_shrink", (tf, x) -> tf.select(tf.math.greater(x, tf.constant(0.5f)), tf.math.sub(x, tf.constant(0.5f)),
        tf.select(tf.math.less(x, tf.constant(-0.5f)), tf.math.add(x, tf.constant(0.5f)), tf.zerosLike(x))));
    register("hard_shrink", (tf, x) -> tf.select(tf.math.greater(tf.math.abs(x), tf.constant(0.5f)), x, tf.zerosLike(x)));
    register("sparse_plus", (tf, x) -> tf.select(tf.math.lessEqual(x, tf.constant(-1f)), tf.zerosLike(x),
        tf.select(tf.math.less(x, tf.constant(1f)),
            tf.math.mul(tf.constant(0.25f), tf.math.square(tf.math.add(x, tf.constant(1f)))), x)));
    register("sparsemax", Activations::sparsemax);
    REGISTRY.put("swish", REGISTRY.get("silu"));
    REGISTRY.put("hard_swish", REGISTRY.get("hard_silu"));
  }

  private Activations() {}

  private static Operand<TFloat32> hardSigmoidKeras3(Ops tf, Operand<TFloat32> x) {
    return tf.math.div(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(6f));
  }

  /**
   * Keras 3's sparsemax over the last axis, exactly as all its backends compute it: sort
   * descending, support = the sorted z_j with z_j > (cumsum_j - 1) / j, k = its size, tau = (the
   * sum of cumsum_j over the support - 1) / k, max(z - tau, 0). (The paper's tau is
   * (cumsum_k - 1) / k; Keras's differs once k > 1: [1, 0.8] gives [0.1, 0], not [0.6, 0.4].)
   */
  private static Operand<TFloat32> sparsemax(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> n = tf.gather(tf.shape(x), tf.math.sub(tf.rank(x), tf.constant(1)), tf.constant(0));
    Operand<TFloat32> sorted = tf.nn.topK(x, n, TInt32.class).values();
    Operand<TFloat32> cumsum = tf.math.cumsum(sorted, tf.constant(-1));
    Operand<TFloat32> r = tf.range(tf.constant(1f), tf.math.add(tf.dtypes.cast(n, TFloat32.class), tf.constant(1f)), tf.constant(1f));
    Operand<TFloat32> support = tf.dtypes.cast(tf.math.greater(sorted, tf.math.div(tf.math.sub(cumsum, tf.constant(1f)), r)), TFloat32.class);
    Operand<TFloat32> k = tf.reduceSum(support, tf.constant(-1), ReduceSum.keepDims(true));
    Operand<TFloat32> total = tf.reduceSum(tf.math.mul(support, cumsum), tf.constant(-1), ReduceSum.keepDims(true));
    Operand<TFloat32> tau = tf.math.div(tf.math.sub(total, tf.constant(1f)), k);
    return tf.math.maximum(tf.math.sub(x, tau), tf.constant(0f));
  }

  private static void register(String name, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> f) {
    REGISTRY.put(name, of(name, f));
  }

  private static Activation of(String name, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> f) {
    return new Activation() {
      @Override
      public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
        return f.apply(tf, x);
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** Keras 3 semantics; null or "" mean linear, as in Keras. */
  public static Activation get(String name) {
    return get(name, 3);
  }

  /** Resolves {@code name} as Keras {@code kerasMajorVersion} defines it. */
  public static Activation get(String name, int kerasMajorVersion) {
    if (name == null || name.isEmpty() || name.equals("None")) return REGISTRY.get("linear");
    if (name.equals("hard_sigmoid") && kerasMajorVersion < 3) return HARD_SIGMOID_KERAS2;
    Activation a = REGISTRY.get(name);
    if (a == null) {
      throw new IllegalArgumentException("unknown activation '" + name + "'; known: " + String.join(", ", names()));
    }
    return a;
  }

  public static Set<String> names() {
    return REGISTRY.keySet();
  }

  /**
   * Keras 2's hard_sigmoid, clip(0.2 z + 0.5, 0, 1), is Keras 3's, clip(z / 6 + 0.5, 0, 1), at
   * 1.2 z: the factor on the weights feeding it that carries a Keras 2 model into a Keras 3 file.
   */
  public static final float KERAS2_HARD_SIGMOID_SCALE = 1.2f;

  /** True for the Keras 2 variant of hard_sigmoid. */
  public static boolean isKeras2HardSigmoid(Activation a) {
    return a == HARD_SIGMOID_KERAS2;
  }
}
