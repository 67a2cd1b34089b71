package io.jkeras.models;

import io.jkeras.Keras;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.Layer;
import io.jkeras.layers.RNN;
import io.jkeras.utils.Shapes;
import java.io.PrintStream;
import java.nio.file.Path;
import io.jkeras.utils.ResourceBudget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/** Keras's {@code Sequential}: a plain stack of layers, each feeding the next. */
public class Sequential extends Model {
  private final List<Layer<?>> layers = new ArrayList<>();
  private String name;
  private long[] inputBatchShape;
  private String inputName;
  private String inputDtype;
  /** The graph of calls the model runs, made when it is built. */
  private Functional graph;

  public Sequential() {}

  public Sequential(String name) {
    this.name = name;
  }

  public Sequential(Layer<?>... layers) {
    for (Layer<?> l : layers) add(l);
  }

  @Override
  public String name() {
    if (name == null) name = Keras.uniqueName("sequential");
    return name;
  }

  public Sequential name(String name) {
    this.name = name;
    return this;
  }

  /** Appends a layer; an InputLayer (or the first layer's inputShape) fixes the input shape. */
  public Sequential add(Layer<?> layer) {
    if (layer == null) throw new IllegalArgumentException("layer is null");
    if (isBuilt()) throw new IllegalStateException("cannot add layer " + layer.name() + ": model " + name() + " is already built");
    for (Layer<?> l : layers) {
      if (l == layer) throw new IllegalArgumentException("layer " + layer.name() + " is already in model " + name());
      if (l.name().equals(layer.name())) {
        throw new IllegalArgumentException("model " + name() + " already has a layer named '" + layer.name() + "'");
      }
    }
    if (layer instanceof InputLayer) {
      if (!layers.isEmpty()) throw new IllegalArgumentException("an InputLayer must come first in a Sequential model");
      inputBatchShape = layer.batchInputShape();
      inputName = layer.name();
      inputDtype = ((InputLayer) layer).dtype();
      return this;
    }
    if (layer instanceof RNN && ((RNN<?>) layer).returnState()) {
      throw new IllegalArgumentException("layer " + layer.name() + " has return_state=true: its several outputs cannot feed"
          + " the next layer of a Sequential model (Keras refuses it too)");
    }
    if (layers.isEmpty() && inputBatchShape == null && layer.batchInputShape() != null) {
      inputBatchShape = layer.batchInputShape();
    }
    ResourceBudget.current().checkLayers("model " + name(), layers.size() + 1L);
    layers.add(layer);
    return this;
  }

  /** Removes the last layer (Keras's {@code pop}). */
  public Layer<?> pop() {
    if (layers.isEmpty()) throw new IllegalStateException("model " + name() + " has no layers");
    if (isBuilt()) throw new IllegalStateException("cannot pop from built model " + name());
    return layers.remove(layers.size() - 1);
  }

  @Override
  public List<Layer<?>> layers() {
    return Collections.unmodifiableList(layers);
  }

  public Layer<?> getLayer(int index) {
    return layers.get(index);
  }

  /**
   * The model input's name, as Keras names it: the InputLayer's name, or the one Keras 3 would
   * give the InputLayer it creates ("input_layer", "input_layer_1"...).
   */
  public String inputName() {
    if (inputName == null) inputName = Keras.uniqueName("input_layer");
    return inputName;
  }

  @Override
  public List<String> inputNames() {
    return List.of(inputName());
  }

  /**
   * The dtype the model's input declares in the files and SavedModels it writes: the
   * InputLayer's dtype when one was given ({@link InputLayer#dtype(String)}, or read from a Keras
   * file), else "int32" when the first layer is an Embedding (its inputs are token ids, which
   * Python feeds as int32), else "float32".
   */
  @Override
  public String inputDtype() {
    if (inputDtype != null) return inputDtype;
    return !layers.isEmpty() && layers.get(0) instanceof Embedding ? "int32" : "float32";
  }

  /** Fixes the input shape (Keras's build_input_shape) of a model whose first layer declares none. */
  public void setInputBatchShape(long[] batchShape) {
    if (isBuilt()) throw new IllegalStateException("model " + name() + " is already built");
    this.inputBatchShape = batchShape.clone();
  }

  @Override
  public long[] inputBatchShape() {
    return inputBatchShape == null ? null : inputBatchShape.clone();
  }

  @Override
  protected void buildLayers(ModelRuntime runtime, long[] batchInputShape) {
    if (inputBatchShape == null) inputBatchShape = batchInputShape.clone();
    // As in Keras 3, a Sequential model runs as the Functional graph of its layers called in turn.
    InputLayer in = InputLayer.withBatchShape(batchInputShape);
    in.name(inputName != null ? inputName : "sequential_input");
    KerasTensor x = in.output();
    for (Layer<?> l : layers) {
      List<KerasTensor> out = l.applyMulti(x);
      if (out.size() != 1) {
        throw new IllegalArgumentException("layer " + l.name() + " (" + l.className() + ") returns " + out.size()
            + " tensors (its states, or both directions apart), which cannot feed the next layer of a Sequential model"
            + " (Keras refuses it too): use a Functional model, Model.of(inputs, outputs)");
      }
      x = out.get(0);
    }
    graph = new Functional(List.of(in.output()), List.of(x), name(), false);
    graph.buildLayers(runtime, List.of(batchInputShape));
  }

  @Override
  public long[] computeOutputShape(long[] batchInputShape) {
    long[] shape = batchInputShape;
    for (Layer<?> l : layers) {
      shape = l.computeOutputShape(shape);
      l.checkShapeSize("output", shape);
    }
    return shape;
  }

  @Override
  protected Operand<TFloat32> forward(CallContext ctx, Operand<TFloat32> inputs) {
    if (graph == null) throw new IllegalStateException("model " + name() + " is not built");
    return graph.forwardAll(ctx, List.of(inputs)).get(0);
  }

  // ----- Keras files (through ModelSaving) -----

  /** Keras's {@code model.save("x.keras")}: a Keras 3 archive that Python's {@code keras.models.load_model} opens. */
  public void save(Path file) {
    ModelSaving.get().save(this, file);
  }

  /** Keras's {@code model.save_weights("x.weights.h5")} (Keras 3 layout). */
  public void saveWeights(Path file) {
    ModelSaving.get().saveWeights(this, file);
  }

  /** Keras's {@code model.load_weights}: a Keras 3 {@code .weights.h5} or a legacy Keras 1/2 {@code .h5}. */
  public void loadWeights(Path file) {
    ModelSaving.get().loadWeights(this, file);
  }

  // ----- summary -----

  /** Prints Keras's summary table to standard output. */
  public void summary() {
    summary(System.out);
  }

  public void summary(PrintStream out) {
    out.print(summaryString());
    out.flush();
  }

  /**
   * Keras's summary table: Layer (type), Output Shape, Param #, then total, trainable and
   * non-trainable counts. Builds the model if its input shape is known.
   */
  public String summaryString() {
    if (!isBuilt()) {
      if (inputBatchShape == null) {
        throw new IllegalStateException("model " + name() + " is not built: give the first layer an inputShape, "
            + "or call build(...) or fit(...) first");
      }
      build(inputBatchShape);
    }
    int[] cols = {33, 26, 15};
    StringBuilder b = new StringBuilder();
    String line = "_".repeat(cols[0] + cols[1] + cols[2]) + "\n";
    String thick = "=".repeat(cols[0] + cols[1] + cols[2]) + "\n";
    b.append("Model: \"").append(name()).append("\"\n").append(line);
    b.append(Summary.row(cols, " Layer (type)", "Output Shape", "Param #")).append(thick);
    long[] shape = inputBatchShape;
    for (int i = 0; i < layers.size(); i++) {
      Layer<?> l = layers.get(i);
      shape = l.computeOutputShape(shape);
      b.append(Summary.row(cols, " " + l.name() + " (" + l.className() + ")", Shapes.toString(shape),
          String.format(Locale.ROOT, "%,d", l.countParams())));
      b.append(i < layers.size() - 1 ? "\n" : "");
    }
    b.append(thick);
    b.append(Summary.counts(this));
    b.append(line);
    return b.toString();
  }
}
