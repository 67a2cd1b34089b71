package io.jkeras.models;

import io.jkeras.losses.Loss;
import io.jkeras.losses.Losses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The losses a model is compiled with (Keras 3's {@code compile_utils.CompileLoss}): one loss for
 * every output, or one per output with optional loss weights, given as lists in output order or
 * as maps by output name (checked against the model's outputs here, before anything is built).
 * The total loss is the weighted sum; each output's own loss is logged unweighted.
 */
final class CompileLoss {
  private final Loss loss;
  /** Per output, when given per output; else null (the one loss for every output). */
  private final List<Loss> perOutput;
  private final List<Double> weights;

  private CompileLoss(Loss loss, List<Loss> perOutput, List<Double> weights) {
    this.loss = loss;
    this.perOutput = perOutput;
    this.weights = weights;
  }

  static CompileLoss of(Loss loss) {
    return new CompileLoss(loss, null, null);
  }

  /** Losses (a {@link Loss} or its name), weights and metrics as lists in the outputs' order; checked. */
  static CompileLoss of(Model model, List<?> losses, List<Double> lossWeights, List<List<String>> metrics) {
    int n = model.outputCount();
    if (losses.size() != n) {
      throw new IllegalArgumentException("compile: model " + model.name() + " has " + n + " outputs but " + losses.size()
          + " losses were given");
    }
    if (lossWeights != null && lossWeights.size() != n) {
      throw new IllegalArgumentException("compile: model " + model.name() + " has " + n + " outputs but " + lossWeights.size()
          + " loss weights were given");
    }
    if (metrics != null && metrics.size() != n) {
      throw new IllegalArgumentException("compile: model " + model.name() + " has " + n + " outputs but " + metrics.size()
          + " metric lists were given");
    }
    List<Loss> resolved = new ArrayList<>();
    for (Object o : losses) {
      if (o instanceof Loss) resolved.add((Loss) o);
      else if (o instanceof String) resolved.add(Losses.get((String) o));
      else throw new IllegalArgumentException("compile: a loss is a Loss or its name, got " + o);
    }
    return new CompileLoss(resolved.get(0), resolved, lossWeights == null ? null : List.copyOf(lossWeights));
  }

  /** Maps by output name turned into lists in output order (into {@code lossesOut}, {@code weightsOut}, {@code metricsOut}). */
  static void byName(Model model, Map<String, ?> losses, Map<String, Double> lossWeights, Map<String, List<String>> metrics,
      List<Object> lossesOut, List<Double> weightsOut, List<List<String>> metricsOut) {
    List<String> names = model.outputNames();
    for (Map<String, ?> m : Arrays.asList(losses, lossWeights, metrics)) {
      if (m == null) continue;
      for (String k : m.keySet()) {
        if (!names.contains(k)) {
          throw new IllegalArgumentException("compile: '" + k + "' is no output of model " + model.name() + " (its outputs: "
              + String.join(", ", names) + ")");
        }
      }
    }
    if (losses == null) throw new IllegalArgumentException("compile needs an optimizer and a loss");
    for (String n : names) {
      if (!losses.containsKey(n)) throw new IllegalArgumentException("compile: no loss for output '" + n + "'");
      lossesOut.add(losses.get(n));
      weightsOut.add(lossWeights == null || !lossWeights.containsKey(n) ? 1.0 : lossWeights.get(n));
      metricsOut.add(metrics == null || !metrics.containsKey(n) ? List.of() : metrics.get(n));
    }
  }

  /** The first (or only) loss. */
  Loss loss() {
    return loss;
  }

  boolean perOutput() {
    return perOutput != null;
  }

  Loss lossFor(int o) {
    return perOutput == null ? loss : perOutput.get(o);
  }

  List<Double> weights() {
    return weights;
  }

  double weightFor(int o) {
    return weights == null ? 1.0 : weights.get(o);
  }
}
