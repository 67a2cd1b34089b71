package io.jkeras.examples;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Input;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.optimizers.Adam;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A model with two inputs: a time series through an LSTM and static features through a Dense
 * layer, concatenated, then a small classifier. The generated data make the label depend on both:
 * {@code label = (the series rises) XOR (feature 0 > 0)}; the other features are noise. Each input
 * alone says nothing about the label (the XOR hides it), so a model that sees only the series, or
 * only the features, stays at chance (about 50%) while the two-input model learns the task. The
 * program trains all three on the same data and reports their held-out accuracies.
 *
 * <p>Usage: {@code TwoInputModel [--samples 2000] [--test 1000] [--epochs 30] [--timesteps 20]
 * [--features 4] [--seed 7] [--verbose 0]}; {@code --write-data DIR} writes the data of the job
 * config/two-input.json instead ({@code --samples 1500} by default) and trains nothing.
 */
public final class TwoInputModel {
  private TwoInputModel() {}

  /** Generated samples: series (n, timesteps, 1), features (n, features), labels (n, 1) of 0 and 1. */
  public static final class Data {
    public final FloatArray series;
    public final FloatArray features;
    public final FloatArray labels;
    /** Whether each series rises, and whether feature 0 is positive: the two halves of each label. */
    public final boolean[] rises;
    public final boolean[] positive;

    Data(FloatArray series, FloatArray features, FloatArray labels, boolean[] rises, boolean[] positive) {
      this.series = series;
      this.features = features;
      this.labels = labels;
      this.rises = rises;
      this.positive = positive;
    }

    /** The inputs by name, as the two-input model takes them. */
    public Map<String, FloatArray> inputs() {
      return Map.of("series", series, "features", features);
    }

    public int size() {
      return labels.length();
    }
  }

  /**
   * {@code n} samples: each series is a random level plus a slope of ±(0.5..1.5) over the
   * window, plus noise (sd 0.3); the features are standard normal.
   */
  public static Data generate(int n, int timesteps, int features, Random r) {
    float[] s = new float[n * timesteps];
    float[] f = new float[n * features];
    float[] y = new float[n];
    boolean[] rises = new boolean[n];
    boolean[] positive = new boolean[n];
    for (int i = 0; i < n; i++) {
      rises[i] = r.nextBoolean();
      double slope = (rises[i] ? 1 : -1) * (0.5 + r.nextDouble());
      double level = 2 * r.nextDouble() - 1;
      for (int t = 0; t < timesteps; t++) {
        s[i * timesteps + t] = (float) (level + slope * t / (timesteps - 1) + 0.3 * r.nextGaussian());
      }
      for (int j = 0; j < features; j++) f[i * features + j] = (float) r.nextGaussian();
      positive[i] = f[i * features] > 0;
      y[i] = rises[i] ^ positive[i] ? 1 : 0;
    }
    return new Data(new FloatArray(s, n, timesteps, 1), new FloatArray(f, n, features), new FloatArray(y, n, 1), rises,
        positive);
  }

  private static KerasTensor seriesBranch(KerasTensor series) {
    return new LSTM(16).name("series_lstm").apply(series);
  }

  private static KerasTensor featureBranch(KerasTensor features) {
    return new Dense(16).activation("relu").name("features_dense").apply(features);
  }

  private static KerasTensor classifier(KerasTensor x) {
    KerasTensor h = new Dense(16).activation("relu").name("hidden").apply(x);
    return new Dense(1).activation("sigmoid").name("label").apply(h);
  }

  /** series -> LSTM(16), features -> Dense(16, relu); concatenated -> Dense(16, relu) -> Dense(1, sigmoid). */
  public static Functional twoInputs(int timesteps, int features) {
    KerasTensor series = Input.named("series", timesteps, 1);
    KerasTensor feats = Input.named("features", features);
    KerasTensor merged = new Concatenate().name("merged").apply(seriesBranch(series), featureBranch(feats));
    return Model.of(List.of(series, feats), List.of(classifier(merged)), "two_inputs");
  }

  /** The same series branch and classifier without the features. */
  public static Functional seriesOnly(int timesteps) {
    KerasTensor series = Input.named("series", timesteps, 1);
    return Model.of(series, classifier(seriesBranch(series))).name("series_only");
  }

  /** The same feature branch and classifier without the series. */
  public static Functional featuresOnly(int features) {
    KerasTensor feats = Input.named("features", features);
    return Model.of(feats, classifier(featureBranch(feats))).name("features_only");
  }

  /** Held-out accuracies of the three models. */
  public static final class Result {
    public final double twoInputs;
    public final double seriesOnly;
    public final double featuresOnly;
    public final double seconds;

    Result(double twoInputs, double seriesOnly, double featuresOnly, double seconds) {
      this.twoInputs = twoInputs;
      this.seriesOnly = seriesOnly;
      this.featuresOnly = featuresOnly;
      this.seconds = seconds;
    }
  }

  /**
   * Writes {@code n} samples as the job config/two-input.json reads them: series.npy,
   * features.npy and labels.npy in {@code dir}.
   */
  public static void writeData(Path dir, int n, int timesteps, int features, long seed) throws IOException {
    Data d = generate(n, timesteps, features, new Random(seed));
    Files.createDirectories(dir);
    Npy.write(dir.resolve("series.npy"), d.series);
    Npy.write(dir.resolve("features.npy"), d.features);
    Npy.write(dir.resolve("labels.npy"), d.labels);
  }

  public static void main(String[] args) throws IOException {
    Options o = new Options(args, Set.of("samples", "test", "epochs", "timesteps", "features", "seed", "verbose", "write-data"));
    if (!o.string("write-data", "").isEmpty()) {
      Path dir = Paths.get(o.string("write-data", ""));
      writeData(dir, o.integer("samples", 1500), o.integer("timesteps", 20), o.integer("features", 4), o.integer("seed", 7));
      System.out.println("wrote series.npy, features.npy, labels.npy to " + dir);
      return;
    }
    run(o.integer("samples", 2000), o.integer("test", 1000), o.integer("epochs", 30), o.integer("timesteps", 20),
        o.integer("features", 4), o.integer("seed", 7), o.integer("verbose", 0), System.out);
  }

  /** Compiles and trains {@code m} on (x, y) and returns its accuracy on the held-out (heldX, heldY). */
  public static double trainAndScore(Functional m, Object x, FloatArray y, Object heldX, FloatArray heldY, FitOptions fit) {
    m.compile(new Adam(3e-3f), "binary_crossentropy", "accuracy");
    m.fit(x, y, fit);
    return m.evaluate(heldX, heldY).get("accuracy");
  }

  /** Trains the three models on the same generated data and prints their held-out accuracies. */
  public static Result run(int samples, int test, int epochs, int timesteps, int features, long seed, int verbose,
      PrintStream out) {
    long t0 = System.nanoTime();
    Random r = new Random(seed);
    Data train = generate(samples, timesteps, features, r);
    Data held = generate(test, timesteps, features, r);
    out.printf(Locale.ROOT, "%d training and %d held-out samples: series (%d, 1), %d features; label = rises XOR feature0 > 0%n",
        samples, test, timesteps, features);
    FitOptions fit = new FitOptions().epochs(epochs).batchSize(32).verbose(verbose);

    Keras.setRandomSeed(seed);
    double both;
    try (Functional m = twoInputs(timesteps, features)) {
      out.print(m.summaryString());
      both = trainAndScore(m, train.inputs(), train.labels, held.inputs(), held.labels, fit); // inputs by name
    }
    Keras.setRandomSeed(seed);
    double seriesAlone;
    try (Functional m = seriesOnly(timesteps)) {
      seriesAlone = trainAndScore(m, train.series, train.labels, held.series, held.labels, fit);
    }
    Keras.setRandomSeed(seed);
    double featuresAlone;
    try (Functional m = featuresOnly(features)) {
      featuresAlone = trainAndScore(m, train.features, train.labels, held.features, held.labels, fit);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "held-out accuracy, series only:   %.2f%%%n", 100 * seriesAlone);
    out.printf(Locale.ROOT, "held-out accuracy, features only: %.2f%%%n", 100 * featuresAlone);
    out.printf(Locale.ROOT, "held-out accuracy, both inputs:   %.2f%% (%.1fs)%n", 100 * both, seconds);
    return new Result(both, seriesAlone, featuresAlone, seconds);
  }
}
