package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.models.FitOptions;
import java.io.PrintStream;

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
    // X: (samples, time steps, features) = (n, 1, 3), normalized; y one-hot (n, 26). LSTM(32), batch 1.
    return Alphabet.trainWindowed(Alphabet.windows(3), 1, 3, 32,
        new FitOptions().epochs(epochs).batchSize(1).verbose(verbose), true, out);
  }
}
