package io.jkeras.layers;

import io.jkeras.config.KerasObjects;
import io.jkeras.utils.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;

/**
 * Keras's {@code initial_state} argument as the recurrent layers take it ({@link RNN} and
 * {@link Bidirectional}): a call's first input is the sequence, any further ones its initial
 * states, one (batch, units) tensor per state of each recurrent layer in turn (a Bidirectional's
 * forward layer, then its backward layer). Keras serializes such a call as {@code args: [sequence]},
 * {@code kwargs: {"initial_state": [...]}}, and builds the layer from named shapes.
 */
final class InitialStates {
  private InitialStates() {}

  /**
   * Checks the states among {@code inputShapes} (after the sequence) for {@code layers}, in errors
   * naming {@code owner}: none, or exactly as many as the layers have, each (batch, units) with
   * the sequence's batch size where both are known.
   */
  static void check(Layer<?> owner, List<long[]> inputShapes, List<? extends RNN<?>> layers) {
    List<long[]> states = inputShapes.subList(1, inputShapes.size());
    if (states.isEmpty()) return;
    int needed = 0;
    List<String> parts = new ArrayList<>();
    for (RNN<?> l : layers) {
      needed += l.stateCount();
      parts.add(l.stateCount() == 1 ? "[h]" : "[h, c]");
    }
    if (states.size() != needed) {
      String which = layers.size() == 1 ? " " + parts.get(0)
          : ", the forward layer's " + parts.get(0) + " then the backward layer's " + parts.get(1);
      throw error(owner, "initial_state needs " + needed + (needed == 1 ? " tensor" : " tensors") + which + ", got "
          + states.size() + describe(states));
    }
    long batch = inputShapes.get(0)[0];
    int offset = 0;
    for (int k = 0; k < layers.size(); k++) {
      RNN<?> l = layers.get(k);
      String role = layers.size() == 1 ? "" : k == 0 ? "forward " : "backward ";
      for (int i = 0; i < l.stateCount(); i++) {
        long[] s = states.get(offset + i);
        String what = "initial_state[" + (offset + i) + "] (" + role + (i == 0 ? "h" : "c") + ")";
        if (s.length != 2 || s[1] != l.units()) {
          throw error(owner, what + " must have shape (batch, " + l.units() + "), got " + Shapes.toString(s));
        }
        if (s[0] >= 0 && batch >= 0 && s[0] != batch) {
          throw error(owner, what + " has batch size " + s[0] + " but the sequence has " + batch);
        }
      }
      offset += l.stateCount();
    }
  }

  private static IllegalArgumentException error(Layer<?> owner, String what) {
    return new IllegalArgumentException("layer " + owner.name() + " (" + owner.className() + "): " + what);
  }

  private static String describe(List<long[]> shapes) {
    if (shapes.isEmpty()) return "";
    List<String> s = new ArrayList<>();
    for (long[] shape : shapes) s.add(Shapes.toString(shape));
    return (shapes.size() == 1 ? " with shape " : " with shapes ") + String.join(", ", s);
  }

  /** The static shapes of a call's operands, to check them again when the graph is built. */
  static List<long[]> shapes(List<? extends Operand<?>> inputs) {
    List<long[]> r = new ArrayList<>();
    for (Operand<?> x : inputs) r.add(x.shape().asArray());
    return r;
  }

  /** A call's positional arguments: the sequence alone. */
  static List<Object> args(List<KerasTensor> inputs) {
    return List.of(inputs.get(0));
  }

  /** {@code {"initial_state": [states]}}, or nothing for a call on the sequence alone. */
  static Map<String, Object> kwargs(List<KerasTensor> inputs) {
    return inputs.size() == 1 ? Map.of() : Map.of("initial_state", List.copyOf(inputs.subList(1, inputs.size())));
  }

  /**
   * Keras 3's build config of a layer built with initial states ({@code built}: the sequence's
   * shape, then the states'): its {@code build} arguments by name, {@code {"shapes_dict":
   * {"sequences_shape": ..., "initial_state_shape": [...]}}} (from {@code {"input_shape":
   * [sequence, h, c]}} Keras would build the cell for a list).
   */
  static Map<String, Object> buildConfig(List<long[]> built) {
    List<Object> states = new ArrayList<>();
    for (long[] s : built.subList(1, built.size())) states.add(KerasObjects.shape(s));
    Map<String, Object> shapes = new LinkedHashMap<>();
    shapes.put("sequences_shape", KerasObjects.shape(built.get(0)));
    shapes.put("initial_state_shape", states);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("shapes_dict", shapes);
    return c;
  }
}
