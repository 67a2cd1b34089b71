package io.jkeras.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The variable-length program's dataset, its padding, and a short run of its code path. */
class AlphabetVariableLengthTest {
  @Test
  void randomSubsequencesAreRunsOfOneToFiveLettersAndTheirSuccessor() {
    Alphabet.Pairs p = AlphabetVariableLength.randomSubsequences(1000, 5, new Random(7));
    assertEquals(1000, p.size());
    int[] lengths = new int[6];
    boolean sawZ = false;
    for (int i = 0; i < p.size(); i++) {
      int[] in = p.x.get(i);
      assertTrue(in.length >= 1 && in.length <= 5, "length " + in.length);
      lengths[in.length]++;
      for (int j = 1; j < in.length; j++) assertEquals(in[j - 1] + 1, in[j]);
      assertEquals(in[in.length - 1] + 1, (int) p.y.get(i));
      assertTrue(in[0] <= 23, "start is drawn from [0, 24)");
      sawZ |= p.y.get(i) == 25;
    }
    for (int len = 1; len <= 5; len++) assertTrue(lengths[len] > 0, "some patterns of length " + len);
    assertTrue(sawZ, "'Z' occurs as a target, so there are 26 classes");
  }

  @Test
  void padsBeforeWithZeroAndNormalizes() {
    // pad_sequences defaults: padding='pre', value=0. Note that 0 is also 'A'.
    float[][][] x = AlphabetVariableLength.padAndNormalize(List.of(new int[] {23, 24}, new int[] {0, 1, 2, 3, 4}), 5);
    assertEquals(2, x.length);
    assertEquals(5, x[0].length);
    assertEquals(1, x[0][0].length);
    float[] first = new float[5];
    for (int t = 0; t < 5; t++) first[t] = x[0][t][0];
    assertArrayEquals(new float[] {0, 0, 0, 23 / 26f, 24 / 26f}, first);
    assertEquals(4 / 26f, x[1][4][0]);
  }

  @Test
  void programTrains() {
    // Two epochs of 1000 single-sample updates.
    Alphabet.Result r = AlphabetVariableLength.run(2, 0, AlphabetFramingsTest.QUIET);
    assertTrue(r.lastLoss < r.firstLoss, "first " + r.firstLoss + ", last " + r.lastLoss);
    assertEquals(20, r.predictions.size(), "20 random test patterns");
    for (String line : r.predictions) assertTrue(line.matches("[A-Z]{1,5} -> [A-Z]"), line);
  }
}
