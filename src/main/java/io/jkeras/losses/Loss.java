package io.jkeras.losses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

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

  /** The scalar loss for a batch. */
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    Operand<TFloat32> labels = sparse ? oneHot(tf, yTrue, yPred) : yTrue;
    return factory.apply(config).call(tf, labels, yPred, null);
  }

  /** Integer labels of shape (batch[, time][, 1]) to one-hot vectors the shape of yPred. */
  static Operand<TFloat32> oneHot(Ops tf, Operand<TFloat32> yTrue, Operand<TFloat32> yPred) {
    int predRank = yPred.shape().numDimensions();
    Operand<TFloat32> ids = yTrue;
    if (yTrue.shape().numDimensions() == predRank) {
      ids = tf.squeeze(yTrue, org.tensorflow.op.core.Squeeze.axis(new Long[] {(long) predRank - 1}));
    }
    long depth = yPred.shape().get(predRank - 1);
    return tf.oneHot(tf.dtypes.cast(ids, TInt32.class), tf.constant((int) depth), tf.constant(1f), tf.constant(0f));
  }

  @Override
  public String toString() {
    return name;
  }
}
