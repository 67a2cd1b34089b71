package io.jkeras.losses;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A Keras loss: name, config and the TensorFlow Java framework loss that computes it, reduced
 * as Keras's default {@code sum_over_batch_size}. Sparse categorical crossentropy one-hot
 * encodes its integer labels and uses the categorical loss, which is the same function and has
 * a gradient in this TensorFlow build (the sparse kernel has none).
 */
public final class Loss {
  private final String name;
  private final String className;
  private final Map<String, Object> config;
  private final Function<Map<String, Object>, org.tensorflow.framework.losses.Loss> factory;
  private final boolean sparse;

  Loss(String name, String className, Map<String, Object> config,
      Function<Map<String, Object>, org.tensorflow.framework.losses.Loss> factory, boolean sparse) {
    this.name = name;
    this.className = className;
    this.config = config;
    this.factory = factory;
    this.sparse = sparse;
  }

  /** The Keras function name ("categorical_crossentropy"). */
  public String name() {
    return name;
  }

  /** The Keras class name ("CategoricalCrossentropy"). */
  public String className() {
    return className;
  }

  public Map<String, Object> getConfig() {
    return new LinkedHashMap<>(config);
  }

  /** Whether labels are integer class ids rather than vectors the shape of the output. */
  public boolean isSparse() {
    return sparse;
  }

  /**
   * The scalar loss for a batch. As Keras 3 does with the TensorFlow backend, a crossentropy whose
   * {@code yPred} is the direct output of a sigmoid (binary) or softmax (categorical, sparse)
   * is computed from that activation's input, as logits: exact for saturated outputs (no clipping
   * at 1e-7, gradients that do not vanish), and NaN outputs give a NaN loss rather than failing
   * the framework's [0, 1] range check.
   */
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    Operand<TFloat32> labels = sparse ? oneHot(tf, yTrue, yPred) : yTrue;
    Map<String, Object> cfg = config;
    Operand<TFloat32> logits = kerasLogits(tf, name, yPred);
    if (logits != null) {
      if (Boolean.TRUE.equals(config.get("from_logits"))) {
        System.err.println("UserWarning: \"`" + name + "` received `from_logits=True`, but the `output` argument was produced by a "
            + yPred.op().type().toLowerCase(Locale.ROOT) + " activation and thus does not represent logits. Was this intended?\"");
      }
      cfg = new LinkedHashMap<>(config);
      cfg.put("from_logits", true);
      yPred = logits;
    }
    return factory.apply(cfg).call(tf, labels, yPred, null);
  }

  /**
   * Keras 3's {@code _get_logits} (TensorFlow backend): for binary crossentropy, the input of the
   * Sigmoid op that produced {@code output}; for (sparse) categorical crossentropy, the input of
   * its Softmax op; null when {@code output} is not such an op's result or for other losses.
   * A Reshape right after the activation (TimeDistributed folds batch and time around its layer)
   * is looked through: the logits get the same reshape, which keeps the last axis.
   */
  @SuppressWarnings("unchecked")
  public static Operand<TFloat32> kerasLogits(Ops tf, String lossName, Operand<TFloat32> output) {
    String opType;
    switch (lossName) {
      case "binary_crossentropy": opType = "Sigmoid"; break;
      case "categorical_crossentropy":
      case "sparse_categorical_crossentropy": opType = "Softmax"; break;
      default: return null;
    }
    if (!(output.op() instanceof GraphOperation)) return null;
    GraphOperation op = (GraphOperation) output.op();
    if (op.type().equals("Reshape") && op.numInputs() == 2 && op.input(0).op() instanceof GraphOperation) {
      GraphOperation inner = (GraphOperation) op.input(0).op();
      if (!inner.type().equals(opType) || inner.numInputs() != 1) return null;
      return tf.reshape((Operand<TFloat32>) inner.input(0), (Operand<TInt64>) (Operand<?>) op.input(1));
    }
    if (!op.type().equals(opType) || op.numInputs() != 1) return null;
    return (Operand<TFloat32>) op.input(0);
  }

  /** Integer labels of shape (batch[, time][, 1]) to one-hot vectors the shape of yPred. */
  static Operand<TFloat32> oneHot(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    int predRank = yPred.shape().numDimensions();
    Operand<TFloat32> ids = yTrue;
    if (yTrue.shape().numDimensions() == predRank) {
      ids = tf.squeeze(yTrue, Squeeze.axis(new Long[] {(long) predRank - 1}));
    }
    long depth = yPred.shape().get(predRank - 1);
    return tf.oneHot(tf.dtypes.cast(ids, TInt32.class), tf.constant((int) depth), tf.constant(1f), tf.constant(0f));
  }

  @Override
  public String toString() {
    return name;
  }
}
