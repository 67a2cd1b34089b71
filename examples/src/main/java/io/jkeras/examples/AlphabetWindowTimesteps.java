package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.models.FitOptions;
import java.io.PrintStream;

/**
 * Naive LSTM with a three-char time-step window: each window of three letters is presented as a
 * sequence of three timesteps of one feature, (samples, 3, 1), and predicts the letter that
 * follows. LSTM(32), softmax Dense, adam, 500 epochs of batch size 1. The tutorial reports 100%
 * (the LSTM uses the order of the letters; it still learns each window, not the alphabet).
 *
 * <p>Usage: {@code AlphabetWindowTimesteps [epochs=500] [verbose=2] [seed=7]}
 */
public final class AlphabetWindowTimesteps {
  public static final int EPOCHS = 500;

  private AlphabetWindowTimesteps() {}

  public static void main(String[] args) {
    int epochs = Alphabet.epochs(args, EPOCHS);
    long seed = Alphabet.seed(args);
    System.out.println("AlphabetWindowTimesteps: epochs " + epochs + ", seed " + seed);
    Alphabet.Result r = run(epochs, Alphabet.verbose(args), seed, System.out);
    System.out.println(Alphabet.accuracyLine(r.accuracy));
  }

  /** The tutorial's program with its hyperparameters, seeded with {@link Alphabet#SEED}. */
  public static Alphabet.Result run(int epochs, int verbose, PrintStream out) {
    return run(epochs, verbose, Alphabet.SEED, out);
  }

  public static Alphabet.Result run(int epochs, int verbose, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    // X: (samples, time steps, features) = (n, 3, 1), normalized; y one-hot (n, 26). LSTM(32), batch 1.
    return Alphabet.trainWindowed(Alphabet.windows(3), 3, 1, 32,
        new FitOptions().epochs(epochs).batchSize(1).verbose(verbose), true, out);
  }
}
