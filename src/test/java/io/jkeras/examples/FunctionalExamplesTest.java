package io.jkeras.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.examples.Seq2SeqAddition.Seq2Seq;
import io.jkeras.examples.Seq2SeqAddition.Settings;
import io.jkeras.examples.Seq2SeqAddition.Sum;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.optimizers.Adam;
import io.jkeras.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The two Functional examples: the seq2seq data encoding, the inference loop with encoder and
 * decoder models made of the trained layers (it must agree with the training model run with
 * teacher forcing), and the two-input model against chance. The full-size runs, which measure
 * the accuracies of examples/RESULTS.md, are tagged slow.
 */
class FunctionalExamplesTest {
  private static final double CLOSE = 1e-5;

  // ----- Seq2SeqAddition -----

  @Test
  void sumsAreEncodedAsTeacherForcingNeedsAndDecodeBack() {
    List<Sum> sums = List.of(new Sum(535, 61), new Sum(999, 999), new Sum(0, 7));
    FloatArray q = Seq2SeqAddition.encoderInput(sums, 3);
    FloatArray in = Seq2SeqAddition.decoderInput(sums, 3);
    FloatArray target = Seq2SeqAddition.decoderTarget(sums, 3);
    assertArrayEquals(new long[] {3, 7, 14}, q.shape());
    assertArrayEquals(new long[] {3, 5, 14}, in.shape());
    assertArrayEquals(new long[] {3, 5, 14}, target.shape());
    assertEquals("535+61 ", Seq2SeqAddition.decode(q, 0));
    assertEquals("999+999", Seq2SeqAddition.decode(q, 1));
    assertEquals("0+7    ", Seq2SeqAddition.decode(q, 2));
    assertEquals("\t596", Seq2SeqAddition.decode(in, 0));
    assertEquals("596\n", Seq2SeqAddition.decode(target, 0));
    assertEquals("\t1998", Seq2SeqAddition.decode(in, 1));
    assertEquals("1998\n", Seq2SeqAddition.decode(target, 1));
    assertEquals("7\n", Seq2SeqAddition.decode(target, 2));
    // the target is the decoder input one step ahead; padding rows are all zero
    for (int i = 0; i < sums.size(); i++) {
      assertEquals(Seq2SeqAddition.decode(in, i).substring(1), Seq2SeqAddition.decode(target, i).replace("\n", ""));
    }
    float rowSum = 0;
    for (int k = 0; k < 14; k++) rowSum += in.get(2, 2, k) + target.get(2, 2, k);
    assertEquals(0f, rowSum, "after \"\\t7\" and \"7\\n\" the rows are padding");
    for (int t = 0; t < 7; t++) {
      float s = 0;
      for (int k = 0; k < 14; k++) s += q.get(2, t, k);
      assertEquals(1f, s, "each question row is one-hot, spaces included");
    }
  }

  @Test
  void heldOutSumsAreNotInTraining() {
    Random r = new Random(3);
    Set<Long> seen = new HashSet<>();
    List<Sum> train = Seq2SeqAddition.sums(2000, 2, r, seen);
    List<Sum> test = Seq2SeqAddition.sums(500, 2, r, seen);
    Set<String> trainPairs = new HashSet<>();
    for (Sum s : train) trainPairs.add(s.question());
    assertEquals(2000, trainPairs.size(), "training sums are distinct");
    for (Sum s : test) assertTrue(!trainPairs.contains(s.question()), s.question() + " is in training");
    for (Sum s : train) assertTrue(s.a < 100 && s.b < 100 && s.question().length() <= 5, s.question());
  }

  @Test
  void inferenceModelsShareTheTrainedLayersAndAgreeWithTeacherForcing() {
    Keras.setRandomSeed(11);
    int digits = 2;
    List<Sum> train = Seq2SeqAddition.sums(1000, digits, new Random(5), new HashSet<>());
    List<Sum> some = train.subList(0, 40);
    try (Seq2Seq m = new Seq2Seq(digits, 32)) {
      m.training.compile(new Adam(1e-2f), "categorical_crossentropy");
      m.training.fit(List.of(Seq2SeqAddition.encoderInput(train, digits), Seq2SeqAddition.decoderInput(train, digits)),
          Seq2SeqAddition.decoderTarget(train, digits), new FitOptions().epochs(8).batchSize(32).verbose(0));

      // The encoder and decoder models hold no weights of their own: they run the trained layers.
      Functional enc = m.encoderModel();
      Functional dec = m.decoderModel();
      assertEquals(m.encoder.countParams(), enc.countParams());
      assertEquals(m.decoder.countParams() + m.head.countParams(), dec.countParams());

      // Step by step with the true answers fed back (teacher forcing by hand), the decoder model
      // gives the training model's probabilities at every step: the states carry over.
      FloatArray q = Seq2SeqAddition.encoderInput(some, digits);
      FloatArray teacher = m.training.predict(List.of(q, Seq2SeqAddition.decoderInput(some, digits)));
      List<FloatArray> hc = enc.predictMulti(List.of(q));
      FloatArray h = hc.get(0);
      FloatArray c = hc.get(1);
      int v = Seq2SeqAddition.TOKENS.length();
      int len = Seq2SeqAddition.answerLength(digits);
      for (int t = 0; t < len; t++) {
        List<String> tokens = new ArrayList<>();
        for (Sum s : some) {
          String in = Seq2SeqAddition.START + s.answer();
          tokens.add(t < in.length() ? in.substring(t, t + 1) : "");
        }
        List<FloatArray> step = dec.predictMulti(List.of(Seq2SeqAddition.oneHot(tokens, 1, (char) 0), h, c));
        h = step.get(1);
        c = step.get(2);
        for (int i = 0; i < some.size(); i++) {
          for (int k = 0; k < v; k++) {
            assertEquals(teacher.get(i, t, k), step.get(0).get(i, 0, k), CLOSE, "sample " + i + " step " + t + " token " + k);
          }
        }
      }

      // The whole greedy loop: feeding the training model "\t" + the greedy answer, its argmax at
      // every step repeats that answer and then "\n" (where the loop stopped on it).
      List<String> greedy = m.answer(q);
      assertTrue(new HashSet<>(greedy).size() > 10, "answers depend on the question: " + greedy);
      List<String> forced = new ArrayList<>();
      for (String g : greedy) forced.add(Seq2SeqAddition.START + g.substring(0, Math.min(g.length(), len - 1)));
      FloatArray p = m.training.predict(List.of(q, Seq2SeqAddition.oneHot(forced, len, (char) 0)));
      for (int i = 0; i < some.size(); i++) {
        String g = greedy.get(i);
        String expected = g.length() < len ? g + Seq2SeqAddition.END : g;
        for (int t = 0; t < Math.min(expected.length(), len); t++) {
          float[] row = new float[v];
          for (int k = 0; k < v; k++) row[k] = p.get(i, t, k);
          assertEquals(expected.charAt(t), Seq2SeqAddition.TOKENS.charAt(Alphabet.argmax(row)),
              "sample " + i + " (" + some.get(i).question() + " -> \"" + g + "\") step " + t);
        }
      }
    }
  }

  @Test
  void seq2seqProgramRunsEndToEndWithTinySizes() {
    Seq2SeqAddition.Result r = Seq2SeqAddition.run(new Settings(2, 300, 2, 8, 32, 3e-3f, 50, 7), 0, AlphabetFramingsTest.QUIET);
    assertEquals(2, r.losses.size());
    assertTrue(r.losses.get(1) < r.losses.get(0), "losses " + r.losses);
    assertTrue(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  }

  // ----- TwoInputModel -----

  @Test
  void twoInputDataNeedBothInputs() {
    TwoInputModel.Data d = TwoInputModel.generate(400, 10, 3, new Random(1));
    assertArrayEquals(new long[] {400, 10, 1}, d.series.shape());
    assertArrayEquals(new long[] {400, 3}, d.features.shape());
    assertArrayEquals(new long[] {400, 1}, d.labels.shape());
    int rises = 0;
    int agreeSeries = 0;
    int agreeFeature = 0;
    for (int i = 0; i < d.size(); i++) {
      boolean label = d.labels.get(i, 0) == 1;
      assertEquals(d.rises[i] ^ d.positive[i], label);
      assertEquals(d.positive[i], d.features.get(i, 0) > 0);
      if (d.rises[i]) rises++;
      // a rising series ends above where it starts, noise aside
      if (d.rises[i] == label) agreeSeries++;
      if (d.positive[i] == label) agreeFeature++;
      if (d.rises[i]) assertTrue(d.series.get(i, 9, 0) - d.series.get(i, 0, 0) > -1.5);
    }
    assertTrue(rises > 150 && rises < 250, "rising series: " + rises);
    // neither half alone predicts the label
    assertTrue(Math.abs(agreeSeries - 200) < 50 && Math.abs(agreeFeature - 200) < 50, agreeSeries + " " + agreeFeature);
  }

  @Test
  void twoInputModelLearnsWhatTheSeriesAloneCannot() {
    Random r = new Random(7);
    TwoInputModel.Data train = TwoInputModel.generate(600, 10, 4, r);
    TwoInputModel.Data held = TwoInputModel.generate(400, 10, 4, r);
    FitOptions fit = new FitOptions().epochs(12).batchSize(32).verbose(0);
    Keras.setRandomSeed(7);
    double both;
    try (Functional m = TwoInputModel.twoInputs(10, 4)) {
      assertEquals(List.of("series", "features"), m.inputNames());
      both = TwoInputModel.trainAndScore(m, train.inputs(), train.labels, held.inputs(), held.labels, fit);
      // by name or in order: the same predictions
      assertArrayEquals(m.predict(held.inputs()).data(), m.predict(List.of(held.series, held.features)).data(), 0f);
    }
    Keras.setRandomSeed(7);
    double alone;
    try (Functional m = TwoInputModel.seriesOnly(10)) {
      alone = TwoInputModel.trainAndScore(m, train.series, train.labels, held.series, held.labels, fit);
    }
    assertTrue(both > 0.85, "two inputs: " + both);
    assertTrue(alone < 0.65, "series only: " + alone);
  }

  @Test
  void theTwoInputJobTrainsOnTheBundledData() throws Exception {
    // The bundled files are what the program writes with the seed the job names.
    Path data = Path.of("examples/data/two-input");
    TwoInputModel.Data d = TwoInputModel.generate(1500, 20, 4, new Random(7));
    assertArrayEquals(d.series.data(), Npy.read(data.resolve("series.npy")).data(), 0f);
    assertArrayEquals(d.features.data(), Npy.read(data.resolve("features.npy")).data(), 0f);
    assertArrayEquals(d.labels.data(), Npy.read(data.resolve("labels.npy")).data(), 0f);
    Path out = Files.createTempDirectory("two-input-job");
    CliRun r = CliRun.run("train", "config/two-input.json", "--epochs", "3", "--output", out.toString());
    assertEquals(0, r.code, r.err + r.out);
    assertTrue(r.out.contains("Connected to") && r.out.contains("val_accuracy"), r.out);
    assertTrue(Files.readString(out.resolve("history.csv")).contains("val_accuracy"));
  }

  // ----- full runs (examples/RESULTS.md) -----

  @Test
  @Tag("slow")
  void seq2seqQuickRunReachesANonTrivialAccuracy() {
    Seq2SeqAddition.Result r = Seq2SeqAddition.run(Settings.QUICK, 0, AlphabetFramingsTest.QUIET);
    assertTrue(r.testAccuracy > 0.5, "held-out exact match " + r.testAccuracy);
  }

  @Test
  @Tag("slow")
  void seq2seqFullRunAddsHeldOutSumsExactly() {
    Seq2SeqAddition.Result r = Seq2SeqAddition.run(Settings.FULL, 0, AlphabetFramingsTest.QUIET);
    assertTrue(r.testAccuracy > 0.9, "held-out exact match " + r.testAccuracy);
  }

  @Test
  @Tag("slow")
  void twoInputProgramBeatsEachInputAlone() {
    TwoInputModel.Result r = TwoInputModel.run(2000, 1000, 30, 20, 4, 7, 0, AlphabetFramingsTest.QUIET);
    assertTrue(r.twoInputs > 0.95, "two inputs: " + r.twoInputs);
    assertTrue(r.seriesOnly < 0.6, "series only: " + r.seriesOnly);
    assertTrue(r.featuresOnly < 0.6, "features only: " + r.featuresOnly);
  }
}
