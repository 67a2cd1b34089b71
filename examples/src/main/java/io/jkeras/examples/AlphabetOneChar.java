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
 * Naive LSTM learning a one-char to one-char mapping: each letter (1 timestep, 1 feature,
 * normalized by the alphabet length) predicts the next. LSTM(32), softmax Dense, adam, 500 epochs
 * of batch size 1. The tutorial reports 84.00%: one letter of context is too little for the LSTM
 * to tell the later letters apart when they are squeezed into [0, 1).
 *
 * <p>Usage: {@code AlphabetOneChar [epochs=500] [verbose=2] [seed=7]}
 */
public final class AlphabetOneChar {
  public static final int EPOCHS = 500;

  private AlphabetOneChar() {}

  public static void main(String[] args) {
    int epochs = Alphabet.epochs(args, EPOCHS);
    long seed = Alphabet.seed(args);
    System.out.println("AlphabetOneChar: epochs " + epochs + ", seed " + seed);
    Alphabet.Result r = run(epochs, Alphabet.verbose(args), seed, System.out);
    System.out.println(Alphabet.accuracyLine(r.accuracy));
  }

  /** The tutorial's program with its hyperparameters, seeded with {@link Alphabet#SEED}. */
  public static Alphabet.Result run(int epochs, int verbose, PrintStream out) {
    return run(epochs, verbose, Alphabet.SEED, out);
  }

  public static Alphabet.Result run(int epochs, int verbose, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    Alphabet.Pairs data = Alphabet.windows(1);
    for (int i = 0; i < data.size(); i++) {
      out.println(Alphabet.decode(data.x.get(i)) + " -> " + Alphabet.intToChar(data.y.get(i)));
    }
    // X: (samples, time steps, features) = (25, 1, 1), normalized; y one-hot (25, 26).
    float[][][] x = Alphabet.reshapeNormalized(data.x, 1, 1);
    float[][] y = Alphabet.oneHot(data.labels());

    try (Sequential model = new Sequential()) {
      model.add(new LSTM(32).inputShape(x[0].length, x[0][0].length));
      model.add(new Dense(y[0].length).activation("softmax"));
      model.compile("adam", "categorical_crossentropy", "accuracy");
      History h = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(1).verbose(verbose));

      double accuracy = Alphabet.accuracyOf(model.evaluate(x, y));
      out.println(Alphabet.modelAccuracyLine(accuracy));
      List<String> predictions = Alphabet.predictEach(model, data.x, 1, 1, out);
      List<Double> loss = h.get("loss");
      return new Alphabet.Result(accuracy, loss.isEmpty() ? Double.NaN : loss.get(0),
          loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1), predictions, List.of());
    }
  }
}
