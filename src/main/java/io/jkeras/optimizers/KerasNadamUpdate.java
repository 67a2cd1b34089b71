package io.jkeras.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Keras 3's Nadam ({@code keras/src/optimizers/nadam.py}) in graph ops. tensorflow-framework's
 * Nadam is TF 2's legacy one: momentum schedule 0.96^(0.004 t) where Keras 3 has 0.96^t, and its
 * step count is a Java field baked into constants when a train function is built, so every step
 * uses step 1's schedule and bias correction. Over 5 epochs of an LSTM that made the loss differ
 * from Keras's by up to 110% (docs/TRAINING_PARITY.md); this follows Keras 3 step for step:
 *
 * <pre>
 * t = iterations + 1; u_t = b1 (1 - 0.5 * 0.96^t); u_t1 = b1 (1 - 0.5 * 0.96^(t+1))
 * u_product = u_product * u_t (once per step, before the weights)
 * m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2)
 * m_hat = u_t1 m / (1 - u_product u_t1) + (1 - u_t) g / (1 - u_product); v_hat = v / (1 - b2^t)
 * w -= lr m_hat / (sqrt(v_hat) + eps)
 * </pre>
 *
 * The step count and u_product are variables, advanced after every weight has been updated.
 */
final class KerasNadamUpdate extends KerasUpdate {
  static final String M = "momentum";
  static final String V = "velocity";

  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private Variable<TFloat32> iterations;
  private Variable<TFloat32> uProduct;
  // This step's values, built by prepare() from the variables before they advance.
  private Operand<TFloat32> lr;
  private Operand<TFloat32> uT;
  private Operand<TFloat32> uT1;
  private Operand<TFloat32> uProductT;
  private Operand<TFloat32> beta2Power;
  private Operand<TFloat32> step;

  KerasNadamUpdate(Graph graph, float learningRate, float beta1, float beta2, float epsilon,
      BooleanSupplier firstSlotCreation) {
    super(graph, "Nadam", learningRate, firstSlotCreation);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  @Override
  protected void createSlotsOnce(Ops init, List<Output<TFloat32>> variables) {
    for (Output<TFloat32> w : variables) {
      createFilledSlot(init, w, M, 0f);
      createFilledSlot(init, w, V, 0f);
    }
    iterations = init.withName("nadam_iterations").variable(Shape.scalar(), TFloat32.class);
    init.assign(iterations, init.constant(0f));
    uProduct = init.withName("nadam_u_product").variable(Shape.scalar(), TFloat32.class);
    init.assign(uProduct, init.constant(1f));
  }

  @Override
  protected Optional<Op> prepare(String scopeName) {
    lr = learningRate(tf);
    step = tf.math.add(iterations, tf.constant(1f));
    Operand<TFloat32> decay = tf.constant(0.96f);
    Operand<TFloat32> b1 = tf.constant(beta1);
    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> one = tf.constant(1f);
    uT = tf.math.mul(b1, tf.math.sub(one, tf.math.mul(half, tf.math.pow(decay, step))));
    uT1 = tf.math.mul(b1, tf.math.sub(one, tf.math.mul(half, tf.math.pow(decay, tf.math.add(step, one)))));
    uProductT = tf.math.mul(uProduct, uT);
    beta2Power = tf.math.pow(tf.constant(beta2), step);
    return Optional.empty();
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    Output<TFloat32> g = floats(gradient);
    Output<TFloat32> w = floats(variable);
    Variable<TFloat32> m = slot(w, M);
    Variable<TFloat32> v = slot(w, V);
    Operand<TFloat32> one = deps.constant(1f);
    Operand<TFloat32> mT = deps.assignAdd(m, deps.math.mul(deps.math.sub(g, m), deps.constant(1f - beta1)));
    Operand<TFloat32> vT = deps.assignAdd(v, deps.math.mul(deps.math.sub(deps.math.square(g), v), deps.constant(1f - beta2)));
    Operand<TFloat32> mHat = deps.math.add(
        deps.math.div(deps.math.mul(uT1, mT), deps.math.sub(one, deps.math.mul(uProductT, uT1))),
        deps.math.div(deps.math.mul(deps.math.sub(one, uT), g), deps.math.sub(one, uProductT)));
    Operand<TFloat32> vHat = deps.math.div(vT, deps.math.sub(one, beta2Power));
    Operand<TFloat32> delta = deps.math.div(deps.math.mul(mHat, lr), deps.math.add(deps.math.sqrt(vHat), deps.constant(epsilon)));
    return deps.assignSub(w, delta);
  }

  /** Advances u_product and the step count once every weight update has read them. */
  @Override
  protected Op finish(List<Op> updates, String name) {
    Ops after = tf.withControlDependencies(updates);
    List<Op> all = new ArrayList<>(updates);
    all.add(after.assign(uProduct, uProductT));
    all.add(after.assign(iterations, step));
    return NoOp.create(new OpScope(graph).withName(name).withControlDependencies(all));
  }

  /** Keras's u_product, once the slots exist. */
  Output<TFloat32> uProduct() {
    return uProduct == null ? null : uProduct.asOutput();
  }

  /** This rule's step count (float, for the schedule's powers), once the slots exist. */
  Output<TFloat32> iterations() {
    return iterations == null ? null : iterations.asOutput();
  }

  @Override
  public String getOptimizerName() {
    return "Nadam";
  }
}
