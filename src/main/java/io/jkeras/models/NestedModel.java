package io.jkeras.models;

import io.jkeras.backend.CallContext;
import io.jkeras.backend.Weight;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Saveable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * A model used as a layer of another model, as Keras allows ({@code inner(x)} for a Sequential or
 * Functional {@code inner}): {@code NestedModel.of(inner).apply(x)}. Calling it runs the inner
 * model's graph; calling it twice shares its weights. Built inside the outer model, its layers
 * build in the outer model's runtime and their weights are this layer's (in Keras's
 * {@code trainable_weights + non_trainable_weights} order). Files keep Keras's form: the layer's
 * config is the inner model's, and its weights sit under the inner model's own {@code layers}
 * groups.
 */
public final class NestedModel extends Layer<NestedModel> {
  private final Model model;

  private NestedModel(Model model) {
    if (model == null) throw new IllegalArgumentException("model is null");
    if (!(model instanceof Sequential) && !(model instanceof Functional)) {
      throw new IllegalArgumentException("only a Sequential or Functional model can be used as a layer, got " + model.getClass().getName());
    }
    this.model = model;
  }

  /**
   * {@code model} as a layer. A model that is already built (every Functional model made with
   * {@link Model#of}) keeps its weights: the outer model then runs in its runtime, and both
   * models compute with the same weights, as in Keras.
   */
  public static NestedModel of(Model model) {
    NestedModel layer = new NestedModel(model);
    if (model.isBuilt()) {
      layer.build(model.runtime(), model.inputSpecs());
    }
    return layer;
  }

  /**
   * A Functional model of these tensors as a layer, its weights not yet created: they are created
   * in the runtime of the model this layer is built in (how a config with a nested model is read).
   */
  public static NestedModel functional(List<KerasTensor> inputs, List<KerasTensor> outputs, String name) {
    return new NestedModel(new Functional(inputs, outputs, name, false));
  }

  /** The model this layer runs. */
  public Model model() {
    return model;
  }

  /** Keras's class of the nested model: "Sequential" or "Functional". */
  @Override
  public String className() {
    return model instanceof Sequential ? "Sequential" : "Functional";
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public NestedModel name(String name) {
    if (model instanceof Sequential) ((Sequential) model).name(name);
    else ((Functional) model).name(name);
    return this;
  }

  /** The nested model's input shapes, when it declares them. */
  @Override
  public long[] batchInputShape() {
    return model.inputCount() == 1 ? model.inputBatchShape() : null;
  }

  // ----- building -----

  @Override
  protected void checkInputShapes(List<long[]> inputShapes) {
    if (inputShapes.size() != model.inputCount()) {
      throw new IllegalArgumentException("layer " + name() + " (model " + className() + ") takes " + model.inputCount()
          + " input(s), got " + inputShapes.size());
    }
  }

  @Override
  protected void checkInputShape(long[] inputShape) {
    checkInputShapes(List.of(inputShape));
  }

  @Override
  protected void build(long[] inputShape) {
    buildModel(List.of(inputShape));
  }

  @Override
  protected void buildMulti(List<long[]> inputShapes) {
    buildModel(inputShapes);
  }

  /** Builds the nested model's layers in this layer's runtime (the outer model's); their weights become this layer's. */
  private void buildModel(List<long[]> inputShapes) {
    if (!model.isBuilt()) {
      List<long[]> declared = model.inputSpecs();
      List<long[]> shapes = new ArrayList<>();
      for (int i = 0; i < inputShapes.size(); i++) shapes.add(declared.get(i) != null ? declared.get(i) : inputShapes.get(i));
      model.buildLayers(runtime(), shapes);
      // The nested model alone (its predict, its summary) runs where its weights now live.
      if (!model.hasRuntime()) model.shareRuntime(runtime());
    }
    trackWeights(model.weights());
  }

  @Override
  public List<Weight> trainableWeights() {
    List<Weight> r = new ArrayList<>();
    if (!trainable()) return r;
    for (Layer<?> l : model.layers()) r.addAll(l.trainableWeights());
    return r;
  }

  @Override
  public List<Weight> nonTrainableWeights() {
    List<Weight> r = new ArrayList<>();
    for (Layer<?> l : model.layers()) r.addAll(trainable() ? l.nonTrainableWeights() : l.weights());
    return r;
  }

  // ----- shapes and calls -----

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    List<long[]> out = computeOutputShapes(List.of(inputShape));
    if (out.size() != 1) {
      throw new IllegalArgumentException("layer " + name() + " gives " + out.size() + " outputs; use computeOutputShapes");
    }
    return out.get(0);
  }

  @Override
  public List<long[]> computeOutputShapes(List<long[]> inputShapes) {
    checkInputShapes(inputShapes);
    return model.computeOutputShapes(inputShapes);
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return model.forwardAll(ctx, List.of(inputs)).get(0);
  }

  @Override
  protected List<Operand<TFloat32>> callMulti(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    return model.forwardAll(ctx, inputs);
  }

  /** The nested model computes its own masks inside; its outputs carry none, as Keras's do. */
  @Override
  public List<Operand<TBool>> computeMasks(CallContext ctx, List<Operand<TFloat32>> inputs, List<Operand<TBool>> masks) {
    List<Operand<TBool>> r = new ArrayList<>();
    for (int i = 0; i < model.outputCount(); i++) r.add(null);
    return r;
  }

  @Override
  public boolean isStateful() {
    for (Layer<?> l : model.layers()) if (l.isStateful()) return true;
    return false;
  }

  @Override
  public void resetStates() {
    model.resetStates();
  }

  // ----- structure -----

  @Override
  public List<Layer<?>> innerLayers() {
    return model.layers();
  }

  /** As Keras saves a nested model: no variables of its own, its layers under {@code layers/}. */
  @Override
  public Saveable saveable() {
    return new Saveable(name(), List.of(), this).layers(model.layers());
  }

  /** The layer entry of an outer config is the nested model's own config, written by the file format. */
  @Override
  public Map<String, Object> getConfig() {
    throw new UnsupportedOperationException("layer " + name() + " is a " + className() + " model: its config is the model's,"
        + " written by the file format (KerasJson)");
  }
}
