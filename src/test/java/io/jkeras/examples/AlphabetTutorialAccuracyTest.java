package io.jkeras.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The tutorial's programs with their full hyperparameters and seed 7, against the accuracies the
 * tutorial reports, minus a margin. Excluded from the default run; {@code mvn -Pslow test} runs it
 * (about 4 minutes on 2 cores, most of it the variable-length program).
 *
 * <p>Margins. Accuracy on 25 (or 23) patterns moves in steps of 4.00% (4.35%), so each threshold
 * allows one pattern fewer than the tutorial. In our seed-7 runs (examples/RESULTS.md) every
 * program hit the tutorial's figure exactly, three times out of three, but runs with one seed are
 * not bit-repeatable (a race in the framework Adam's beta-power update, described there), and
 * other seeds move OneChar and WindowFeatures by one pattern either way; one pattern is the
 * smallest margin that is not a coin toss. The variable-length program is scored on its 1000
 * training patterns: seed 7 gave 99.00%, 98.40%, 99.00% and 99.00% (tutorial 98.90%), while
 * the accuracy after the last epoch swings by about 3 points from epoch to epoch near the end
 * (batch-1 updates on the hard 1-letter patterns), so its margin is 2 points.
 */
@Tag("slow")
class AlphabetTutorialAccuracyTest {
  private static final double ONE_OF_25 = 1 / 25.0;
  private static final double ONE_OF_23 = 1 / 23.0;

  static Alphabet.Result run(String name, Alphabet.Result r) {
    System.out.println(name + ": " + Alphabet.accuracyLine(r.accuracy));
    return r;
  }

  /**
   * One letter of context leaves the LSTM guessing between neighbouring late letters, and which
   * ones it gets depends on the initial weights: Keras 3.15 itself ends at 84-88% over seeds
   * (examples/python/alphabet_one_char.py, examples/RESULTS.md), and jkeras with seed 7 at 76%.
   * So the claim is over seeds: the median of seeds 1-5 reaches the tutorial's 84% less one pattern.
   */
  @Test
  void oneCharReachesTheTutorials84PercentOverSeeds() {
    double[] acc = new double[5];
    for (int seed = 1; seed <= 5; seed++) {
      acc[seed - 1] = run("AlphabetOneChar seed " + seed,
          AlphabetOneChar.run(AlphabetOneChar.EPOCHS, 0, seed, AlphabetFramingsTest.QUIET)).accuracy;
    }
    double[] sorted = acc.clone();
    java.util.Arrays.sort(sorted);
    assertTrue(sorted[2] >= 0.84 - ONE_OF_25 - 1e-6, "median of seeds 1-5: " + java.util.Arrays.toString(acc));
  }

  @Test
  void windowFeaturesReachesTheTutorials87Percent() {
    Alphabet.Result r = run("AlphabetWindowFeatures",
        AlphabetWindowFeatures.run(AlphabetWindowFeatures.EPOCHS, 0, AlphabetFramingsTest.QUIET));
    assertTrue(r.accuracy >= 20 / 23.0 - ONE_OF_23 - 1e-6, Alphabet.accuracyLine(r.accuracy));
  }

  @Test
  void windowTimestepsReachesTheTutorials100Percent() {
    Alphabet.Result r = run("AlphabetWindowTimesteps",
        AlphabetWindowTimesteps.run(AlphabetWindowTimesteps.EPOCHS, 0, AlphabetFramingsTest.QUIET));
    assertTrue(r.accuracy >= 1 - ONE_OF_23 - 1e-6, Alphabet.accuracyLine(r.accuracy));
  }

  @Test
  void batchReachesTheTutorials100Percent() {
    Alphabet.Result r = run("AlphabetBatch", AlphabetBatch.run(AlphabetBatch.EPOCHS, 0, AlphabetFramingsTest.QUIET));
    assertTrue(r.accuracy >= 1 - ONE_OF_25 - 1e-6, Alphabet.accuracyLine(r.accuracy));
    assertTrue(Alphabet.Result.countCorrect(r.extra) >= 19, "random patterns: " + r.extra);
  }

  @Test
  void statefulReachesTheTutorials100PercentAndRecitesTheAlphabet() {
    Alphabet.Result r = run("AlphabetStateful", AlphabetStateful.run(AlphabetStateful.EPOCHS, 0, AlphabetFramingsTest.QUIET));
    assertTrue(r.accuracy >= 1 - ONE_OF_25 - 1e-6, Alphabet.accuracyLine(r.accuracy));
    // Seeded with "A" and fed its own predictions, it recites the alphabet.
    assertTrue(r.correctPredictions() >= 24, "generation from A: " + r.predictions);
    // Cold start from "K": the state, not the input, tells the position, so it does not answer
    // "L" (the tutorial gets "B", as if starting the alphabet again).
    assertEquals(5, r.extra.size());
    assertTrue(!r.extra.get(0).equals("K -> L"), "cold start from K: " + r.extra);
  }

  @Test
  void variableLengthReachesTheTutorials99Percent() {
    Alphabet.Result r = run("AlphabetVariableLength",
        AlphabetVariableLength.run(AlphabetVariableLength.EPOCHS, 0, AlphabetFramingsTest.QUIET));
    assertTrue(r.accuracy >= 0.989 - 0.02, Alphabet.accuracyLine(r.accuracy));
    List<String> tests = r.predictions;
    assertTrue(Alphabet.Result.countCorrect(tests) >= 18, "20 random patterns: " + tests);
  }
}
