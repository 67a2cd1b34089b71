package io.jkeras.layers;

import io.jkeras.activations.Activation;
import io.jkeras.models.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The activation functions a model's layers use (wrapped layers included). */
public final class LayerActivations {
  private LayerActivations() {}

  public static List<Activation> of(Layer<?> l) {
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

  public static boolean any(Sequential model, Predicate<Activation> p) {
    for (Layer<?> l : model.layers()) {
      for (Activation a : of(l)) if (p.test(a)) return true;
    }
    return false;
  }
}
