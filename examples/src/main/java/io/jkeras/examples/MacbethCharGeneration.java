package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dropout;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Character-level text generation on Macbeth: the lowercased play, each character mapped to an
 * int (the sorted set of characters), every 50-character window (step 1) predicting the next
 * character. X is (windows, 50, 1) normalized by the vocabulary size, y one-hot. The model is
 * LSTM(300, return_sequences) -> Dropout(0.2) -> LSTM(300) -> Dropout(0.2) -> Dense(vocab,
 * softmax), adam and categorical cross-entropy. It then generates characters from a random seed
 * window of the text, by argmax or, with a temperature, by sampling.
 *
 * <p>Usage: {@code MacbethCharGeneration [text=../shared/data/macbeth.txt] [--epochs 1]
 * [--samples all] [--hidden 300] [--seq-length 50] [--batch-size 64] [--generate 100]
 * [--temperature 0]}. The full text is ~100,000 windows; on a laptop use e.g.
 * {@code --samples 5000 --hidden 64} to see it run in a minute or two.
 */
public final class MacbethCharGeneration {
  public static final String DEFAULT_TEXT = "../shared/data/macbeth.txt";

  private MacbethCharGeneration() {}

  /** The dataset: the text's characters as ints, and the vocabulary (sorted characters). */
  public static final class Corpus {
    public final char[] vocabulary;
    public final int[] encoded;

    public Corpus(String text) {
      String lower = text.toLowerCase(Locale.ROOT);
      Set<Character> chars = new TreeSet<>();
      for (int i = 0; i < lower.length(); i++) chars.add(lower.charAt(i));
      vocabulary = new char[chars.size()];
      int k = 0;
      for (char c : chars) vocabulary[k++] = c;
      encoded = new int[lower.length()];
      for (int i = 0; i < lower.length(); i++) encoded[i] = charToInt(lower.charAt(i));
    }

    public int charToInt(char c) {
      int i = java.util.Arrays.binarySearch(vocabulary, c);
      if (i < 0) throw new IllegalArgumentException("character '" + c + "' is not in the vocabulary");
      return i;
    }

    public int size() {
      return vocabulary.length;
    }

    /** Number of (window, next char) pairs: len - seqLength, or {@code limit} if smaller (limit &lt;= 0: all). */
    public int windows(int seqLength, int limit) {
      int n = Math.max(0, encoded.length - seqLength);
      return limit > 0 ? Math.min(limit, n) : n;
    }

    /** X: (n, seqLength, 1), each char id divided by the vocabulary size. */
    public FloatArray x(int seqLength, int n) {
      float[] flat = new float[Math.multiplyExact(n, seqLength)];
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < seqLength; t++) flat[i * seqLength + t] = encoded[i + t] / (float) size();
      }
      return new FloatArray(flat, n, seqLength, 1);
    }

    /** y: (n, vocab), one-hot of the character after each window. */
    public FloatArray y(int seqLength, int n) {
      float[] flat = new float[Math.multiplyExact(n, size())];
      for (int i = 0; i < n; i++) flat[i * size() + encoded[i + seqLength]] = 1;
      return new FloatArray(flat, n, size());
    }
  }

  /** The model of the tutorial, with {@code hidden} units per LSTM (300 there). */
  public static Sequential buildModel(int hidden, int seqLength, int vocab) {
    Sequential model = new Sequential();
    model.add(new LSTM(hidden).inputShape(seqLength, 1).returnSequences(true));
    model.add(new Dropout(0.2));
    model.add(new LSTM(hidden));
    model.add(new Dropout(0.2));
    model.add(new Dense(vocab).activation("softmax"));
    model.compile("adam", "categorical_crossentropy");
    return model;
  }

  /**
   * Generates {@code count} characters after {@code seed} (a window of char ids, slid by one at
   * each step). temperature &lt;= 0: argmax; otherwise sampling from p^(1/T), renormalized.
   */
  public static String generate(Sequential model, Corpus corpus, int[] seed, int count, double temperature, Random random) {
    int seqLength = seed.length;
    int[] pattern = seed.clone();
    StringBuilder b = new StringBuilder();
    float[] in = new float[seqLength];
    for (int i = 0; i < count; i++) {
      for (int t = 0; t < seqLength; t++) in[t] = pattern[t] / (float) corpus.size();
      float[] p = model.predict(new FloatArray(in.clone(), 1, seqLength, 1)).toMatrix()[0];
      int index = io.jkeras.utils.Sampling.sample(p, Math.max(0, temperature), random);
      b.append(corpus.vocabulary[index]);
      System.arraycopy(pattern, 1, pattern, 0, seqLength - 1);
      pattern[seqLength - 1] = index;
    }
    return b.toString();
  }


  public static void main(String[] args) throws IOException {
    Options o = new Options(args, Set.of("epochs", "samples", "hidden", "seq-length", "batch-size", "generate", "temperature", "seed"));
    Path text = Paths.get(o.positional(0, DEFAULT_TEXT));
    run(Files.readString(text, StandardCharsets.UTF_8), o.integer("epochs", 1), o.integer("samples", 0),
        o.integer("hidden", 300), o.integer("seq-length", 50), o.integer("batch-size", 64), o.integer("generate", 100),
        o.number("temperature", 0), o.integer("seed", 7), System.out);
  }

  /** Trains and generates; returns the generated text. */
  public static String run(String text, int epochs, int samples, int hidden, int seqLength, int batchSize,
      int generate, double temperature, long seed, PrintStream out) {
    Keras.setRandomSeed(seed);
    Random random = new Random(seed);
    Corpus corpus = new Corpus(text);
    int n = corpus.windows(seqLength, samples);
    if (n <= 0) throw new IllegalArgumentException("the text is shorter than one window of " + seqLength + " characters");
    out.printf(Locale.ROOT, "Total characters: %d, vocabulary: %d, patterns: %d%n", corpus.encoded.length, corpus.size(), n);
    FloatArray x = corpus.x(seqLength, n);
    FloatArray y = corpus.y(seqLength, n);

    try (Sequential model = buildModel(hidden, seqLength, corpus.size())) {
      model.summary(out);
      History h = model.fit(x, y, new FitOptions().epochs(epochs).batchSize(batchSize).verbose(epochs > 0 ? 1 : 0));
      if (!h.get("loss").isEmpty()) out.printf(Locale.ROOT, "loss: %.4f%n", h.last("loss"));

      int start = random.nextInt(n);
      int[] window = java.util.Arrays.copyOfRange(corpus.encoded, start, start + seqLength);
      StringBuilder s = new StringBuilder();
      for (int c : window) s.append(corpus.vocabulary[c]);
      out.println("Seed:");
      out.println("\"" + s + "\"");
      String generated = generate(model, corpus, window, generate, temperature, random);
      out.println("Generated" + (temperature > 0 ? " (temperature " + temperature + ")" : " (argmax)") + ":");
      out.println(generated);
      out.println("Done.");
      return generated;
    }
  }
}
