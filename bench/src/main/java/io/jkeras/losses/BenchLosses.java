package io.jkeras.losses;

import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * EXPERIMENT (bench only; lives in io.jkeras.losses to reach Loss's package-private constructor):
 * categorical cross-entropy that, when the prediction is a Softmax (possibly reshaped, as
 * TimeDistributed does), computes the loss from the softmax's logits with TensorFlow's fused
 * SoftmaxCrossEntropyWithLogits, as Keras's TensorFlow backend does
 * (keras/src/backend/tensorflow/nn.py, categorical_crossentropy: "output.op.type == 'Softmax'").
 * Otherwise it is the library's loss unchanged. Reduction: mean over all rows (sum_over_batch_size).
 */
public final class BenchLosses {
  private BenchLosses() {}

  public static Loss categoricalFromSoftmaxLogits() {
    Loss base = Losses.get("categorical_crossentropy");
    org.tensorflow.framework.losses.Loss fallback = new org.tensorflow.framework.losses.CategoricalCrossentropy(false, 0f,
        org.tensorflow.framework.losses.Reduction.SUM_OVER_BATCH_SIZE);
    return new Loss(base.name(), base.className(), base.getConfig(), cfg -> new LogitsCce(fallback), false);
  }

  static final class LogitsCce implements org.tensorflow.framework.losses.Loss {
    final org.tensorflow.framework.losses.Loss fallback;

    LogitsCce(org.tensorflow.framework.losses.Loss fallback) {
      this.fallback = fallback;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<? extends TNumber> labels, Operand<T> predictions,
        Operand<T> sampleWeights) {
      Output<TFloat32> logits = softmaxInput(predictions);
      if (logits == null || sampleWeights != null) return fallback.call(tf, labels, predictions, sampleWeights);
      long classes = predictions.shape().get(predictions.shape().numDimensions() - 1);
      Operand<TFloat32> l2 = tf.reshape(logits, tf.constant(new long[] {-1, classes}));
      Operand<TFloat32> y2 = tf.reshape((Operand<TFloat32>) labels, tf.constant(new long[] {-1, classes}));
      Operand<TFloat32> xent = tf.nn.softmaxCrossEntropyWithLogits(l2, y2).loss();
      return (Operand<T>) tf.math.mean(xent, tf.constant(0));
    }

    /** The logits if {@code p} is Softmax(logits), directly or through Reshape/Identity; else null. */
    @SuppressWarnings("unchecked")
    static Output<TFloat32> softmaxInput(Operand<?> p) {
      GraphOperation op = (GraphOperation) p.op();
      while (op.type().equals("Reshape") || op.type().equals("Identity")) op = (GraphOperation) op.input(0).op();
      return op.type().equals("Softmax") ? (Output<TFloat32>) op.input(0) : null;
    }
  }
}
