package io.jkeras.activations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

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
    register("leaky_relu", (tf, x) -> tf.nn.leakyRelu(x, org.tensorflow.op.nn.LeakyRelu.alpha(0.2f)));
    register("mish", (tf, x) -> tf.math.mul(x, tf.math.tanh(tf.math.softplus(x))));
    REGISTRY.put("swish", REGISTRY.get("silu"));
    REGISTRY.put("hard_swish", REGISTRY.get("hard_silu"));
  }

  private Activations() {}

  private static Operand<TFloat32> hardSigmoidKeras3(Ops tf, Operand<TFloat32> x) {
    return tf.math.div(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(6f));
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

  /** True for the Keras 2 variant of hard_sigmoid. */
  public static boolean isKeras2HardSigmoid(Activation a) {
    return a == HARD_SIGMOID_KERAS2;
  }
}
