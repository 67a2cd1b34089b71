package io.jkeras.activations;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** An element-wise (or last-axis, for softmax) activation, known by its Keras name. */
public interface Activation {
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);

  /** The Keras name written to configs ("tanh", "hard_sigmoid", ...). */
  String name();
}
