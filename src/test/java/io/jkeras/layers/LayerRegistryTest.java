package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.config.KerasArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every layer class a config may name has Keras's argument list (keras-arguments.properties,
 * written from Keras's signatures by src/test/python/cli_keras_arguments.py), so that a typo in
 * any layer's config gets "did you mean" and a real Keras argument gets "not supported".
 */
class LayerRegistryTest {
  /** Keras 1 class names, read for old files; Keras 3 has no such class to take arguments from. */
  private static final Set<String> KERAS1_ONLY = Set.of("TimeDistributedDense", "Convolution1D");

  @Test
  void everyRegisteredLayerHasKerasArguments() {
    List<String> missing = new ArrayList<>();
    for (String c : LayerRegistry.classNames()) {
      if (!KERAS1_ONLY.contains(c) && KerasArguments.of(c) == null) missing.add(c);
    }
    assertTrue(missing.isEmpty(), "no Keras arguments listed for " + missing
        + ": add them to src/test/python/cli_keras_arguments.py and regenerate keras-arguments.properties");
  }
}
