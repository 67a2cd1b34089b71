package io.jkeras.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stateful program's code path with a few rounds, and the reset semantics it relies on:
 * state carries from one predict call to the next, resetStates() returns to the zero state, so a
 * cold start from "K" after a reset predicts exactly what a fresh model with the same weights
 * predicts from "K".
 */
class AlphabetStatefulTest {
  static float[][][] letter(char c) {
    return Alphabet.reshapeNormalized(List.of(new int[] {Alphabet.charToInt(c)}), 1, 1);
  }

  static float[] predict(Sequential m, char c) {
    return m.predict(letter(c), 1).toMatrix()[0];
  }

  @Test
  void programRunsItsTrainResetLoopAndGenerates() {
    Alphabet.Result r = AlphabetStateful.run(5, 0, AlphabetFramingsTest.QUIET);
    assertTrue(r.lastLoss < r.firstLoss, "first " + r.firstLoss + ", last " + r.lastLoss);
    assertEquals(25, r.predictions.size(), "generation from A: one line per following letter");
    assertTrue(r.predictions.get(0).startsWith("A -> "));
    assertEquals(5, r.extra.size(), "cold start from K: five steps");
    assertTrue(r.extra.get(0).startsWith("K -> "));
    // Each generated letter is the input of the next step.
    for (int i = 1; i < r.predictions.size(); i++) {
      assertEquals(r.predictions.get(i - 1).charAt(5), r.predictions.get(i).charAt(0));
    }
  }

  @Test
  void resetStatesReturnsToTheStateOfAFreshModel() {
    Keras.setRandomSeed(Alphabet.SEED);
    Alphabet.Pairs data = Alphabet.windows(1);
    float[][][] x = Alphabet.reshapeNormalized(data.x, 1, 1);
    float[][] y = Alphabet.oneHot(data.labels());
    try (Sequential trained = AlphabetStateful.buildModel(); Sequential fresh = AlphabetStateful.buildModel()) {
      FitOptions one = new FitOptions().epochs(1).batchSize(1).shuffle(false).verbose(0);
      for (int i = 0; i < 3; i++) {
        trained.fit(x, y, one);
        trained.resetStates();
      }
      fresh.build(1, 1, 1);
      fresh.setWeights(trained.getWeights());

      float[] freshK = predict(fresh, 'K');

      trained.resetStates();
      float[] k1 = predict(trained, 'K');
      float[] k2 = predict(trained, 'K');
      assertFalse(Arrays.equals(k1, k2), "without a reset, the state of the first call changes the second");

      // Walk the state somewhere else, then reset: "K" must predict as from zero state.
      for (char c : "ABCDEFGHIJ".toCharArray()) predict(trained, c);
      trained.resetStates();
      float[] k3 = predict(trained, 'K');
      assertArrayEquals(k1, k3, 1e-6f);
      assertArrayEquals(freshK, k1, 1e-6f);
    }
  }

  @Test
  void fitKeepsStateAcrossBatchesUntilReset() {
    // evaluate() on the 25 letters in order, batch 1: with the state carried, the result depends
    // on whether the state was reset before; the same evaluation twice after resets is identical.
    Keras.setRandomSeed(Alphabet.SEED);
    Alphabet.Pairs data = Alphabet.windows(1);
    float[][][] x = Alphabet.reshapeNormalized(data.x, 1, 1);
    float[][] y = Alphabet.oneHot(data.labels());
    try (Sequential m = AlphabetStateful.buildModel()) {
      m.fit(x, y, new FitOptions().epochs(2).batchSize(1).shuffle(false).verbose(0));
      m.resetStates();
      double a = m.evaluate(x, y, 1).get("loss");
      double carried = m.evaluate(x, y, 1).get("loss");
      m.resetStates();
      double b = m.evaluate(x, y, 1).get("loss");
      assertEquals(a, b, 1e-6);
      assertTrue(Math.abs(a - carried) > 1e-7, "a second pass without reset starts from the state after 'Y'");
    }
  }
}
