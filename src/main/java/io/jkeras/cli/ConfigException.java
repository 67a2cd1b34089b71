package io.jkeras.cli;

/** A bad job config or command argument: exit code 2, the message names the field and what is allowed. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
