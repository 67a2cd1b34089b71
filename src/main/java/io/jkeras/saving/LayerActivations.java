package io.jkeras.saving;

import io.jkeras.activations.Activation;
import io.jkeras.layers.Bidirectional;
import io.jkeras.layers.Dense;
import io.jkeras.layers.GRU;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.Layer;
import io.jkeras.layers.RNN;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The activation functions a model's layers use (wrapped layers included). */
final class LayerActivations {
  private LayerActivations() {}

  static List<Activation> of(Layer<?> l) {
    List<Activation> r = new ArrayList<>();
    if (l instanceof LSTM) r.add(((LSTM) l).recurrentActivation());
    if (l instanceof GRU) r.add(((GRU) l).recurrentActivation());
    if (l instanceof RNN) r.add(((RNN<?>) l).activation());
    if (l instanceof Dense) r.add(((Dense) l).activation());
    if (l instanceof io.jkeras.layers.Activation) r.add(((io.jkeras.layers.Activation) l).activation());
    if (l instanceof Bidirectional) {
      r.addAll(of(((Bidirectional) l).forwardLayer()));
      r.addAll(of(((Bidirectional) l).backwardLayer()));
    }
    if (l instanceof TimeDistributed) r.addAll(of(((TimeDistributed) l).layer()));
    return r;
  }

  static boolean any(Sequential model, Predicate<Activation> p) {
    for (Layer<?> l : model.layers()) {
      for (Activation a : of(l)) if (p.test(a)) return true;
    }
    return false;
  }
}
