package io.jkeras.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.utils.ResourceBudget;
import io.jkeras.utils.ResourceLimitException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resource budget and the non-finite policy through the Java API. */
class ResourceBudgetModelTest {
  @Test
  void aWeightOverTheBudgetIsRefusedBeforeTensorFlowNamingLayerAndUnits() {
    try (ResourceBudget.Scope s = ResourceBudget.defaults().withMaxParams(1000).use();
        Sequential m = new Sequential(new Dense(100).name("wide").inputShape(20))) {
      ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> m.build(-1, 20));
      assertTrue(e.getMessage().startsWith("layer wide (Dense, units=100): weight wide/kernel: the model would have 2,000 parameters,"
          + " more than the 1,000 allowed"), e.getMessage());
    }
    // within the default budget the same model builds
    try (Sequential m = new Sequential(new Dense(100).inputShape(20))) {
      m.build(-1, 20);
      assertEquals(2100, m.runtime().params());
    }
  }

  @Test
  void anOverflowingUnitCountNeverReachesTensorFlow() {
    try (Sequential m = new Sequential(new LSTM(Integer.MAX_VALUE).name("huge").inputShape(3, 1))) {
      ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> m.build(-1, 3, 1));
      assertTrue(e.getMessage().contains("layer huge (LSTM, units=2147483647"), e.getMessage());
    }
  }

  @Test
  void predictWarnsOncePerCallOnNonFiniteInputsAndWeightsOrFails() {
    try (Sequential m = new Sequential(new Dense(2).inputShape(3))) {
      m.build(-1, 3);
      FloatArray x = new FloatArray(new float[] {Float.NaN, 1, 2, 3, 4, 5}, 2, 3);
      String err = stderrOf(() -> m.predict(x));
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains("the input: 1 of 6 values are NaN or infinite (first at sample 0)"), err);
      assertEquals("", stderrOf(() -> m.predict(new FloatArray(new float[6], 2, 3))));
      m.nonFinitePolicy(NonFinite.Policy.FAIL);
      assertThrows(NonFinite.NonFiniteException.class, () -> m.predict(x));
      // a NaN weight: found after set_weights (checked once per change of the weights)
      List<FloatArray> w = m.getWeights();
      w.get(0).data()[0] = Float.POSITIVE_INFINITY;
      m.setWeights(w);
      NonFinite.NonFiniteException e = assertThrows(NonFinite.NonFiniteException.class, () -> m.predict(new FloatArray(new float[6], 2, 3)));
      assertTrue(e.getMessage().contains("/kernel: 1 of 6 values are NaN or infinite"), e.getMessage());
      m.nonFinitePolicy(NonFinite.Policy.IGNORE);
      assertEquals("", stderrOf(() -> m.predict(x)));
    }
  }

  static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}
