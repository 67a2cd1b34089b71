package io.jkeras.optimizers;

import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An optimizer's state as Keras 3 lists it in {@code optimizer.variables}: the step count
 * ({@code iteration}), the learning rate, then the other variables in Keras's order, each with
 * its Keras name ("dense_kernel_momentum"). {@link Optimizer#stateLayout} gives that order for
 * a model's trainable weights; values are float32 (a scalar has shape (1)).
 */
public final class OptimizerState {
  private final long iterations;
  private final float learningRate;
  private final List<String> names;
  private final List<FloatArray> values;

  public OptimizerState(long iterations, float learningRate, List<String> names, List<FloatArray> values) {
    if (iterations < 0) throw new IllegalArgumentException("optimizer iterations must be >= 0, got " + iterations);
    if (names.size() != values.size()) {
      throw new IllegalArgumentException(names.size() + " names for " + values.size() + " optimizer variables");
    }
    this.iterations = iterations;
    this.learningRate = learningRate;
    this.names = List.copyOf(names);
    this.values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** Steps taken (Keras's {@code optimizer.iterations}). */
  public long iterations() {
    return iterations;
  }

  public float learningRate() {
    return learningRate;
  }

  /** Keras's names of {@link #values()}, without the optimizer prefix. */
  public List<String> names() {
    return names;
  }

  /** The variables after iteration and learning_rate, in Keras's order. */
  public List<FloatArray> values() {
    return values;
  }

  /** One variable of the layout: its Keras name, shape, slot kind ("momentum") and trainable weight (-1 and null for a scalar). */
  public static final class Slot {
    public final String name;
    public final long[] shape;
    public final String kind;
    public final int weight;

    Slot(String name, long[] shape, String kind, int weight) {
      this.name = name;
      this.shape = shape.clone();
      this.kind = kind;
      this.weight = weight;
    }
  }
}
