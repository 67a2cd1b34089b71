package io.jkeras.utils;

/** Name conversions Keras uses between class names and layer names. */
public final class Names {
  private Names() {}

  /** Keras's {@code to_snake_case}: "SimpleRNN" -> "simple_rnn", "TimeDistributed" -> "time_distributed". */
  public static String toSnakeCase(String name) {
    String s = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    s = s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    return s;
  }
}
