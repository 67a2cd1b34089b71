package io.jkeras.config;

/**
 * A Keras file or config that jkeras cannot read: malformed, of an unsupported layer, or
 * with a bad field. The message names the file and the JSON path at fault.
 */
public class KerasFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public KerasFormatException(String message) {
    super(message);
  }

  public KerasFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
