package io.jkeras.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two text programs: their data preparation, and a run of a few steps with tiny sizes (the
 * architectures are the tutorials'; only the sizes shrink). Uses a short inline text so the test
 * does not need ../shared/data.
 */
class TextExamplesTest {
  static final String TEXT = String.join("\n",
      "FIRST WITCH.", "When shall we three meet again?", "In thunder, lightning, or in rain?", "",
      "SECOND WITCH.", "When the hurlyburly’s done,", "When the battle’s lost and won.", "",
      "THIRD WITCH.", "That will be ere the set of sun.", "").repeat(6);

  @Test
  void charCorpusIsLowercasedSortedAndWindowed() {
    MacbethCharGeneration.Corpus c = new MacbethCharGeneration.Corpus("Abc ab\n");
    assertArrayEquals(new char[] {'\n', ' ', 'a', 'b', 'c'}, c.vocabulary);
    assertArrayEquals(new int[] {2, 3, 4, 1, 2, 3, 0}, c.encoded);
    assertEquals(4, c.windows(3, 0));
    assertEquals(2, c.windows(3, 2));
    FloatArray x = c.x(3, 4);
    assertArrayEquals(new long[] {4, 3, 1}, x.shape());
    assertEquals(4 / 5f, x.get(1, 1, 0)); // window 1 = "bc ", its 2nd char 'c' = 4, / vocab 5
    FloatArray y = c.y(3, 4);
    assertArrayEquals(new long[] {4, 5}, y.shape());
    assertEquals(1f, y.get(0, 1)); // after "abc" comes ' '
  }

  @Test
  void temperatureSamplingFollowsTheDistribution() {
    Random r = new Random(1);
    float[] p = {0.001f, 0.998f, 0.001f};
    int ones = 0;
    for (int i = 0; i < 200; i++) ones += io.jkeras.utils.Sampling.sample(p, 1.0, r) == 1 ? 1 : 0;
    assertTrue(ones > 190, "sampled the likely class " + ones + "/200 times");
  }

  @Test
  void charProgramRunsAFewStepsAndGenerates() {
    String g = MacbethCharGeneration.run(TEXT, 1, 128, 8, 20, 64, 30, 0.5, 7, AlphabetFramingsTest.QUIET);
    assertEquals(30, g.length());
    MacbethCharGeneration.Corpus c = new MacbethCharGeneration.Corpus(TEXT);
    for (char ch : g.toCharArray()) assertTrue(c.charToInt(ch) >= 0);
  }

  @Test
  void wordsAreKerasTextVectorizationTokens() {
    // Keras's tokenizer: ASCII lowercasing, ASCII punctuation stripped (’ is not ASCII), whitespace split.
    assertEquals(List.of("when", "the", "hurlyburly’s", "done", "fair", "is", "foul"),
        WordLanguageModel.vectorizer(30).tokens("When the hurlyburly’s done,\nFair is foul."));
    List<String> v = WordLanguageModel.vectorizer(3).adapt(List.of("b a b c a b")).getVocabulary();
    assertEquals(List.of("", "[UNK]", "b", "a", "c"), v);
  }

  @Test
  void batchGeneratorWalksTheCorpusAndShiftsTargetsByOne() {
    int[] data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    WordLanguageModel.BatchGenerator g = new WordLanguageModel.BatchGenerator(data, 3, 2, 10, 3);
    FloatArray[] b = g.next();
    assertArrayEquals(new long[] {2, 3}, b[0].shape());
    assertArrayEquals(new long[] {2, 3, 10}, b[1].shape());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, b[0].data());
    assertEquals(1f, b[1].get(0, 0, 1));
    assertEquals(1f, b[1].get(1, 2, 6));
    // Next batch: windows at 6, then 9 + 3 >= 10 wraps to 0.
    b = g.next();
    assertArrayEquals(new float[] {6, 7, 8, 0, 1, 2}, b[0].data());
  }

  @Test
  void wordProgramRunsAFewStepsAndReportsPerplexity() throws IOException {
    Path ckpt = Files.createTempDirectory("wordlm");
    // Twice the text: Keras's tokenizer drops punctuation and line breaks, which were words of
    // their own before, and the held-out tenth must still hold one 30-word window.
    WordLanguageModel.Result r = WordLanguageModel.run(TEXT.repeat(2), 2, 16, 30, 4, 30, 0, 3, 7,
        ckpt.resolve("model-{epoch:02d}").toString(), AlphabetFramingsTest.QUIET);
    assertTrue(io.jkeras.saving.ModelFiles.isModelDir(ckpt.resolve("model-02")), "a checkpoint per epoch");
    assertEquals(2, r.trainLosses.size());
    assertTrue(r.trainLosses.get(1) < r.trainLosses.get(0), "losses " + r.trainLosses);
    assertTrue(Double.isFinite(r.perplexity) && r.perplexity > 1, "perplexity " + r.perplexity);
    // An untrained model is near uniform: its perplexity is about the vocabulary size.
    assertTrue(r.perplexity < 2 * r.vocabulary, "perplexity " + r.perplexity + " vocabulary " + r.vocabulary);
  }

  @Test
  void macbethTextIsWhereTheProgramsLookByDefault() throws IOException {
    Path p = Paths.get(System.getProperty("jkeras.shared", "../shared"), "data", "macbeth.txt");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p), "no " + p);
    String text = Files.readString(p, StandardCharsets.UTF_8);
    MacbethCharGeneration.Corpus c = new MacbethCharGeneration.Corpus(text);
    assertTrue(c.windows(50, 0) > 90_000, "windows " + c.windows(50, 0));
    assertTrue(WordLanguageModel.vectorizer(30).tokens(text).size() > 15_000);
  }
}
