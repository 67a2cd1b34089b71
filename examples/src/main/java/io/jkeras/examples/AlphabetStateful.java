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

/**
 * Stateful LSTM for a one-char to one-char mapping: LSTM(50) with batch_input_shape (1, 1, 1)
 * and stateful=true keeps its state from one letter to the next, so it can learn the whole
 * alphabet as one sequence. Trained as the tutorial does: 300 times, one epoch of the 25 pairs
 * in order (shuffle off, batch size 1) and then resetStates(). Evaluated with batch size 1 and
 * reset; then it generates from "A", feeding back its own predictions, and from a cold start at
 * "K". The tutorial reports 100%, and "K -> B" from the cold start: the state, not the input
 * letter, carries the position in the alphabet.
 *
 * <p>Usage: {@code AlphabetStateful [epochs=300] [verbose=2] [seed=7]}; epochs counts the fit/reset rounds.
 */
public final class AlphabetStateful {
  public static final int EPOCHS = 300;
  public static final int BATCH_SIZE = 1;

  private AlphabetStateful() {}

  public static void main(String[] args) {
    int epochs = Alphabet.epochs(args, EPOCHS);
    long seed = Alphabet.seed(args);
    System.out.println("AlphabetStateful: epochs " + epochs + ", seed " + seed);
    Alphabet.Result r = run(epochs, Alphabet.verbose(args), seed, System.out);
    System.out.println(Alphabet.accuracyLine(r.accuracy));
  }

  /** The tutorial's model: stateful LSTM(50) on (1, 1, 1) batches, softmax over 26 letters. */
  public static Sequential buildModel() {
    Sequential model = new Sequential();
    model.add(new LSTM(50).batchInputShape(BATCH_SIZE, 1, 1).stateful(true));
    model.add(new Dense(Alphabet.ALPHABET.length()).activation("softmax"));
    model.compile("adam", "categorical_crossentropy", "accuracy");
    return model;
  }

  /**
   * Feeds {@code start}, then each predicted letter, {@code steps} times, printing
   * "X -> Y" lines; the state carries over between steps (no reset inside).
   */
  public static List<String> generate(Sequential model, char start, int steps, PrintStream out) {
    List<String> lines = new ArrayList<>();
    int seed = Alphabet.charToInt(start);
    for (int i = 0; i < steps; i++) {
      float[][][] x = Alphabet.reshapeNormalized(List.of(new int[] {seed}), 1, 1);
      int index = Alphabet.argmax(model.predict(x, BATCH_SIZE).toMatrix()[0]);
      String line = Alphabet.intToChar(seed) + " -> " + Alphabet.intToChar(index);
      lines.add(line);
      out.println(line);
      seed = index;
    }
    return lines;
  }

  /** The tutorial's program with its hyperparameters, seeded with {@link Alphabet#SEED}. */
  public static Alphabet.Result run(int epochs, int verbose, PrintStream out) {
    return run(epochs, verbose, Alphabet.SEED, out);
  }

  public static Alphabet.Result run(int epochs, int verbose, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    Alphabet.Pairs data = Alphabet.windows(1);
    float[][][] x = Alphabet.reshapeNormalized(data.x, 1, 1);
    float[][] y = Alphabet.oneHot(data.labels());

    try (Sequential model = buildModel()) {
      double firstLoss = Double.NaN;
      double lastLoss = Double.NaN;
      FitOptions oneEpoch = new FitOptions().epochs(1).batchSize(BATCH_SIZE).shuffle(false).verbose(verbose);
      for (int i = 0; i < epochs; i++) {
        History h = model.fit(x, y, oneEpoch);
        model.resetStates();
        lastLoss = h.last("loss");
        if (i == 0) firstLoss = lastLoss;
      }

      double accuracy = Alphabet.accuracyOf(model.evaluate(x, y, BATCH_SIZE));
      model.resetStates();
      out.println(Alphabet.modelAccuracyLine(accuracy));

      // Generation from "A": the 25 steps of the alphabet, each prediction fed back.
      List<String> fromA = generate(model, 'A', Alphabet.ALPHABET.length() - 1, out);
      model.resetStates();

      // A cold start in the middle of the alphabet.
      out.println("New start:  K");
      List<String> fromK = generate(model, 'K', 5, out);
      model.resetStates();
      return new Alphabet.Result(accuracy, firstLoss, lastLoss, fromA, fromK);
    }
  }
}
