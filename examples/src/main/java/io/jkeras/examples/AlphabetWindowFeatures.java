package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.io.PrintStream;
import java.util.List;

/**
 * Naive LSTM with a three-char feature window: each window of three letters is presented as one
 * timestep of three features, (samples, 1, 3), and predicts the letter that follows. LSTM(32),
 * softmax Dense, adam, 500 epochs of batch size 1. The tutorial reports 86.96%: the window is
 * treated as a bag of features, not as a sequence, so it helps only a little.
 *
 * <p>Usage: {@code AlphabetWindowFeatures [epochs=500] [verbose=2] [seed=7]}
 */
public final class AlphabetWindowFeatures {
  public static final int EPOCHS = 500;

  private AlphabetWindowFeatures() {}

  public static void main(String[] args) {
    int epochs = Alphabet.epochs(args, EPOCHS);
    long seed = Alphabet.seed(args);
    System.out.println("AlphabetWindowFeatures: epochs " + epochs + ", seed " + seed);
    Alphabet.Result r = run(epochs, Alphabet.verbose(args), seed, System.out);
    System.out.println(Alphabet.accuracyLine(r.accuracy));
  }

  /** The tutorial's program with its hyperparameters, seeded with {@link Alphabet#SEED}. */
  public static Alphabet.Result run(int epochs, int verbose, PrintStream out) {
    return run(epochs, verbose, Alphabet.SEED, out);
  }

  public static Alphabet.Result run(int epochs, int verbose, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    Alphabet.Pairs data = Alphabet.windows(3);
    for (int i = 0; i < data.size(); i++) {
      out.println(Alphabet.decode(data.x.get(i)) + " -> " + Alphabet.intToChar(data.y.get(i)));
    }
    // X: (samples, time steps, features) = (23, 1, 3), normalized; y one-hot (23, 26).
    float[][][] x = Alphabet.reshapeNormalized(data.x, 1, 3);
    float[][] y = Alphabet.oneHot(data.labels());

    try (Sequential model = new Sequential()) {
      model.add(new LSTM(32).inputShape(x[0].length, x[0][0].length));
      model.add(new Dense(y[0].length).activation("softmax"));
      model.compile("adam", "categorical_crossentropy", "accuracy");
      History h = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(1).verbose(verbose));

      double accuracy = Alphabet.accuracyOf(model.evaluate(x, y));
      out.println(Alphabet.modelAccuracyLine(accuracy));
      List<String> predictions = Alphabet.predictEach(model, data.x, 1, 3, out);
      List<Double> loss = h.get("loss");
      return new Alphabet.Result(accuracy, loss.isEmpty() ? Double.NaN : loss.get(0),
          loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1), predictions, List.of());
    }
  }
}
