package io.jkeras.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fast checks of the stateless alphabet programs: the data each one builds (the tutorial's
 * framings and shapes) and a short run of the program's own code path, which must reduce the
 * training loss and print one "X -> Y" line per pattern. Accuracy after a few epochs is not
 * asserted: the tutorial's numbers need its full epoch counts (see AlphabetTutorialAccuracyTest).
 */
class AlphabetFramingsTest {
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  static final float N = 26f;

  @Test
  void windowsPairEachWindowWithTheNextLetter() {
    Alphabet.Pairs one = Alphabet.windows(1);
    assertEquals(25, one.size());
    assertArrayEquals(new int[] {0}, one.x.get(0));
    assertEquals(1, one.y.get(0));
    assertArrayEquals(new int[] {24}, one.x.get(24));
    assertEquals(25, one.y.get(24));

    Alphabet.Pairs three = Alphabet.windows(3);
    assertEquals(23, three.size());
    assertEquals("ABC", Alphabet.decode(three.x.get(0)));
    assertEquals('D', Alphabet.intToChar(three.y.get(0)));
    assertEquals("WXY", Alphabet.decode(three.x.get(22)));
    assertEquals('Z', Alphabet.intToChar(three.y.get(22)));
    // to_categorical infers 26 classes ('Z' is a target), one 1 per row.
    float[][] y = Alphabet.oneHot(three.labels());
    assertEquals(23, y.length);
    assertEquals(26, y[0].length);
    assertEquals(1f, y[0][3]);
  }

  @Test
  void oneCharFramingIsOneTimestepOfOneFeature() {
    float[][][] x = Alphabet.reshapeNormalized(Alphabet.windows(1).x, 1, 1);
    assertEquals(25, x.length);
    assertEquals(1, x[0].length);
    assertEquals(1, x[0][0].length);
    assertEquals(0f, x[0][0][0]);
    assertEquals(24 / N, x[24][0][0]);
  }

  @Test
  void windowFeaturesFramingIsOneTimestepOfThreeFeatures() {
    float[][][] x = Alphabet.reshapeNormalized(Alphabet.windows(3).x, 1, 3);
    assertEquals(23, x.length);
    assertEquals(1, x[0].length);
    assertArrayEquals(new float[] {0, 1 / N, 2 / N}, x[0][0]);
  }

  @Test
  void windowTimestepsFramingIsThreeTimestepsOfOneFeature() {
    float[][][] x = Alphabet.reshapeNormalized(Alphabet.windows(3).x, 3, 1);
    assertEquals(23, x.length);
    assertEquals(3, x[0].length);
    assertArrayEquals(new float[] {1 / N}, x[1][0]);
    assertArrayEquals(new float[] {2 / N}, x[1][1]);
    assertArrayEquals(new float[] {3 / N}, x[1][2]);
  }

  static void assertTrainsAndPredicts(Alphabet.Result r, int patterns) {
    assertTrue(r.lastLoss < r.firstLoss, "training should reduce the loss: first " + r.firstLoss + ", last " + r.lastLoss);
    assertTrue(r.accuracy >= 0 && r.accuracy <= 1, "accuracy " + r.accuracy);
    assertEquals(patterns, r.predictions.size());
    for (String line : r.predictions) assertTrue(line.matches("[A-Z]+ -> [A-Z]"), line);
  }

  @Test
  void oneCharProgramTrains() {
    assertTrainsAndPredicts(AlphabetOneChar.run(30, 0, QUIET), 25);
  }

  @Test
  void windowFeaturesProgramTrains() {
    Alphabet.Result r = AlphabetWindowFeatures.run(30, 0, QUIET);
    assertTrainsAndPredicts(r, 23);
    assertEquals("ABC", r.predictions.get(0).substring(0, 3));
  }

  @Test
  void windowTimestepsProgramTrains() {
    Alphabet.Result r = AlphabetWindowTimesteps.run(30, 0, QUIET);
    assertTrainsAndPredicts(r, 23);
  }

  @Test
  void batchProgramTrainsOneUpdatePerEpoch() {
    // 300 epochs are 300 updates on the whole 25-pattern batch: well under a second.
    Alphabet.Result r = AlphabetBatch.run(300, 0, QUIET);
    assertTrainsAndPredicts(r, 25);
    assertEquals(20, r.extra.size(), "the 20 random test patterns");
  }

  /** With the same seed, weights, shuffles and Adam's updates (beta powers ordered after the updates) all repeat. */
  @Test
  void aSeededProgramRepeatsItself() {
    Alphabet.Result a = AlphabetOneChar.run(10, 0, QUIET);
    Alphabet.Result b = AlphabetOneChar.run(10, 0, QUIET);
    assertEquals(a.firstLoss, b.firstLoss, 1e-6);
    assertEquals(a.lastLoss, b.lastLoss, 1e-5);
    assertEquals(a.predictions, b.predictions);
  }

  @Test
  void correctPredictionsCountsTrueSuccessors() {
    Alphabet.Result r = new Alphabet.Result(0, 0, 0, List.of("A -> B", "B -> B", "XY -> Z", "Y -> A"), List.of());
    assertEquals(2, r.correctPredictions());
  }
}
