package io.jkeras.examples;

import io.jkeras.data.FloatArray;
import io.jkeras.models.Model;
import io.jkeras.saving.ModelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A text classifier on raw strings: {@code examples/jobs/text-classifier.json} trains
 * TextVectorization -> Embedding -> Conv1D -> Bidirectional(LSTM) -> GlobalMaxPooling1D -> Dense
 * with {@code jkeras train} on {@code examples/data/reviews.tsv}, short product reviews labelled
 * 1 (positive) or 0 (negative). The reviews are generated here, deterministically (seed 14): a
 * sentiment word, sometimes negated ("not great" is negative), in varied sentences with mixed
 * case, punctuation and accented words, so that word order matters and a bag of words is not
 * enough.
 *
 * <p>Usage: {@code TextClassifier generate [file=examples/data/reviews.tsv]} writes the data;
 * {@code TextClassifier predict MODEL_DIR "text" ...} prints the positive-class probability of
 * each text from the trained model directory.
 */
public final class TextClassifier {
  static final String[] GOOD = {"great", "excellent", "wonderful", "superb", "lovely", "delightful", "fantastic", "good"};
  static final String[] BAD = {"terrible", "awful", "horrible", "dreadful", "poor", "disappointing", "bad", "mediocre"};
  static final String[] THINGS = {"coffee", "café", "crème brûlée", "service", "hotel room", "naïve plot", "soundtrack",
      "keyboard", "battery", "pasta", "jalapeño pizza", "ending"};
  static final String[] OPENERS = {"", "Honestly, ", "Well... ", "To be fair, ", "OK so ", "Wow! ", "Hmm; "};
  static final String[] CLOSERS = {"", ".", "!", "!!", " :)", " :(", " - would say so again.", "?"};

  private TextClassifier() {}

  /** {@code n} labelled reviews ("label\ttext" lines), the same for the same seed. */
  public static List<String> generate(int n, long seed) {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean positiveWord = r.nextBoolean();
      boolean negated = r.nextInt(3) == 0;
      String adjective = positiveWord ? GOOD[r.nextInt(GOOD.length)] : BAD[r.nextInt(BAD.length)];
      String thing = THINGS[r.nextInt(THINGS.length)];
      String core;
      switch (r.nextInt(4)) {
        case 0:
          core = "the " + thing + " was " + (negated ? "not " : "") + adjective;
          break;
        case 1:
          core = "a " + (negated ? "far from " : "truly ") + adjective + " " + thing;
          break;
        case 2:
          core = "I found the " + thing + (negated ? " not at all " : " really ") + adjective;
          break;
        default:
          core = "this " + thing + " is " + (negated ? "never " : "always ") + adjective;
      }
      String text = OPENERS[r.nextInt(OPENERS.length)] + core + CLOSERS[r.nextInt(CLOSERS.length)];
      if (r.nextInt(5) == 0) text = text.toUpperCase(Locale.ROOT);
      else if (!text.isEmpty()) text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
      int label = positiveWord != negated ? 1 : 0;
      lines.add(label + "\t" + text);
    }
    return lines;
  }

  public static void main(String[] args) throws IOException {
    if (args.length >= 1 && args[0].equals("generate")) {
      Path out = Paths.get(args.length > 1 ? args[1] : "examples/data/reviews.tsv");
      Files.write(out, generate(400, 14), StandardCharsets.UTF_8);
      System.out.println("Wrote 400 reviews to " + out);
      return;
    }
    if (args.length >= 3 && args[0].equals("predict")) {
      try (Model m = ModelFiles.loadModel(Paths.get(args[1]))) {
        String[] texts = java.util.Arrays.copyOfRange(args, 2, args.length);
        FloatArray p = m.predict(texts);
        for (int i = 0; i < texts.length; i++) {
          System.out.printf(Locale.ROOT, "%.4f  %s%n", p.get(i, 1), texts[i]);
        }
      }
      return;
    }
    System.err.println("usage: TextClassifier generate [file] | TextClassifier predict MODEL_DIR TEXT...");
    System.exit(2);
  }
}
