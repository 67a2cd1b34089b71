package io.jkeras.utils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Overflow-safe shape arithmetic and the budget's limits, parsing and scopes. */
class ResourceBudgetTest {
  @Test
  void productsThatOverflowAreRefusedNamingWhatAsked() {
    assertEquals(40, ShapeMath.elements(new long[] {-1, 5, 8}, "x"));
    ResourceLimitException e = assertThrows(ResourceLimitException.class,
        () -> ShapeMath.elements(new long[] {-1, 5, 1L << 62}, "input of layer rnn"));
    assertTrue(e.getMessage().startsWith("input of layer rnn: shape (None, 5, 4611686018427387904)"), e.getMessage());
    e = assertThrows(ResourceLimitException.class, () -> ShapeMath.elements(new long[] {3, -40}, "x.npy"));
    assertTrue(e.getMessage().contains("negative dimension -40"), e.getMessage());
    assertThrows(ResourceLimitException.class, () -> ShapeMath.multiply(2147483647L, 8589934588L * 2, "units"));
    assertThrows(ResourceLimitException.class, () -> ShapeMath.toIntSize(1L << 31, "output"));
    assertThrows(ArithmeticException.class, () -> Shapes.product(new long[] {1L << 32, 1L << 32}));
  }

  @Test
  void tensorsModelsAndLayersAreCheckedAgainstTheLimits() {
    ResourceBudget b = ResourceBudget.defaults().withMaxTensorBytes(1000).withMaxParams(100).withMaxModelBytes(800).withMaxLayers(3);
    assertEquals(250, b.checkTensor("w", new long[] {10, 25}, 4));
    ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> b.checkTensor("weight d/kernel", new long[] {10, 26}, 4));
    assertTrue(e.getMessage().contains("weight d/kernel: shape (10, 26) is 1.0 KiB, more than the 1000 B")
        && e.getMessage().contains("--max-tensor-bytes"), e.getMessage());
    b.checkModel("m", 100, 400);
    assertTrue(assertThrows(ResourceLimitException.class, () -> b.checkModel("m", 101, 404)).getMessage().contains("101 parameters"));
    assertTrue(assertThrows(ResourceLimitException.class, () -> b.checkModel("m", 10, 801)).getMessage().contains("--max-model-bytes"));
    b.checkLayers("model m", 3);
    assertTrue(assertThrows(ResourceLimitException.class, () -> b.checkLayers("model m", 4)).getMessage().contains("3 allowed"));
  }

  @Test
  void sizesParseAsUsersWriteThem() {
    assertEquals(1000, ResourceBudget.parseSize("1000"));
    assertEquals(2_000_000_000L, ResourceBudget.parseSize("2e9"));
    assertEquals(512L << 20, ResourceBudget.parseSize("512m"));
    assertEquals(4L << 30, ResourceBudget.parseSize("4G"));
    for (String bad : new String[] {"0", "-5", "abc", "1.5", "1e30", ""}) {
      assertThrows(IllegalArgumentException.class, () -> ResourceBudget.parseSize(bad), bad);
    }
  }

  @Test
  void aThreadScopeOverridesTheGlobalBudgetUntilClosed() {
    ResourceBudget global = ResourceBudget.current();
    ResourceBudget small = ResourceBudget.defaults().withMaxLayers(2);
    try (ResourceBudget.Scope s = small.use()) {
      assertSame(small, ResourceBudget.current());
    }
    assertSame(global, ResourceBudget.current());
    assertEquals(ResourceBudget.DEFAULT_MAX_TENSOR_BYTES, ResourceBudget.defaults().maxTensorBytes());
  }
}
