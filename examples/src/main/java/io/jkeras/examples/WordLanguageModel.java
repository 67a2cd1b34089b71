package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Dropout;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.TextVectorization;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Word-level language model (the "Keras LSTM tutorial" PTB model, here on Macbeth), raw text in:
 * a {@link TextVectorization} layer is the tokenizer, as in Keras (lowercased ASCII letters,
 * punctuation stripped, split at whitespace; adapted on the text, so its vocabulary is ordered by
 * frequency, id 0 padding and 1 "[UNK]"), and it is the model's first layer, so the trained model
 * takes strings. A batch generator walks the corpus's ids as the tutorial's
 * {@code KerasBatchGenerator}: batches of 20 windows of 30 word ids, each target the same window
 * shifted by one word, one-hot; the cursor advances by {@code skip_step} (30) per window and wraps
 * to the start. The model is TextVectorization -> Embedding(vocab, 500) -> LSTM(500, seq) ->
 * LSTM(500, seq) -> Dropout(0.5) -> TimeDistributed(Dense(vocab, softmax)), adam, categorical
 * cross-entropy; the batches feed the ids the layer computes (a model whose input goes to a
 * TextVectorization takes its ids as a FloatArray, or the strings). jkeras has no generator API
 * yet, so training loops over the generator's batches with {@code trainOnBatch}. The last tenth of
 * the words is held out; the program reports its perplexity, exp(mean cross-entropy per word),
 * and predicts the words after a raw line of the text.
 *
 * <p>Usage: {@code WordLanguageModel [text=../shared/data/macbeth.txt] [--epochs 1]
 * [--hidden 500] [--num-steps 30] [--batch-size 20] [--skip-step 30] [--max-words all]
 * [--max-steps all]}. For a quick run: {@code --hidden 64 --max-words 5000}.
 */
public final class WordLanguageModel {
  private WordLanguageModel() {}

  /** The Keras tokenizer of this model: TextVectorization with Keras's defaults, windows of {@code numSteps} ids. */
  public static TextVectorization vectorizer(int numSteps) {
    return new TextVectorization().name("vectorize").outputSequenceLength(numSteps);
  }

  /** The tutorial's KerasBatchGenerator, one batch per {@link #next} call. */
  public static final class BatchGenerator {
    private final int[] data;
    private final int numSteps;
    private final int batchSize;
    private final int vocabulary;
    private final int skipStep;
    private int currentIdx;

    public BatchGenerator(int[] data, int numSteps, int batchSize, int vocabulary, int skipStep) {
      if (data.length <= numSteps) {
        throw new IllegalArgumentException("the data (" + data.length + " words) must be longer than num_steps (" + numSteps + ")");
      }
      this.data = data;
      this.numSteps = numSteps;
      this.batchSize = batchSize;
      this.vocabulary = vocabulary;
      this.skipStep = skipStep;
    }

    /** x: (batch, numSteps) word ids; y: (batch, numSteps, vocabulary) one-hot of the next words. */
    public FloatArray[] next() {
      float[] x = new float[batchSize * numSteps];
      float[] y = new float[batchSize * numSteps * vocabulary];
      for (int i = 0; i < batchSize; i++) {
        if (currentIdx + numSteps >= data.length) currentIdx = 0; // back to the start of the corpus
        for (int t = 0; t < numSteps; t++) {
          x[i * numSteps + t] = data[currentIdx + t];
          y[(i * numSteps + t) * vocabulary + data[currentIdx + t + 1]] = 1;
        }
        currentIdx += skipStep;
      }
      return new FloatArray[] {new FloatArray(x, batchSize, numSteps), new FloatArray(y, batchSize, numSteps, vocabulary)};
    }
  }

  public static Sequential buildModel(TextVectorization vectorizer, int hidden) {
    int vocabulary = vectorizer.vocabularySize();
    Sequential model = new Sequential();
    model.add(new InputLayer(1).name("text").dtype("string"));
    model.add(vectorizer);
    model.add(new Embedding(vocabulary, hidden));
    model.add(new LSTM(hidden).returnSequences(true));
    model.add(new LSTM(hidden).returnSequences(true));
    model.add(new Dropout(0.5));
    model.add(new TimeDistributed(new Dense(vocabulary).activation("softmax")));
    model.compile("adam", "categorical_crossentropy", "categorical_accuracy");
    return model;
  }

  /** What a run found. */
  public static final class Result {
    public final int vocabulary;
    public final List<Double> trainLosses;
    public final double validLoss;
    public final double perplexity;

    Result(int vocabulary, List<Double> trainLosses, double validLoss) {
      this.vocabulary = vocabulary;
      this.trainLosses = List.copyOf(trainLosses);
      this.validLoss = validLoss;
      this.perplexity = Math.exp(validLoss);
    }
  }

  public static void main(String[] args) throws IOException {
    Options o = new Options(args, Set.of("epochs", "hidden", "num-steps", "batch-size", "skip-step", "max-words", "max-steps", "seed",
        "checkpoint"));
    String text = Files.readString(Paths.get(o.positional(0, MacbethCharGeneration.DEFAULT_TEXT)), StandardCharsets.UTF_8);
    int numSteps = o.integer("num-steps", 30);
    // As the tutorial's ModelCheckpoint(filepath=data_path + '/model-{epoch:02d}.hdf5'): one model per epoch.
    String checkpoint = o.string("checkpoint", "graphs/checkpoints/word-lm/model-{epoch:02d}");
    run(text, o.integer("epochs", 1), o.integer("hidden", 500), numSteps, o.integer("batch-size", 20),
        o.integer("skip-step", numSteps), o.integer("max-words", 0), o.integer("max-steps", 0), o.integer("seed", 7),
        checkpoint.equals("none") ? null : checkpoint, System.out);
  }

  /**
   * Trains {@code epochs} epochs of len(train) / (batch * numSteps) steps each (or
   * {@code maxSteps} if smaller and positive) and evaluates on the held-out last tenth. With a
   * {@code checkpointPattern}, a ModelCheckpoint saves the model after every epoch.
   */
  public static Result run(String text, int epochs, int hidden, int numSteps, int batchSize, int skipStep,
      int maxWords, int maxSteps, long seed, String checkpointPattern, PrintStream out) {
    Keras.setRandomSeed(seed);
    TextVectorization vectorizer = vectorizer(numSteps);
    List<String> all = vectorizer.tokens(text);
    if (maxWords > 0 && all.size() > maxWords) all = all.subList(0, maxWords);
    // Keras's vectorize_layer.adapt(text): the vocabulary by frequency, 0 padding, 1 [UNK].
    vectorizer.adapt(List.of(String.join(" ", all)));
    List<String> byId = vectorizer.getVocabulary();
    Map<String, Integer> vocab = new HashMap<>();
    for (int i = 0; i < byId.size(); i++) vocab.put(byId.get(i), i);
    int[] ids = new int[all.size()];
    for (int i = 0; i < ids.length; i++) ids[i] = vocab.get(all.get(i));
    int split = (int) (ids.length * 0.9);
    int[] train = java.util.Arrays.copyOfRange(ids, 0, split);
    int[] valid = java.util.Arrays.copyOfRange(ids, split, ids.length);
    int v = vocab.size();
    out.printf(Locale.ROOT, "words: %d (train %d, held out %d), vocabulary: %d%n", ids.length, train.length, valid.length, v);

    BatchGenerator gen = new BatchGenerator(train, numSteps, batchSize, v, skipStep);
    int steps = Math.max(1, train.length / (batchSize * numSteps));
    if (maxSteps > 0) steps = Math.min(steps, maxSteps);
    List<Double> losses = new ArrayList<>();
    try (Sequential model = buildModel(vectorizer, hidden)) {
      model.summary(out);
      io.jkeras.callbacks.ModelCheckpoint checkpoint = null;
      if (checkpointPattern != null) {
        checkpoint = new io.jkeras.callbacks.ModelCheckpoint(checkpointPattern).verbose(1);
        checkpoint.setModel(model);
      }
      for (int epoch = 0; epoch < epochs; epoch++) {
        long t0 = System.nanoTime();
        double sum = 0;
        for (int s = 0; s < steps; s++) {
          FloatArray[] b = gen.next();
          sum += model.trainOnBatch(b[0], b[1]).get("loss");
        }
        losses.add(sum / steps);
        out.printf(Locale.ROOT, "Epoch %d/%d - %d steps - %.1fs - loss: %.4f - train perplexity: %.1f%n", epoch + 1, epochs,
            steps, (System.nanoTime() - t0) / 1e9, sum / steps, Math.exp(sum / steps));
        if (checkpoint != null) checkpoint.onEpochEnd(epoch, Map.of("loss", sum / steps));
      }

      // Held-out tail: consecutive non-overlapping windows, every word predicted once.
      int windows = (valid.length - 1) / numSteps;
      double validLoss = Double.NaN;
      if (windows > 0) {
        int rows = windows;
        BatchGenerator vg = new BatchGenerator(valid, numSteps, rows, v, numSteps);
        FloatArray[] b = vg.next();
        Map<String, Double> scores = model.evaluate(b[0], b[1], batchSize);
        validLoss = scores.get("loss");
        out.printf(Locale.ROOT, "held-out: %d windows of %d words - loss: %.4f - accuracy: %.4f%n", rows, numSteps,
            validLoss, scores.get("categorical_accuracy"));

        // As the tutorial: the actual next words of one held-out window beside the predicted ones.
        // The trained model takes raw text: the window's words as a string.
        List<String> window = new ArrayList<>();
        for (int t = 0; t < numSteps; t++) window.add(byId.get(valid[t]));
        float[][][] p = model.predict(new String[] {String.join(" ", window)}).toArray3();
        StringBuilder actual = new StringBuilder("Actual words: ");
        StringBuilder predicted = new StringBuilder("Predicted words: ");
        for (int t = 0; t < Math.min(10, numSteps); t++) {
          actual.append(byId.get(valid[t + 1])).append(' ');
          predicted.append(byId.get(Alphabet.argmax(p[0][t]))).append(' ');
        }
        out.println(actual.toString().trim());
        out.println(predicted.toString().trim());
      } else {
        out.println("held-out tail too short for one window of " + numSteps + " words");
      }
      Result r = new Result(v, losses, validLoss);
      out.printf(Locale.ROOT, "perplexity: %.2f%n", r.perplexity);
      return r;
    }
  }
}
