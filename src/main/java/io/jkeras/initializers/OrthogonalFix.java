package io.jkeras.initializers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.Qr;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Keras's Orthogonal initializer. The framework's own {@code Orthogonal} (1.0.0) passes a null
 * permutation to {@code transpose} when the matrix has fewer rows than columns (every LSTM
 * recurrent kernel) and does not reshape to the requested shape; this follows Keras exactly:
 * QR of a (max, min) normal matrix, columns signed by diag(R), transposed if wide, reshaped.
 */
final class OrthogonalFix implements org.tensorflow.framework.initializers.Initializer<TFloat32> {
  private final double gain;
  private final long seed;
  private final long[] shape;

  OrthogonalFix(double gain, long seed, long[] shape) {
    this.gain = gain;
    this.seed = seed;
    this.shape = shape;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TInt64> dims, Class<TFloat32> type) {
    if (shape.length < 2) {
      throw new IllegalArgumentException("Orthogonal initializer needs a weight of rank >= 2, got rank " + shape.length);
    }
    long rows = 1;
    for (int i = 0; i < shape.length - 1; i++) rows *= shape[i];
    long cols = shape[shape.length - 1];
    Operand<TFloat32> a = tf.random.statelessRandomNormal(
        tf.constant(new long[] {Math.max(rows, cols), Math.min(rows, cols)}), tf.constant(new long[] {seed, 0}), TFloat32.class);
    Qr<TFloat32> qr = tf.linalg.qr(a, Qr.fullMatrices(false));
    Operand<TFloat32> d = tf.linalg.matrixDiagPart(qr.r(), tf.constant(0), tf.constant(0f));
    Operand<TFloat32> q = tf.math.mul(qr.q(), tf.math.sign(d));
    if (rows < cols) q = tf.linalg.transpose(q, tf.constant(new int[] {1, 0}));
    return tf.reshape(tf.math.mul(q, tf.constant((float) gain)), dims);
  }
}
