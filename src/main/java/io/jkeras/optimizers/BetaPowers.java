package io.jkeras.optimizers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.NoOp;
import org.tensorflow.types.TFloat32;

/**
 * Orders the beta-power updates of the framework's Adam and Adamax after the weight updates.
 *
 * <p>tensorflow-framework 1.0.0's {@code Adam.finish} / {@code Adamax.finish} add
 * {@code beta1_power *= beta_1} (and {@code beta2_power *= beta_2}) next to the ApplyAdam /
 * ApplyAdaMax ops with no control dependency between them, so a step may read the powers before
 * or after they advance: the bias correction of the very first step is then that of step 2 (or a
 * mix), and results vary from run to run. Keras advances its iteration count after the update.
 * The jkeras subclasses replace {@code finish} with {@link #finish}, which makes the power updates
 * wait for every weight update.
 */
final class BetaPowers {
  private final List<Output<TFloat32>> powers = new ArrayList<>();
  private final List<Float> betas = new ArrayList<>();

  static Set<String> variableNames(Graph graph) {
    Set<String> names = new HashSet<>();
    Iterator<GraphOperation> it = graph.operations();
    while (it.hasNext()) {
      GraphOperation op = it.next();
      if (op.type().startsWith("Variable")) names.add(op.name());
    }
    return names;
  }

  /** Records the variable named {@code .../<suffix>} created since {@code before}, advanced by {@code beta}. */
  @SuppressWarnings("unchecked")
  void find(Graph graph, Set<String> before, String suffix, float beta) {
    Iterator<GraphOperation> it = graph.operations();
    while (it.hasNext()) {
      GraphOperation op = it.next();
      if (op.type().startsWith("Variable") && !before.contains(op.name())
          && (op.name().equals(suffix) || op.name().endsWith("/" + suffix))) {
        powers.add((Output<TFloat32>) op.<TFloat32>output(0));
        betas.add(beta);
        return;
      }
    }
    throw new IllegalStateException("framework optimizer: variable '" + suffix + "' not found");
  }

  /**
   * The powers' values once {@code steps} steps are done: the framework starts them at beta (the
   * bias correction of step 1) and multiplies by beta after each step, so beta^(steps + 1).
   */
  Map<Output<TFloat32>, Float> afterSteps(long steps) {
    Map<Output<TFloat32>, Float> r = new LinkedHashMap<>();
    for (int i = 0; i < powers.size(); i++) r.put(powers.get(i), (float) Math.pow(betas.get(i), steps + 1.0));
    return r;
  }

  /** What {@code Optimizer.finish} does, with the power updates after {@code updates}. */
  Op finish(Graph graph, Ops tf, List<Op> updates, String name) {
    List<Op> all = new ArrayList<>(updates);
    Ops after = tf.withControlDependencies(updates);
    for (int i = 0; i < powers.size(); i++) {
      Output<TFloat32> p = powers.get(i);
      all.add(after.assign(p, after.math.mul(p, after.constant(betas.get(i)))));
    }
    return NoOp.create(new OpScope(graph).withName(name).withControlDependencies(all));
  }
}
