package io.jkeras.layers;

import io.jkeras.backend.Weight;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code SimpleRNN}: a fully-connected recurrence whose output is its state. Weights
 * exactly as Keras: kernel (input_dim, units), recurrent_kernel (units, units), bias (units):
 * <pre>
 *   h' = tanh(x W + b + h U)
 * </pre>
 * with tanh the activation. Recurrent dropout drops h only in the recurrent matmul, as Keras does.
 */
public final class SimpleRNN extends RNN<SimpleRNN> {
  private Weight kernel;
  private Weight recurrentKernel;
  private Weight bias;

  public SimpleRNN(int units) {
    super(units);
  }

  public Weight kernel() {
    return kernel;
  }

  public Weight recurrentKernel() {
    return recurrentKernel;
  }

  public Weight bias() {
    return bias;
  }

  @Override
  protected SimpleRNN newInstance() {
    return new SimpleRNN(units);
  }

  @Override
  protected int stateCount() {
    return 1;
  }

  @Override
  protected void buildCell(long inputDim) {
    kernel = addWeight("kernel", new long[] {inputDim, units}, kernelInitializer, true);
    recurrentKernel = addWeight("recurrent_kernel", new long[] {units, units}, recurrentInitializer, true);
    if (useBias) bias = addWeight("bias", new long[] {units}, biasInitializer, true);
  }

  @Override
  protected Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> z = tf.linalg.matMul(x, kernel.variable());
    return useBias ? tf.nn.biasAdd(z, bias.variable()) : z;
  }

  @Override
  protected List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> states,
      Operand<TFloat32> droppedH) {
    Operand<TFloat32> z = tf.math.add(projected, tf.linalg.matMul(droppedH, recurrentKernel.variable()));
    return List.of(activation.apply(tf, z));
  }
}
