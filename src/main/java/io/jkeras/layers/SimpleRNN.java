package io.jkeras.layers;

import io.jkeras.activations.Activations;
import io.jkeras.backend.Weight;
import io.jkeras.config.Config;
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

  /** Keras's {@code SimpleRNN.from_config}: the RNN arguments, none of its own. */
  public static SimpleRNN fromConfig(Config c) {
    return new SimpleRNN(readUnits(c)).readRnnConfig(c);
  }

  public SimpleRNN(int units) {
    super(units);
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
    addKernel(inputDim, units);
    addRecurrentKernel(units, units);
    if (useBias) addBias(units);
  }

  @Override
  protected Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> z = tf.linalg.matMul(x, read(kernel));
    return useBias ? tf.nn.biasAdd(z, read(bias)) : z;
  }

  @Override
  protected List<Operand<TFloat32>> step(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> states,
      Operand<TFloat32> droppedH) {
    Operand<TFloat32> z = tf.math.add(projected, tf.linalg.matMul(droppedH, read(recurrentKernel)));
    return List.of(activation.apply(tf, z));
  }

  /** Keras 2's hard_sigmoid as the activation: every column feeds it. */
  @Override
  public float[] keras3ColumnScale(Weight w) {
    return keras2HardSigmoidScale(w, Activations.isKeras2HardSigmoid(activation));
  }
}
