package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Python's repr(float), which Keras's CSV files and messages use; expected strings from CPython 3. */
class PyCompatTest {
  @Test
  void reprMatchesPython() {
    assertEquals("0.10000000149011612", PyCompat.repr((double) 0.1f));
    assertEquals("0.0010000000474974513", PyCompat.repr((double) 0.001f));
    assertEquals("0.009999999776482582", PyCompat.repr((double) 0.01f));
    assertEquals("0.004999999888241291", PyCompat.repr((double) 0.01f * 0.5));
    assertEquals("0.6931471824645996", PyCompat.repr((double) (float) Math.log(2)));
    assertEquals("9.999999747378752e-05", PyCompat.repr((double) 1e-4f));
    assertEquals("9.999999999999999e-05", PyCompat.repr(9.999999999999999e-05));
    assertEquals("0.010000000000000002", PyCompat.repr(0.1 * 0.1));
    assertEquals("0.30000000000000004", PyCompat.repr(0.1 + 0.2));
    assertEquals("1e-05", PyCompat.repr(1e-5));
    assertEquals("-3.25e-05", PyCompat.repr(-3.25e-5));
    assertEquals("1.5e-07", PyCompat.repr(1.5e-7));
    assertEquals("0.0001", PyCompat.repr(1e-4));
    assertEquals("2.5", PyCompat.repr(2.5));
    assertEquals("123.0", PyCompat.repr(123.0));
    assertEquals("1000000000000000.0", PyCompat.repr(1e15));
    assertEquals("1e+16", PyCompat.repr(1e16));
    assertEquals("1.2345678901234568e+17", PyCompat.repr(123456789012345678.0));
    assertEquals("1.7976931348623157e+308", PyCompat.repr(Double.MAX_VALUE));
    assertEquals("5e-324", PyCompat.repr(Double.MIN_VALUE));
    assertEquals("0.0", PyCompat.repr(0.0));
    assertEquals("-0.0", PyCompat.repr(-0.0));
    assertEquals("nan", PyCompat.repr(Double.NaN));
    assertEquals("inf", PyCompat.repr(Double.POSITIVE_INFINITY));
    assertEquals("-inf", PyCompat.repr(Double.NEGATIVE_INFINITY));
  }

  @Test
  void loggedValueIsTheFloat32ResultAsAPythonFloat() {
    assertEquals("0.10000000149011612", PyCompat.loggedValue(0.1));
    assertEquals("0.25", PyCompat.loggedValue(0.25));
  }
}
