package io.jkeras.utils;

import java.util.Locale;

/**
 * How much a model or an array may ask for, checked before anything is allocated: a model file
 * is data someone else made, and a 3 KB config can ask for gigabytes (a Dense layer of 10^8
 * units) or for shapes TensorFlow cannot even represent. Four limits:
 *
 * <ul>
 *   <li>{@code maxTensorBytes} (default 1 GiB): one weight, one input or output array, one
 *       sample of a layer's output. A float32 tensor of 1 GiB holds 268 million values (an
 *       embedding of a million rows of 256); reading a weight or an output goes through a Java
 *       {@code float[]} as well as TensorFlow's buffer, so each such tensor costs about twice
 *       its size.</li>
 *   <li>{@code maxParams} (default 2^30, about 1.07 billion): a model's weights, trainable and
 *       not, in Keras's unit (what {@code summary} prints).</li>
 *   <li>{@code maxModelBytes} (default 4 GiB): the bytes of all of a model's variables (weights
 *       and the states of stateful layers; optimizer slots are not counted).</li>
 *   <li>{@code maxLayers} (default 10,000): layers in one model. Large Keras models have a few
 *       hundred to a few thousand.</li>
 * </ul>
 *
 * <p>The defaults can be changed for the process ({@link #setGlobal}, or the system properties
 * {@code jkeras.maxTensorBytes}, {@code jkeras.maxParams}, {@code jkeras.maxModelBytes},
 * {@code jkeras.maxLayers}; sizes take k/m/g suffixes, powers of 1024), for one thread while a
 * block runs ({@link #use}), and on the command line ({@code --max-tensor-bytes}, ...).
 */
public final class ResourceBudget {
  public static final long DEFAULT_MAX_TENSOR_BYTES = 1L << 30;
  public static final long DEFAULT_MAX_PARAMS = 1L << 30;
  public static final long DEFAULT_MAX_MODEL_BYTES = 4L << 30;
  public static final long DEFAULT_MAX_LAYERS = 10_000;

  private static volatile ResourceBudget global = fromSystemProperties();
  private static final ThreadLocal<ResourceBudget> LOCAL = new ThreadLocal<>();

  private final long maxTensorBytes;
  private final long maxParams;
  private final long maxModelBytes;
  private final long maxLayers;

  private ResourceBudget(long maxTensorBytes, long maxParams, long maxModelBytes, long maxLayers) {
    this.maxTensorBytes = positive("maxTensorBytes", maxTensorBytes);
    this.maxParams = positive("maxParams", maxParams);
    this.maxModelBytes = positive("maxModelBytes", maxModelBytes);
    this.maxLayers = positive("maxLayers", maxLayers);
  }

  private static long positive(String name, long v) {
    if (v <= 0) throw new IllegalArgumentException("ResourceBudget." + name + " must be positive, got " + v);
    return v;
  }

  /** The built-in defaults, whatever the system properties say. */
  public static ResourceBudget defaults() {
    return new ResourceBudget(DEFAULT_MAX_TENSOR_BYTES, DEFAULT_MAX_PARAMS, DEFAULT_MAX_MODEL_BYTES, DEFAULT_MAX_LAYERS);
  }

  /** The defaults with any {@code jkeras.max*} system property applied. */
  public static ResourceBudget fromSystemProperties() {
    return new ResourceBudget(
        property("jkeras.maxTensorBytes", DEFAULT_MAX_TENSOR_BYTES),
        property("jkeras.maxParams", DEFAULT_MAX_PARAMS),
        property("jkeras.maxModelBytes", DEFAULT_MAX_MODEL_BYTES),
        property("jkeras.maxLayers", DEFAULT_MAX_LAYERS));
  }

  private static long property(String key, long def) {
    String v = System.getProperty(key);
    if (v == null) return def;
    try {
      return parseSize(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("system property " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * A count or size as users write it: {@code 1000}, {@code 2e9}, {@code 512m}, {@code 4g}
   * (k, m, g, t: powers of 1024). Refuses anything not positive or beyond a long.
   */
  public static long parseSize(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
    long mult = 1;
    if (!t.isEmpty()) {
      int shift = "kmgt".indexOf(t.charAt(t.length() - 1));
      if (shift >= 0) {
        mult = 1L << (10 * (shift + 1));
        t = t.substring(0, t.length() - 1);
      }
    }
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a positive number such as 1000, 2e9, 512m or 4g, got '" + text + "'");
    }
    double r = v * mult;
    if (!(r >= 1) || r >= 0x1p63 || r != Math.floor(r)) {
      throw new IllegalArgumentException("expected a positive whole number below 2^63, got '" + text + "'");
    }
    return (long) r;
  }

  /** The budget in force in this thread: the one {@link #use} set, else the process-wide one. */
  public static ResourceBudget current() {
    ResourceBudget b = LOCAL.get();
    return b != null ? b : global;
  }

  /** Sets the process-wide budget (threads inside a {@link #use} block keep theirs). */
  public static void setGlobal(ResourceBudget budget) {
    if (budget == null) throw new IllegalArgumentException("budget is null");
    global = budget;
  }

  /** The process-wide budget. */
  public static ResourceBudget global() {
    return global;
  }

  /**
   * Makes this the budget of the calling thread until the returned scope is closed:
   * {@code try (var s = budget.use()) { model = SavingApi.loadModel(path); }}.
   */
  public Scope use() {
    ResourceBudget previous = LOCAL.get();
    LOCAL.set(this);
    return () -> {
      if (previous == null) LOCAL.remove();
      else LOCAL.set(previous);
    };
  }

  /** What {@link #use} returns: closing it restores the thread's previous budget. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  public long maxTensorBytes() {
    return maxTensorBytes;
  }

  public long maxParams() {
    return maxParams;
  }

  public long maxModelBytes() {
    return maxModelBytes;
  }

  public long maxLayers() {
    return maxLayers;
  }

  public ResourceBudget withMaxTensorBytes(long v) {
    return new ResourceBudget(v, maxParams, maxModelBytes, maxLayers);
  }

  public ResourceBudget withMaxParams(long v) {
    return new ResourceBudget(maxTensorBytes, v, maxModelBytes, maxLayers);
  }

  public ResourceBudget withMaxModelBytes(long v) {
    return new ResourceBudget(maxTensorBytes, maxParams, v, maxLayers);
  }

  public ResourceBudget withMaxLayers(long v) {
    return new ResourceBudget(maxTensorBytes, maxParams, maxModelBytes, v);
  }

  // ----- checks: each throws ResourceLimitException naming what asked and how to allow it -----

  /**
   * Checks one tensor of {@code shape} holding {@code bytesPerElement}-byte values (unknown
   * dimensions count as 1) and returns its element count. {@code what} names it ("weight
   * lstm/kernel", "x.npy").
   */
  public long checkTensor(String what, long[] shape, int bytesPerElement) {
    long n = ShapeMath.elements(shape, what);
    long bytes = ShapeMath.multiply(n, bytesPerElement, what + ": bytes of shape " + Shapes.toString(shape));
    if (bytes > maxTensorBytes) {
      throw new ResourceLimitException(what + ": shape " + Shapes.toString(shape) + " is " + describeBytes(bytes)
          + ", more than the " + describeBytes(maxTensorBytes) + " one tensor may have" + how("maxTensorBytes", "--max-tensor-bytes"));
    }
    return n;
  }

  /** Checks a model's running totals after adding a weight: parameters and bytes of variables. */
  public void checkModel(String what, long params, long bytes) {
    if (params > maxParams) {
      throw new ResourceLimitException(what + ": the model would have " + String.format(Locale.ROOT, "%,d", params)
          + " parameters, more than the " + String.format(Locale.ROOT, "%,d", maxParams) + " allowed" + how("maxParams", "--max-params"));
    }
    if (bytes > maxModelBytes) {
      throw new ResourceLimitException(what + ": the model's variables would take " + describeBytes(bytes) + ", more than the "
          + describeBytes(maxModelBytes) + " allowed" + how("maxModelBytes", "--max-model-bytes"));
    }
  }

  /** Checks a model's layer count. */
  public void checkLayers(String what, long layers) {
    if (layers > maxLayers) {
      throw new ResourceLimitException(what + ": " + layers + " layers, more than the " + maxLayers + " allowed"
          + how("maxLayers", "--max-layers"));
    }
  }

  private static String how(String property, String flag) {
    return " (raise it with -Djkeras." + property + "=N, " + flag + " N on the command line, or ResourceBudget in Java)";
  }

  /** 1536 -> "1.5 KiB", for messages. */
  public static String describeBytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  @Override
  public String toString() {
    return "ResourceBudget[maxTensorBytes=" + maxTensorBytes + ", maxParams=" + maxParams + ", maxModelBytes=" + maxModelBytes
        + ", maxLayers=" + maxLayers + "]";
  }
}
