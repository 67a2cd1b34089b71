package io.jkeras.utils;

/**
 * A model, weight or array asks for more than the {@link ResourceBudget} allows, or for a size
 * that does not fit a 64-bit count at all. Thrown before anything is allocated or handed to
 * TensorFlow (which aborts the process on an overflowing shape); the message names what asked
 * (file, layer, field, weight) and, for a budget, the setting that raises it.
 */
public class ResourceLimitException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ResourceLimitException(String message) {
    super(message);
  }
}
