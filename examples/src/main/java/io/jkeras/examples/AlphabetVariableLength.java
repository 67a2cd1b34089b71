package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.data.DataUtils;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * LSTM with variable-length input to one-char output: 1000 random subsequences of the alphabet,
 * 1 to 5 letters long, each predicting the letter after it. They are padded to 5 timesteps with
 * {@code pad_sequences} defaults (padding "pre", value 0; note that 0 is also the code of "A",
 * as in the tutorial), normalized, and learned by LSTM(32) with a softmax Dense, adam, 500 epochs
 * of batch size 1. The tutorial reports 98.90%, then tests 20 random patterns.
 *
 * <p>Usage: {@code AlphabetVariableLength [epochs=500] [verbose=2] [seed=7]}
 */
public final class AlphabetVariableLength {
  public static final int EPOCHS = 500;
  public static final int NUM_INPUTS = 1000;
  public static final int MAX_LEN = 5;

  private AlphabetVariableLength() {}

  public static void main(String[] args) {
    int epochs = Alphabet.epochs(args, EPOCHS);
    long seed = Alphabet.seed(args);
    System.out.println("AlphabetVariableLength: epochs " + epochs + ", seed " + seed);
    Alphabet.Result r = run(epochs, Alphabet.verbose(args), seed, System.out);
    System.out.println(Alphabet.accuracyLine(r.accuracy));
  }

  /**
   * The tutorial's random subsequences: start uniform in [0, 24), end uniform in
   * [start, min(start + maxLen, 25)), input alphabet[start..end], output alphabet[end + 1].
   */
  public static Alphabet.Pairs randomSubsequences(int count, int maxLen, Random random) {
    int n = Alphabet.ALPHABET.length();
    Alphabet.Pairs p = new Alphabet.Pairs();
    for (int i = 0; i < count; i++) {
      int start = random.nextInt(n - 2);
      int end = start + random.nextInt(Math.min(start + maxLen, n - 1) - start);
      int[] in = new int[end - start + 1];
      for (int j = 0; j < in.length; j++) in[j] = start + j;
      p.x.add(in);
      p.y.add(end + 1);
    }
    return p;
  }

  /** {@code pad_sequences(patterns, maxlen)} (pre padding with 0), reshaped to (n, maxLen, 1) and normalized. */
  public static float[][][] padAndNormalize(List<int[]> patterns, int maxLen) {
    int[][] padded = DataUtils.padSequences(patterns, maxLen, DataUtils.Side.PRE, DataUtils.Side.PRE, 0);
    return Alphabet.reshapeNormalized(List.of(padded), maxLen, 1);
  }

  /** The tutorial's program with its hyperparameters, seeded with {@link Alphabet#SEED}. */
  public static Alphabet.Result run(int epochs, int verbose, PrintStream out) {
    return run(epochs, verbose, Alphabet.SEED, out);
  }

  public static Alphabet.Result run(int epochs, int verbose, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    Random random = new Random(seed);
    Alphabet.Pairs data = randomSubsequences(NUM_INPUTS, MAX_LEN, random);
    for (int i = 0; i < Math.min(10, data.size()); i++) {
      out.println(Alphabet.decode(data.x.get(i)) + " -> " + Alphabet.intToChar(data.y.get(i)));
    }
    out.println("... (" + data.size() + " patterns)");
    float[][][] x = padAndNormalize(data.x, MAX_LEN);
    // 26 classes: Keras infers them from the labels ('Z' always occurs among 1000 draws); fixed here.
    float[][] y = DataUtils.toCategorical(data.labels(), Alphabet.ALPHABET.length());

    try (Sequential model = new Sequential()) {
      model.add(new LSTM(32).inputShape(MAX_LEN, 1));
      model.add(new Dense(y[0].length).activation("softmax"));
      model.compile("adam", "categorical_crossentropy", "accuracy");
      History h = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(1).verbose(verbose));

      double accuracy = Alphabet.accuracyOf(model.evaluate(x, y));
      out.println(Alphabet.modelAccuracyLine(accuracy));

      // 20 random patterns of the training set, each padded on its own as the tutorial does.
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int[] pattern = data.x.get(random.nextInt(data.size()));
        int index = Alphabet.argmax(model.predict(padAndNormalize(List.of(pattern), MAX_LEN)).toMatrix()[0]);
        String line = Alphabet.decode(pattern) + " -> " + Alphabet.intToChar(index);
        lines.add(line);
        out.println(line);
      }
      List<Double> loss = h.get("loss");
      return new Alphabet.Result(accuracy, loss.isEmpty() ? Double.NaN : loss.get(0),
          loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1), lines, List.of());
    }
  }
}
