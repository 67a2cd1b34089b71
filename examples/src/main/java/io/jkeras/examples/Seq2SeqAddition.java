package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.callbacks.LearningRateScheduler;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Input;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.optimizers.Adam;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Sequence-to-sequence addition ("535+61" -> "596") with the Functional API, as Keras's
 * character-level seq2seq example: an encoder LSTM reads the question and hands its final
 * states [h, c] to a decoder LSTM, which is trained with teacher forcing (decoder input
 * {@code "\t" + answer}, target {@code answer + "\n"}) under a softmax Dense over the characters.
 * Inference then uses two models built from the same trained layers: an encoder model
 * (question -> [h, c]) and a one-step decoder model ([previous character, h, c] ->
 * [probabilities, h, c]), decoding greedily until {@code "\n"}. The score is the exact-match
 * accuracy on held-out sums: pairs of numbers that never occur in training.
 *
 * <p>Characters are one-hot over {@code "0123456789+ "} plus the start token {@code "\t"} and the
 * end token {@code "\n"}. Questions are padded with spaces to {@code 2 * digits + 1}; decoder
 * sequences are padded with all-zero rows, which add nothing to the loss (as in Keras's example).
 *
 * <p>Usage: {@code Seq2SeqAddition [quick|full] [--samples N] [--epochs E] [--digits 3]
 * [--hidden H] [--batch-size B] [--lr 0.003] [--test N] [--seed 7] [--verbose 2]}. The options
 * override the preset's sizes ({@link Settings#QUICK}, the default: 77.5% held out in about 1.5
 * minutes on 2 cores; {@link Settings#FULL}: 97% in about 5 minutes; examples/RESULTS.md).
 */
public final class Seq2SeqAddition {
  /** The characters of questions and answers. */
  public static final String CHARS = "0123456789+ ";
  public static final char START = '\t';
  public static final char END = '\n';
  /** Every token: the characters, then start and end. */
  public static final String TOKENS = CHARS + START + END;

  private Seq2SeqAddition() {}

  /** The sizes of a run. */
  public static final class Settings {
    /** About 1.5 minutes on two cores: a clearly non-trivial accuracy, not a solved task. */
    public static final Settings QUICK = new Settings(3, 20000, 40, 128, 64, 3e-3f, 1000, 7);
    /** High accuracy (examples/RESULTS.md). */
    public static final Settings FULL = new Settings(3, 50000, 50, 128, 64, 3e-3f, 2000, 7);

    public final int digits;
    public final int samples;
    public final int epochs;
    public final int hidden;
    public final int batchSize;
    /** Adam's learning rate; a tenth of it for the last quarter of the epochs. */
    public final float learningRate;
    public final int test;
    public final long seed;

    public Settings(int digits, int samples, int epochs, int hidden, int batchSize, float learningRate, int test,
        long seed) {
      this.digits = digits;
      this.samples = samples;
      this.epochs = epochs;
      this.hidden = hidden;
      this.batchSize = batchSize;
      this.learningRate = learningRate;
      this.test = test;
      this.seed = seed;
    }
  }

  // ----- data -----

  /** One sum, {@code a + b}. */
  public static final class Sum {
    public final int a;
    public final int b;

    public Sum(int a, int b) {
      this.a = a;
      this.b = b;
    }

    public String question() {
      return a + "+" + b;
    }

    public String answer() {
      return Integer.toString(a + b);
    }

    long key() {
      return (long) a << 32 | b;
    }
  }

  /** Encoder length: the longest question, {@code "999+999"} for 3 digits. */
  public static int questionLength(int digits) {
    return 2 * digits + 1;
  }

  /** Decoder length: the longest answer ({@code digits + 1} characters) plus the start or end token. */
  public static int answerLength(int digits) {
    return digits + 2;
  }

  private static int randomNumber(int digits, Random r) {
    // As Keras's addition example: a random number of digits, then random digits.
    int len = 1 + r.nextInt(digits);
    int n = 0;
    for (int i = 0; i < len; i++) n = n * 10 + r.nextInt(10);
    return n;
  }

  /**
   * {@code n} distinct sums whose pair (a, b) is not in {@code exclude}; their pairs are added to
   * {@code exclude}, so a second call gives sums unseen by the first.
   */
  public static List<Sum> sums(int n, int digits, Random r, Set<Long> exclude) {
    long possible = (long) Math.pow(10, digits) * (long) Math.pow(10, digits);
    if (exclude.size() + (long) n > possible / 2) {
      throw new IllegalArgumentException(n + " more sums of up to " + digits + " digits: too many (" + possible + " pairs exist)");
    }
    List<Sum> out = new ArrayList<>();
    while (out.size() < n) {
      Sum s = new Sum(randomNumber(digits, r), randomNumber(digits, r));
      if (exclude.add(s.key())) out.add(s);
    }
    return out;
  }

  private static int token(char c) {
    int i = TOKENS.indexOf(c);
    if (i < 0) throw new IllegalArgumentException("no token for " + (int) c);
    return i;
  }

  /** One-hot rows of {@code texts}, each padded with {@code pad} (or all-zero rows if pad is 0) to {@code length}. */
  static FloatArray oneHot(List<String> texts, int length, char pad) {
    int v = TOKENS.length();
    float[] x = new float[texts.size() * length * v];
    for (int i = 0; i < texts.size(); i++) {
      String s = texts.get(i);
      if (s.length() > length) throw new IllegalArgumentException("\"" + s + "\" is longer than " + length);
      for (int t = 0; t < length; t++) {
        if (t < s.length()) {
          x[(i * length + t) * v + token(s.charAt(t))] = 1;
        } else if (pad != 0) {
          x[(i * length + t) * v + token(pad)] = 1;
        }
      }
    }
    return new FloatArray(x, texts.size(), length, v);
  }

  /** Encoder input: the questions, padded with spaces; (n, 2 * digits + 1, 14). */
  public static FloatArray encoderInput(List<Sum> sums, int digits) {
    List<String> q = new ArrayList<>();
    for (Sum s : sums) q.add(s.question());
    return oneHot(q, questionLength(digits), ' ');
  }

  /** Decoder input (teacher forcing): {@code "\t" + answer}, zero-padded; (n, digits + 2, 14). */
  public static FloatArray decoderInput(List<Sum> sums, int digits) {
    List<String> d = new ArrayList<>();
    for (Sum s : sums) d.add(START + s.answer());
    return oneHot(d, answerLength(digits), (char) 0);
  }

  /** Decoder target: {@code answer + "\n"}, the decoder input shifted by one step; zero-padded. */
  public static FloatArray decoderTarget(List<Sum> sums, int digits) {
    List<String> d = new ArrayList<>();
    for (Sum s : sums) d.add(s.answer() + END);
    return oneHot(d, answerLength(digits), (char) 0);
  }

  /** The text of one sample of one-hot rows: each row's token, up to the first all-zero row. */
  public static String decode(FloatArray oneHot, int sample) {
    long[] shape = oneHot.shape();
    int length = (int) shape[1];
    int v = (int) shape[2];
    float[] d = oneHot.data();
    StringBuilder sb = new StringBuilder();
    for (int t = 0; t < length; t++) {
      int off = (sample * length + t) * v;
      float[] row = Arrays.copyOfRange(d, off, off + v);
      if (row[Alphabet.argmax(row)] == 0) break;
      sb.append(TOKENS.charAt(Alphabet.argmax(row)));
    }
    return sb.toString();
  }

  // ----- the models -----

  /** The trained layers and the three models made of them. */
  public static final class Seq2Seq implements AutoCloseable {
    public final int digits;
    public final LSTM encoder;
    public final LSTM decoder;
    public final Dense head;
    /** [question, decoder input] -> per-step probabilities, for training with teacher forcing. */
    public final Functional training;
    private Functional encoderModel;
    private Functional decoderModel;

    // The training graph's symbolic tensors, which the inference models reuse as Keras's example does.
    private final KerasTensor encIn;
    private final KerasTensor decIn;
    private final List<KerasTensor> encStates;

    public Seq2Seq(int digits, int hidden) {
      this.digits = digits;
      int v = TOKENS.length();
      encoder = new LSTM(hidden).returnState(true).name("encoder");
      decoder = new LSTM(hidden).returnSequences(true).returnState(true).name("decoder");
      head = new Dense(v).activation("softmax").name("head");
      encIn = Input.named("question", -1, v);
      List<KerasTensor> enc = encoder.applyMulti(encIn); // [output, h, c]
      encStates = List.of(enc.get(1), enc.get(2));
      decIn = Input.named("answer_in", -1, v);
      List<KerasTensor> dec = decoder.applyMulti(decIn, enc.get(1), enc.get(2));
      training = Model.of(List.of(encIn, decIn), List.of(head.apply(dec.get(0))), "seq2seq_addition");
    }

    /** question -> [h, c]: the training graph's encoder part, made on first use. */
    public Functional encoderModel() {
      if (encoderModel == null) encoderModel = Model.of(List.of(encIn), encStates, "encoder_model");
      return encoderModel;
    }

    /**
     * [tokens, h, c] -> [probabilities, h, c]: the trained decoder and head called once more, on
     * states given as inputs; made on first use. One token per step at inference.
     */
    public Functional decoderModel() {
      if (decoderModel == null) {
        KerasTensor hIn = Input.named("h", decoder.units());
        KerasTensor cIn = Input.named("c", decoder.units());
        List<KerasTensor> dec = decoder.applyMulti(decIn, hIn, cIn);
        decoderModel = Model.of(List.of(decIn, hIn, cIn), List.of(head.apply(dec.get(0)), dec.get(1), dec.get(2)),
            "decoder_model");
      }
      return decoderModel;
    }

    /**
     * Greedy decoding of every question at once: the encoder's states start the decoder at
     * {@code "\t"}; each step feeds back the most likely token and the new states, until every
     * answer has reached {@code "\n"} or the longest possible answer.
     */
    public List<String> answer(FloatArray questions) {
      int n = questions.length();
      int v = TOKENS.length();
      int batch = Math.max(1, Math.min(n, 1024));
      List<FloatArray> states = encoderModel().predictMulti(List.of(questions), batch);
      FloatArray h = states.get(0);
      FloatArray c = states.get(1);
      StringBuilder[] out = new StringBuilder[n];
      boolean[] done = new boolean[n];
      int[] prev = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = new StringBuilder();
        prev[i] = token(START);
      }
      for (int step = 0; step < answerLength(digits); step++) {
        float[] x = new float[n * v];
        for (int i = 0; i < n; i++) x[i * v + prev[i]] = 1;
        List<FloatArray> r = decoderModel().predictMulti(List.of(new FloatArray(x, n, 1, v), h, c), batch);
        float[] p = r.get(0).data();
        h = r.get(1);
        c = r.get(2);
        boolean all = true;
        for (int i = 0; i < n; i++) {
          prev[i] = Alphabet.argmax(Arrays.copyOfRange(p, i * v, (i + 1) * v));
          if (done[i]) continue;
          if (TOKENS.charAt(prev[i]) == END) {
            done[i] = true;
          } else {
            out[i].append(TOKENS.charAt(prev[i]));
            all = false;
          }
        }
        if (all) break;
      }
      List<String> r = new ArrayList<>();
      for (StringBuilder sb : out) r.add(sb.toString());
      return r;
    }

    @Override
    public void close() {
      // The inference models share the training model's runtime; closing them leaves it open.
      if (decoderModel != null) decoderModel.close();
      if (encoderModel != null) encoderModel.close();
      training.close();
    }
  }

  /** What a run found. */
  public static final class Result {
    public final List<Double> losses;
    public final double trainAccuracy;
    public final double testAccuracy;
    public final double seconds;

    Result(List<Double> losses, double trainAccuracy, double testAccuracy, double seconds) {
      this.losses = List.copyOf(losses);
      this.trainAccuracy = trainAccuracy;
      this.testAccuracy = testAccuracy;
      this.seconds = seconds;
    }
  }

  /** Fraction of {@code sums} the model answers exactly; prints the first {@code show} of them. */
  public static double exactMatch(Seq2Seq model, List<Sum> sums, int show, PrintStream out) {
    List<String> got = model.answer(encoderInput(sums, model.digits));
    int right = 0;
    for (int i = 0; i < sums.size(); i++) {
      Sum s = sums.get(i);
      boolean ok = got.get(i).equals(s.answer());
      if (ok) right++;
      if (i < show) out.printf(Locale.ROOT, "  %-8s = %-5s %s %s%n", s.question(), s.answer(), ok ? "ok " : "no ", got.get(i));
    }
    return sums.isEmpty() ? 0 : right / (double) sums.size();
  }

  public static void main(String[] args) {
    Options o = new Options(args, Set.of("samples", "epochs", "digits", "hidden", "batch-size", "test", "seed", "verbose", "lr"));
    String preset = o.positional(0, "quick");
    Settings p;
    if (preset.equals("quick")) {
      p = Settings.QUICK;
    } else if (preset.equals("full")) {
      p = Settings.FULL;
    } else {
      throw new IllegalArgumentException("preset must be quick or full, got " + preset);
    }
    Settings s = new Settings(o.integer("digits", p.digits), o.integer("samples", p.samples), o.integer("epochs", p.epochs),
        o.integer("hidden", p.hidden), o.integer("batch-size", p.batchSize), (float) o.number("lr", p.learningRate), o.integer("test", p.test),
        o.integer("seed", (int) p.seed));
    run(s, o.integer("verbose", 2), System.out);
  }

  /** Generates the data, trains, and reports exact-match accuracy on training and held-out sums. */
  public static Result run(Settings s, int verbose, PrintStream out) {
    long t0 = System.nanoTime();
    Keras.setRandomSeed(s.seed);
    Random r = new Random(s.seed);
    Set<Long> seen = new HashSet<>();
    List<Sum> train = sums(s.samples, s.digits, r, seen);
    List<Sum> test = sums(s.test, s.digits, r, seen); // pairs not in training
    out.printf(Locale.ROOT, "sums of up to %d digits: %d for training, %d held out; e.g. \"%s\" -> \"%s\"%n", s.digits,
        train.size(), test.size(), train.get(0).question(), train.get(0).answer());
    try (Seq2Seq m = new Seq2Seq(s.digits, s.hidden)) {
      m.training.compile(new Adam(s.learningRate), "categorical_crossentropy");
      if (verbose > 0) out.print(m.training.summaryString());
      FloatArray encX = encoderInput(train, s.digits);
      FloatArray decX = decoderInput(train, s.digits);
      FloatArray decY = decoderTarget(train, s.digits);
      // A tenth of the rate for the last quarter of the epochs settles the weights (at 3e-3 the
      // loss still jumps now and then).
      int settle = s.epochs - s.epochs / 4;
      LearningRateScheduler schedule = LearningRateScheduler.ofEpoch(e -> e < settle ? s.learningRate : s.learningRate / 10, 0);
      History h = m.training.fit(List.of(encX, decX), decY,
          new FitOptions().epochs(s.epochs).batchSize(s.batchSize).verbose(verbose).callbacks(schedule));
      out.printf(Locale.ROOT, "training: %.1fs%n", (System.nanoTime() - t0) / 1e9);
      out.println("held-out sums, greedy decoding:");
      double testAcc = exactMatch(m, test, 10, out);
      double trainAcc = exactMatch(m, train.subList(0, Math.min(train.size(), s.test)), 0, out);
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.printf(Locale.ROOT, "exact match on %d training sums: %.2f%%%n", Math.min(train.size(), s.test), 100 * trainAcc);
      out.printf(Locale.ROOT, "exact match on %d held-out sums: %.2f%% (%.1fs)%n", test.size(), 100 * testAcc, seconds);
      return new Result(h.history().get("loss"), trainAcc, testAcc, seconds);
    }
  }
}
