package io.jkeras.optimizers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A Keras optimizer: its class name, Keras defaults and config, backed by the TensorFlow Java
 * framework optimizer that does the update, or by Keras 3's own rule in graph ops where the
 * framework's differs ({@link KerasUpdate}: Nadam, SGD momentum, Adagrad). Two things the
 * framework classes lack are added here, once for all of them:
 * <ul>
 *   <li>Slots are shared by every train function of a model (one per sequence length), so Adam's
 *       moments are the same variables whatever length a batch has.</li>
 *   <li>The learning rate can change between steps (schedulers, ReduceLROnPlateau): the framework
 *       bakes it into constants, so the optimizer is built with a sentinel rate and the constants
 *       holding it are fed with the current rate at every step.</li>
 * </ul>
 */
public abstract class Optimizer {
  /** An improbable learning rate that marks the constants to feed. */
  static final float SENTINEL_LR = 0.000123456789f;

  protected float learningRate;
  private org.tensorflow.framework.optimizers.Optimizer impl;
  private boolean slotsCreated;
  private final List<Output<TFloat32>> lrFeeds = new ArrayList<>();
  private TFloat32 lrTensor;
  private float lrTensorValue = Float.NaN;

  protected Optimizer(float learningRate) {
    this.learningRate = learningRate;
  }

  /** The Keras class name ("Adam"). */
  public abstract String className();

  /** Creates the framework optimizer with {@code lr} as its learning rate. */
  protected abstract org.tensorflow.framework.optimizers.Optimizer create(Graph graph, float lr);

  /** The optimizer-specific Keras config entries (beta_1, epsilon...). */
  protected abstract void addConfig(Map<String, Object> config);

  /** For subclasses' framework optimizers: true only the first time slots are created. */
  protected final boolean firstSlotCreation() {
    if (slotsCreated) return false;
    slotsCreated = true;
    return true;
  }

  public float learningRate() {
    return learningRate;
  }

  /** Changes the learning rate from the next step on. */
  public void setLearningRate(float lr) {
    if (!(lr >= 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + lr);
    if (impl != null && lrFeeds.isEmpty() && lr != learningRate) {
      throw new UnsupportedOperationException(className() + " cannot change its learning rate after compile");
    }
    this.learningRate = lr;
  }

  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", io.jkeras.utils.Names.toSnakeCase(className()));
    c.put("learning_rate", (double) learningRate);
    addConfig(c);
    // Hyperparameters are float32 here; write them as the decimals they were given as (0.9, not 0.8999999761581421).
    c.replaceAll((k, v) -> v instanceof Double ? Double.valueOf(Float.toString((float) (double) (Double) v)) : v);
    return c;
  }

  /**
   * Builds the op that applies {@code gradients} to {@code variables}. Called once per train
   * function; every call shares the same slots.
   */
  public synchronized Op applyGradients(Graph graph, List<Output<TFloat32>> gradients,
      List<Output<TFloat32>> variables, String name) {
    if (impl == null) impl = create(graph, SENTINEL_LR);
    Set<String> before = constNames(graph);
    List<org.tensorflow.framework.optimizers.Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      pairs.add(new org.tensorflow.framework.optimizers.Optimizer.GradAndVar<>(gradients.get(i), variables.get(i)));
    }
    Op op = impl.applyGradients(pairs, name);
    findLearningRateConstants(graph, before);
    if (lrFeeds.isEmpty()) {
      throw new IllegalStateException(className() + ": the learning rate could not be found in the graph built by the framework optimizer");
    }
    return op;
  }

  private static Set<String> constNames(Graph graph) {
    Set<String> names = new HashSet<>();
    Iterator<org.tensorflow.GraphOperation> it = graph.operations();
    while (it.hasNext()) {
      Operation op = it.next();
      if (op.type().equals("Const")) names.add(op.name());
    }
    return names;
  }

  /**
   * Finds the scalar float constants created since {@code before} whose value is the sentinel.
   * Their values are read from the graph definition, not by running them: most framework
   * optimizers create the rate under control dependencies on the gradients, so running the
   * constant would need the batch placeholders.
   */
  @SuppressWarnings("unchecked")
  private void findLearningRateConstants(Graph graph, Set<String> before) {
    Iterator<org.tensorflow.GraphOperation> it = graph.operations();
    while (it.hasNext()) {
      org.tensorflow.GraphOperation op = it.next();
      if (!op.type().equals("Const") || before.contains(op.name())) continue;
      Output<?> o = op.output(0);
      if (o.dataType() != org.tensorflow.proto.DataType.DT_FLOAT || o.shape().numDimensions() != 0) continue;
      org.tensorflow.proto.TensorProto t = op.attributes().getAttrValueProto("value").getTensor();
      float v;
      if (t.getFloatValCount() > 0) {
        v = t.getFloatVal(0);
      } else if (t.getTensorContent().size() == 4) {
        v = java.nio.ByteBuffer.wrap(t.getTensorContent().toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
      } else {
        continue;
      }
      if (v == SENTINEL_LR) lrFeeds.add((Output<TFloat32>) o);
    }
  }

  /** Feeds the current learning rate into a train step. */
  public synchronized void feed(Session.Runner runner) {
    if (lrFeeds.isEmpty()) return;
    if (lrTensor == null || lrTensorValue != learningRate) {
      if (lrTensor != null) lrTensor.close();
      lrTensor = TFloat32.scalarOf(learningRate);
      lrTensorValue = learningRate;
    }
    for (Output<TFloat32> o : lrFeeds) runner.feed(o, lrTensor);
  }

  /** Frees the fed learning-rate tensor (the model does this when it closes). */
  public synchronized void release() {
    if (lrTensor != null) {
      lrTensor.close();
      lrTensor = null;
    }
  }

  /** Whether this optimizer has been bound to a graph. */
  public boolean isBound() {
    return impl != null;
  }

}
