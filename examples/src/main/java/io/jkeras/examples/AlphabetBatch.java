package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * LSTM state within a batch: the one-char to one-char framing, but the whole dataset (25
 * patterns, in alphabet order, shuffle off) is one batch, so each epoch is a single update on
 * all pairs at once. LSTM(16), softmax Dense, adam, 5000 epochs. The tutorial reports 100%. (The
 * LSTM's state is still reset between samples; what changes is that every update sees every
 * pair, with many more epochs.)
 *
 * <p>Usage: {@code AlphabetBatch [epochs=5000] [verbose=2] [seed=7]}
 */
public final class AlphabetBatch {
  public static final int EPOCHS = 5000;

  private AlphabetBatch() {}

  public static void main(String[] args) {
    int epochs = Alphabet.epochs(args, EPOCHS);
    long seed = Alphabet.seed(args);
    System.out.println("AlphabetBatch: epochs " + epochs + ", seed " + seed);
    Alphabet.Result r = run(epochs, Alphabet.verbose(args), seed, System.out);
    System.out.println(Alphabet.accuracyLine(r.accuracy));
  }

  /** The tutorial's program with its hyperparameters, seeded with {@link Alphabet#SEED}. */
  public static Alphabet.Result run(int epochs, int verbose, PrintStream out) {
    return run(epochs, verbose, Alphabet.SEED, out);
  }

  public static Alphabet.Result run(int epochs, int verbose, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    Random random = new Random(seed);
    Alphabet.Pairs data = Alphabet.windows(1);
    float[][][] x = Alphabet.reshapeNormalized(data.x, 1, 1);
    float[][] y = Alphabet.oneHot(data.labels());

    try (Sequential model = new Sequential()) {
      model.add(new LSTM(16).inputShape(x[0].length, x[0][0].length));
      model.add(new Dense(y[0].length).activation("softmax"));
      model.compile("adam", "categorical_crossentropy", "accuracy");
      // batch_size = len(dataX), shuffle=False: one update per epoch on all 25 pairs in order.
      History h = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(data.size()).shuffle(false).verbose(verbose));

      double accuracy = Alphabet.accuracyOf(model.evaluate(x, y));
      out.println(Alphabet.modelAccuracyLine(accuracy));
      List<String> predictions = Alphabet.predictEach(model, data.x, 1, 1, out);

      // The tutorial's "Test a Random Pattern": 20 patterns drawn with replacement.
      out.println("Test a Random Pattern:");
      List<int[]> sample = new ArrayList<>();
      for (int i = 0; i < 20; i++) sample.add(data.x.get(random.nextInt(data.size())));
      List<String> random20 = Alphabet.predictEach(model, sample, 1, 1, out);

      List<Double> loss = h.get("loss");
      return new Alphabet.Result(accuracy, loss.isEmpty() ? Double.NaN : loss.get(0),
          loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1), predictions, random20);
    }
  }
}
