package io.jkeras.layers;

import io.jkeras.utils.Shapes;

/**
 * Keras's {@code KerasTensor}: a symbolic tensor in a Functional graph. It knows its shape
 * (batch first, -1 for None), its dtype, and where it came from: output {@code tensorIndex} of
 * {@code node}, a call of a layer (Keras's {@code keras_history}).
 */
public final class KerasTensor {
  private final long[] shape;
  private final String dtype;
  private final Node node;
  private final int tensorIndex;

  KerasTensor(long[] shape, String dtype, Node node, int tensorIndex) {
    this.shape = shape.clone();
    this.dtype = dtype;
    this.node = node;
    this.tensorIndex = tensorIndex;
  }

  /** The shape, batch first, -1 for an unknown dimension. */
  public long[] shape() {
    return shape.clone();
  }

  public String dtype() {
    return dtype;
  }

  /** The call that produced this tensor. */
  public Node node() {
    return node;
  }

  /** Which of the node's outputs this is. */
  public int tensorIndex() {
    return tensorIndex;
  }

  /** The layer that produced this tensor. */
  public Layer<?> layer() {
    return node.layer();
  }

  /** Keras's {@code keras_history}: [layer name, node index, tensor index]. */
  public String history() {
    return "[" + layer().name() + ", " + node.index() + ", " + tensorIndex + "]";
  }

  @Override
  public String toString() {
    return "KerasTensor(shape=" + Shapes.toString(shape) + ", dtype=" + dtype + ", from " + history() + ")";
  }
}
