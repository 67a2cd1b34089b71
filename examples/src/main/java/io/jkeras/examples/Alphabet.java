package io.jkeras.examples;

import io.jkeras.data.DataUtils;
import io.jkeras.models.Model;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the "learn the alphabet" programs share (Jason Brownlee, "Understanding Stateful LSTM
 * Recurrent Neural Networks in Python with Keras"): the dataset, the char/int mappings, the
 * reshaping to (samples, timesteps, features) normalized by the alphabet length, one-hot targets,
 * argmax decoding, argument parsing and the result every program returns.
 */
public final class Alphabet {
  /** The raw dataset. */
  public static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  /** The seed of every program ({@code numpy.random.seed(7)} in the tutorial). */
  public static final long SEED = 7;

  private Alphabet() {}

  public static int charToInt(char c) {
    int i = ALPHABET.indexOf(c);
    if (i < 0) throw new IllegalArgumentException("not a letter of the alphabet: '" + c + "'");
    return i;
  }

  public static char intToChar(int i) {
    return ALPHABET.charAt(i);
  }

  /** The letters of a pattern: {0, 1, 2} -> "ABC". */
  public static String decode(int[] pattern) {
    StringBuilder b = new StringBuilder();
    for (int i : pattern) b.append(intToChar(i));
    return b.toString();
  }

  /** Input/output pairs: each {@code seqLength}-letter window and the letter that follows it. */
  public static final class Pairs {
    public final List<int[]> x = new ArrayList<>();
    public final List<Integer> y = new ArrayList<>();

    public int size() {
      return x.size();
    }

    public int[] labels() {
      int[] r = new int[y.size()];
      for (int i = 0; i < r.length; i++) r[i] = y.get(i);
      return r;
    }
  }

  /** Every window of {@code seqLength} letters and its successor: 26 - seqLength pairs. */
  public static Pairs windows(int seqLength) {
    Pairs p = new Pairs();
    for (int i = 0; i + seqLength < ALPHABET.length(); i++) {
      int[] in = new int[seqLength];
      for (int j = 0; j < seqLength; j++) in[j] = charToInt(ALPHABET.charAt(i + j));
      p.x.add(in);
      p.y.add(charToInt(ALPHABET.charAt(i + seqLength)));
    }
    return p;
  }

  /**
   * numpy's {@code reshape(dataX, (samples, timesteps, features)) / len(alphabet)}: the flat
   * row-major values of each pattern laid out as {@code timesteps x features}.
   */
  public static float[][][] reshapeNormalized(List<int[]> patterns, int timesteps, int features) {
    float[][][] x = new float[patterns.size()][timesteps][features];
    for (int s = 0; s < patterns.size(); s++) {
      int[] p = patterns.get(s);
      if (p.length != timesteps * features) {
        throw new IllegalArgumentException("pattern " + s + " has " + p.length + " values, cannot reshape to ("
            + timesteps + ", " + features + ")");
      }
      for (int t = 0; t < timesteps; t++) {
        for (int f = 0; f < features; f++) x[s][t][f] = p[t * features + f] / (float) ALPHABET.length();
      }
    }
    return x;
  }

  /** {@code to_categorical(dataY)}: Keras infers num_classes = max label + 1 (26 here, 'Z' is a target). */
  public static float[][] oneHot(int[] labels) {
    return DataUtils.toCategorical(labels);
  }

  public static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    return best;
  }

  /** The first argument as the number of epochs, or {@code defaultEpochs} (also when negative). */
  public static int epochs(String[] args, int defaultEpochs) {
    int e = args.length > 0 ? Integer.parseInt(args[0]) : -1;
    return e < 0 ? defaultEpochs : e;
  }

  /** The second argument as Keras's fit verbosity (0, 1, 2), or 2 as in the tutorial. */
  public static int verbose(String[] args) {
    return args.length > 1 ? Integer.parseInt(args[1]) : 2;
  }

  /** The third argument as the random seed, or {@link #SEED}. */
  public static long seed(String[] args) {
    return args.length > 2 ? Long.parseLong(args[2]) : SEED;
  }

  /** The accuracy (a fraction) of an evaluate() result. */
  public static double accuracyOf(Map<String, Double> scores) {
    Double a = scores.get("accuracy");
    if (a == null) throw new IllegalStateException("evaluate returned no accuracy: " + scores);
    return a;
  }

  /** The tutorial's "Model Accuracy: 84.00%" line. */
  public static String modelAccuracyLine(double accuracy) {
    return String.format(Locale.ROOT, "Model Accuracy: %.2f%%", accuracy * 100);
  }

  /** The final line every example prints: {@code accuracy: NN.NN%}. */
  public static String accuracyLine(double accuracy) {
    return String.format(Locale.ROOT, "accuracy: %.2f%%", accuracy * 100);
  }

  /** Predicts the next letter of each pattern, one pattern at a time, as the tutorial loops. */
  /**
   * What the windowed programs share: print the pairs, reshape to (samples, timesteps, features)
   * normalized, one-hot targets, LSTM(units) -> Dense(26, softmax) with adam, fit, evaluate and
   * predict every pattern as the tutorial prints them. {@code fit} carries epochs, batch size and
   * shuffling, the one thing the programs differ in besides the framing.
   */
  static Result trainWindowed(Pairs data, int timesteps, int features, int units, io.jkeras.models.FitOptions fit,
      boolean printPairs, PrintStream out) {
    if (printPairs) {
      for (int i = 0; i < data.size(); i++) out.println(decode(data.x.get(i)) + " -> " + intToChar(data.y.get(i)));
    }
    float[][][] x = reshapeNormalized(data.x, timesteps, features);
    float[][] y = oneHot(data.labels());
    try (io.jkeras.models.Sequential model = new io.jkeras.models.Sequential()) {
      model.add(new io.jkeras.layers.LSTM(units).inputShape(timesteps, features));
      model.add(new io.jkeras.layers.Dense(y[0].length).activation("softmax"));
      model.compile("adam", "categorical_crossentropy", "accuracy");
      io.jkeras.callbacks.History h = model.fit(x, y, fit);
      double accuracy = accuracyOf(model.evaluate(x, y));
      out.println(modelAccuracyLine(accuracy));
      List<String> predictions = predictEach(model, data.x, timesteps, features, out);
      List<Double> loss = h.get("loss");
      return new Result(accuracy, loss.isEmpty() ? Double.NaN : loss.get(0),
          loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1), predictions, List.of());
    }
  }

  static List<String> predictEach(Model model, List<int[]> patterns, int timesteps, int features, PrintStream out) {
    List<String> lines = new ArrayList<>();
    for (int[] pattern : patterns) {
      float[][][] x = reshapeNormalized(List.of(pattern), timesteps, features);
      int index = argmax(model.predict(x).toMatrix()[0]);
      String line = decode(pattern) + " -> " + intToChar(index);
      lines.add(line);
      out.println(line);
    }
    return lines;
  }

  /** What a program found: its accuracy, the losses of training, and the lines it printed. */
  public static final class Result {
    public final double accuracy;
    /** Loss of the first and last training epochs (the mean over the epoch's batches). */
    public final double firstLoss;
    public final double lastLoss;
    public final List<String> predictions;
    /** Extra printed lines (the stateful program's generation from "K"; the random-pattern test). */
    public final List<String> extra;

    public Result(double accuracy, double firstLoss, double lastLoss, List<String> predictions, List<String> extra) {
      this.accuracy = accuracy;
      this.firstLoss = firstLoss;
      this.lastLoss = lastLoss;
      this.predictions = List.copyOf(predictions);
      this.extra = List.copyOf(extra);
    }

    /** How many "X -> Y" lines predict the true next letter of X's last letter. */
    public int correctPredictions() {
      return countCorrect(predictions);
    }

    static int countCorrect(List<String> lines) {
      int n = 0;
      for (String l : lines) {
        String[] parts = l.split(" -> ");
        char last = parts[0].charAt(parts[0].length() - 1);
        int next = charToInt(last) + 1;
        if (next < ALPHABET.length() && parts[1].charAt(0) == intToChar(next)) n++;
      }
      return n;
    }
  }
}
