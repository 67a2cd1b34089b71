package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.models.FitOptions;
import java.io.PrintStream;

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
    // X: (samples, time steps, features) = (n, 1, 1), normalized; y one-hot (n, 26). LSTM(32), batch 1.
    return Alphabet.trainWindowed(Alphabet.windows(1), 1, 1, 32,
        new FitOptions().epochs(epochs).batchSize(1).verbose(verbose), true, out);
  }
}
