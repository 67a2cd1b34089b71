package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.DataUtils;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masks, go_backwards, stateful states and variable sequence lengths, as Keras defines them. */
class RecurrentBehaviourTest {

  private static float[][][] randomSeq(int n, int t, int f, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[][][] x = new float[n][t][f];
    for (float[][] s : x) for (float[] v : s) for (int k = 0; k < f; k++) v[k] = (float) r.nextGaussian();
    return x;
  }

  /** A masked trailing step carries the state: output equals the output on the shorter sequence. */
  @Test
  void maskedStepsCarryStateThrough() {
    Keras.setRandomSeed(1);
    float[][][] x = randomSeq(2, 3, 2, 5);
    float[][][] padded = new float[2][4][2];
    for (int i = 0; i < 2; i++) for (int t = 0; t < 3; t++) padded[i][t + 1] = x[i][t]; // pre-padding
    float[][][] postPadded = new float[2][5][2];
    for (int i = 0; i < 2; i++) for (int t = 0; t < 3; t++) postPadded[i][t] = x[i][t];
    try (Sequential plain = new Sequential(new LSTM(4).inputShape(3, 2));
         Sequential masked = new Sequential(new Masking().inputShape(-1, 2), new LSTM(4))) {
      plain.build(-1, 3, 2);
      masked.build(-1, -1, 2);
      masked.setWeights(plain.getWeights());
      float[] expected = plain.predict(x).data();
      assertArrayEquals(expected, masked.predict(padded).data(), 1e-6f);
      assertArrayEquals(expected, masked.predict(postPadded).data(), 1e-6f);
    }
  }

  /** Embedding(mask_zero) pads with id 0: a padded sequence gives the unpadded sequence's output. */
  @Test
  void embeddingMaskZero() {
    Keras.setRandomSeed(2);
    float[][] ids = {{3, 1, 2}, {4, 4, 1}};
    float[][] padded = {{0, 0, 3, 1, 2}, {0, 0, 4, 4, 1}};
    try (Sequential a = new Sequential(new Embedding(5, 3).inputShape(3), new LSTM(4));
         Sequential b = new Sequential(new Embedding(5, 3).maskZero(true).inputShape(-1), new LSTM(4))) {
      a.build(-1, 3);
      b.build(-1, -1);
      b.setWeights(a.getWeights());
      assertArrayEquals(a.predict(ids).data(), b.predict(padded).data(), 1e-6f);
    }
  }

  /** go_backwards reads the sequence reversed. */
  @Test
  void goBackwardsEqualsReversedInput() {
    Keras.setRandomSeed(3);
    float[][][] x = randomSeq(2, 5, 3, 7);
    float[][][] rev = new float[2][5][];
    for (int i = 0; i < 2; i++) for (int t = 0; t < 5; t++) rev[i][t] = x[i][4 - t];
    try (Sequential fwd = new Sequential(new LSTM(4).inputShape(5, 3));
         Sequential bwd = new Sequential(new LSTM(4).goBackwards(true).inputShape(5, 3))) {
      fwd.build(-1, 5, 3);
      bwd.build(-1, 5, 3);
      bwd.setWeights(fwd.getWeights());
      assertArrayEquals(fwd.predict(rev).data(), bwd.predict(x).data(), 1e-6f);
    }
  }

  /** Stateful: state carries across predict calls, resetStates returns to the zero state. */
  @Test
  void statefulKeepsStateUntilReset() {
    Keras.setRandomSeed(4);
    float[][][] x = randomSeq(2, 1, 1, 9);
    try (Sequential m = new Sequential(new LSTM(6).stateful(true).batchInputShape(2, 1, 1), new Dense(1))) {
      float[] first = m.predict(x, 2).data();
      float[] second = m.predict(x, 2).data();
      assertNotEquals(first[0], second[0], "state should carry over to the next batch");
      m.resetStates();
      assertArrayEquals(first, m.predict(x, 2).data(), 0f);
    }
  }

  /** Resetting states and predicting again and again adds nothing to the graph (no native growth). */
  @Test
  void repeatedResetsAndStepsDoNotGrowTheGraph() {
    try (Sequential m = new Sequential(new LSTM(4).stateful(true).batchInputShape(1, 1, 1), new Dense(2))) {
      m.compile("adam", "mse");
      float[][][] x = {{{0.5f}}};
      float[][] y = {{1, 0}};
      m.fit(x, y, new FitOptions().epochs(1).verbose(0));
      m.predict(x);
      m.evaluate(x, y);
      m.resetStates();
      long ops = m.runtime().graph().toGraphDef().getNodeCount();
      for (int i = 0; i < 20; i++) {
        m.fit(x, y, new FitOptions().epochs(1).verbose(0));
        m.predict(x);
        m.evaluate(x, y);
        m.resetStates();
      }
      assertEquals(ops, m.runtime().graph().toGraphDef().getNodeCount());
    }
  }

  /** A stateful LSTM over one-step batches equals a stateless LSTM over the whole sequence. */
  @Test
  void statefulStepsEqualWholeSequence() {
    Keras.setRandomSeed(5);
    float[][][] x = randomSeq(1, 6, 2, 11);
    try (Sequential whole = new Sequential(new LSTM(3).inputShape(6, 2));
         Sequential stepwise = new Sequential(new LSTM(3).stateful(true).batchInputShape(1, 1, 2))) {
      whole.build(-1, 6, 2);
      stepwise.build(1, 1, 2);
      stepwise.setWeights(whole.getWeights());
      float[] last = null;
      for (int t = 0; t < 6; t++) last = stepwise.predict(new float[][][] {{x[0][t]}}, 1).data();
      assertArrayEquals(whole.predict(x).data(), last, 1e-6f);
    }
  }

  /** Batches of different lengths train one set of weights and one set of Adam slots. */
  @Test
  void variableLengthTrainingSharesWeightsAndSlots() {
    Keras.setRandomSeed(6);
    try (Sequential m = new Sequential(new LSTM(8).inputShape(-1, 1), new Dense(3).activation("softmax"))) {
      m.compile("adam", "categorical_crossentropy", "accuracy");
      float[][] y = DataUtils.toCategorical(new int[] {0, 1, 2, 1}, 3);
      for (int len : new int[] {2, 5, 3, 5}) {
        m.fit(randomSeq(4, len, 1, len), y, new FitOptions().epochs(2).batchSize(2).verbose(0));
      }
      int slots = 0;
      Iterator<org.tensorflow.GraphOperation> it = m.runtime().graph().operations();
      while (it.hasNext()) {
        String name = it.next().name();
        if (name.startsWith("lstm") && name.endsWith(".kernel-m")) slots++;
      }
      assertEquals(1, slots, "one Adam first-moment slot for the LSTM kernel, whatever the sequence length");
      assertEquals(3, m.predict(randomSeq(2, 7, 1, 1)).shape()[1]);
    }
  }

  /** The same seed gives the same initial weights, dropout and shuffling: identical training. */
  @Test
  void seedMakesTrainingRepeatable() {
    float[][][] x = randomSeq(16, 4, 2, 13);
    float[][] y = DataUtils.toCategorical(new int[] {0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1}, 2);
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      Keras.setRandomSeed(42);
      Keras.clearSession();
      try (Sequential m = new Sequential(new LSTM(5).dropout(0.3).recurrentDropout(0.2).inputShape(4, 2), new Dropout(0.5),
          new Dense(2).activation("softmax"))) {
        m.compile("adam", "categorical_crossentropy");
        m.fit(x, y, new FitOptions().epochs(3).batchSize(4).verbose(0));
        results[run] = m.predict(x).data();
      }
    }
    assertArrayEquals(results[0], results[1], 0f);
  }

  /** Dropout is the identity at inference and scales kept units by 1/(1-rate) in training. */
  @Test
  void dropoutOnlyInTraining() {
    Keras.setRandomSeed(8);
    try (Sequential m = new Sequential(new Dropout(0.5).inputShape(1000), new Dense(1).useBias(false).kernelInitializer("ones"))) {
      m.compile(new io.jkeras.optimizers.SGD(0f), "mse");
      float[][] x = new float[1][1000];
      java.util.Arrays.fill(x[0], 1f);
      assertEquals(1000f, m.predict(x).data()[0], 1e-3);
      // Training loss at y=0 is (sum of kept * 2)^2: close to 1000^2 on average, never equal to inference's value exactly.
      double loss = m.trainOnBatch(x, new float[][] {{0}}).get("loss");
      double s = Math.sqrt(loss);
      assertTrue(s > 850 && s < 1150 && Math.abs(s - 1000) > 1e-3, "training output " + s);
      assertEquals(0, Math.rint(s) % 2, "kept units are scaled by 2");
    }
  }

  @Test
  void summaryHasKerasParamCounts() {
    try (Sequential m = new Sequential()) {
      m.add(new Embedding(10000, 200).inputShape(30));
      m.add(new LSTM(200).returnSequences(true));
      m.add(new LSTM(200).returnSequences(true));
      m.add(new Dropout(0.5));
      m.add(new TimeDistributed(new Dense(10000).activation("softmax")));
      String s = m.summaryString();
      assertTrue(s.contains("2,000,000"), s);     // embedding
      assertTrue(s.contains("320,800"), s);       // 4*(200*(200+200)+200)
      assertTrue(s.contains("2,010,000"), s);     // time-distributed dense
      assertTrue(s.contains("(None, 30, 10000)"), s);
      assertEquals(2_000_000 + 2 * 320_800 + 2_010_000, m.countParams());
      List<String> lines = List.of(s.split("\n"));
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("Total params: 4,651,600")), s);
    }
  }

  @Test
  void denseOnSequencesAppliesToLastAxis() {
    Keras.setRandomSeed(9);
    float[][][] x = randomSeq(2, 3, 4, 1);
    try (Sequential d3 = new Sequential(new Dense(5).inputShape(3, 4)); Sequential d2 = new Sequential(new Dense(5).inputShape(4))) {
      d3.build(-1, 3, 4);
      d2.build(-1, 4);
      d2.setWeights(d3.getWeights());
      FloatArray y3 = d3.predict(x);
      assertArrayEquals(new long[] {2, 3, 5}, y3.shape());
      float[][] rows = new float[6][];
      for (int i = 0; i < 2; i++) for (int t = 0; t < 3; t++) rows[i * 3 + t] = x[i][t];
      assertArrayEquals(d2.predict(rows).data(), y3.data(), 1e-6f);
    }
  }
}
