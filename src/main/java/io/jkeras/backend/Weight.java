package io.jkeras.backend;

import io.jkeras.constraints.Constraint;
import io.jkeras.data.FloatArray;
import io.jkeras.regularizers.Regularizer;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A layer's variable (Keras's {@code keras.Variable}): its path ("lstm/kernel"), shape and
 * trainability, backed by a TensorFlow variable in the model's graph.
 */
public final class Weight {
  private final String name;
  private final String path;
  private final long[] shape;
  private final boolean trainable;
  private final Variable<TFloat32> variable;
  private final ModelRuntime runtime;
  private Regularizer regularizer;
  private Constraint constraint;

  Weight(ModelRuntime runtime, String name, String path, long[] shape, boolean trainable, Variable<TFloat32> variable) {
    this.runtime = runtime;
    this.name = name;
    this.path = path;
    this.shape = shape.clone();
    this.trainable = trainable;
    this.variable = variable;
  }

  /** The short name, e.g. "kernel". */
  public String name() {
    return name;
  }

  /** The Keras variable path, e.g. "lstm/kernel". */
  public String path() {
    return path;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long size() {
    return Shapes.product(shape);
  }

  public boolean trainable() {
    return trainable;
  }

  public Variable<TFloat32> variable() {
    return variable;
  }

  /** The penalty added to the training loss for this weight, or null. */
  public Regularizer regularizer() {
    return regularizer;
  }

  public void setRegularizer(Regularizer regularizer) {
    this.regularizer = regularizer;
  }

  /** The constraint applied after each update, or null. */
  public Constraint constraint() {
    return constraint;
  }

  public void setConstraint(Constraint constraint) {
    this.constraint = constraint;
  }

  /** Reads the current value from the session. */
  public FloatArray value() {
    return runtime.read(this);
  }

  /** Writes a value of exactly this weight's shape. */
  public void assign(FloatArray value) {
    long[] s = value.shape();
    if (!Arrays.equals(normalize(s), normalize(shape))) {
      throw new IllegalArgumentException(
          "weight " + path + " has shape " + Shapes.toString(shape) + " but the value has shape " + Shapes.toString(s));
    }
    runtime.write(this, value);
  }

  private static long[] normalize(long[] s) {
    // A scalar is held as shape (1) by FloatArray.
    return s.length == 0 ? new long[] {1} : s;
  }

  /** Names and shapes of {@code weights}, for messages: {@code [kernel[3, 4], bias[4]]}. */
  public static String namesAndShapes(List<Weight> weights) {
    List<String> r = new ArrayList<>();
    for (Weight w : weights) r.add(w.name + Shapes.toString(w.shape));
    return r.toString();
  }

  @Override
  public String toString() {
    return path + Shapes.toString(shape);
  }
}
