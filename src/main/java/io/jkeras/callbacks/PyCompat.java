package io.jkeras.callbacks;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What callbacks need to write exactly as Keras does: Python's {@code repr(float)} (shortest
 * round-trip digits, "1e-05", "0.1", "inf", "nan"), {@code print_msg} (stdout) and
 * {@code warnings.warn} (stderr, once per message and callback, as Python's default filter).
 */
final class PyCompat {
  private PyCompat() {}

  /** Python's {@code repr(x)} for a float. */
  static String repr(double x) {
    if (Double.isNaN(x)) return "nan";
    if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
    if (x == 0) return (1 / x < 0) ? "-0.0" : "0.0";
    BigDecimal exact = new BigDecimal(x);
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == x) {
        shortest = r;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale();
    String sign = x < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      String plain = shortest.abs().toPlainString();
      if (!plain.contains(".")) plain += ".0";
      return sign + plain;
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp = String.format("%02d", Math.abs(exponent));
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }

  /** A value Keras logs: a float32 result turned into a Python float, printed with repr. */
  static String loggedValue(double v) {
    return repr((double) (float) v);
  }

  /** Keras's {@code io_utils.print_msg}. */
  static void print(String msg) {
    System.out.println(msg);
    System.out.flush();
  }

  /** Python's {@code warnings.warn(msg)} with the default filter: each message once per {@code seen}. */
  static void warn(Set<String> seen, String msg) {
    if (seen.add(msg)) {
      System.err.println("UserWarning: " + msg);
      System.err.flush();
    }
  }

  /** {@code ','.join(keys)} as Keras's warnings list the available metrics. */
  static String keys(Map<String, Double> logs) {
    return String.join(",", List.copyOf(logs.keySet()));
  }
}
