package io.jkeras.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.data.ArrayFiles;
import io.jkeras.data.Dataset;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jkeras evaluate MODEL --x x.npy --y y.npy} or {@code --job job.json}: the loss and
 * metrics of a trained model on data, as Keras's {@code model.evaluate(x, y)}. A model of several
 * inputs or outputs takes its data from a job whose data.x and data.y map names to files.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a model on data (x and y array files, or a job's data section): loss and metrics, as Keras's evaluate.")
final class EvaluateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "the model: " + ModelLoader.FORMATS)
  Path model;

  @Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json config: Keras .weights.h5 or legacy .h5")
  Path weights;

  @Option(names = "--x", paramLabel = "FILE", description = "inputs (.npy, .json, .csv)")
  Path x;

  @Option(names = "--y", paramLabel = "FILE", description = "targets (.npy, .json, .csv)")
  Path y;

  @Option(names = "--job", paramLabel = "JOB", description = "take the data from this job's data section instead of --x/--y")
  Path job;

  @Option(names = "--loss", paramLabel = "NAME", description = "loss for a model without a training config (else the model's own)")
  String loss;

  @Option(names = "--metrics", paramLabel = "A,B", split = ",", description = "metrics with --loss, e.g. accuracy")
  String[] metrics = new String[0];

  @Option(names = "--batch-size", paramLabel = "N", description = "samples per batch (default 32, or the model's fixed batch size)")
  Integer batchSize;

  @Option(names = "--output", paramLabel = "FILE.json", description = "also write the scores as JSON")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (batchSize != null && batchSize <= 0) throw new ConfigException("--batch-size must be a positive number of samples, got " + batchSize);
    if ((job == null) == (x == null || y == null)) {
      throw new ConfigException("give the data as --x FILE --y FILE, or as --job JOB.json (its data section), not both");
    }
    Dataset data = null;
    JobConfig.NamedData named = null;
    String source;
    if (job != null) {
      JobConfig cfg = JobConfig.read(job);
      if (cfg.hasNamedData()) {
        named = cfg.namedData();
      } else {
        data = cfg.data();
        named = cfg.asNamed(data);
      }
      source = job.toString();
    } else {
      for (Path p : new Path[] {x, y}) if (!Files.isRegularFile(p)) throw new ConfigException(p + ": no such data file");
      try {
        data = new Dataset(ArrayFiles.read(x), ArrayFiles.read(y), null);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage(), e);
      }
      source = x + ", " + y;
    }
    try (Model m = ModelLoader.openModel(model, weights)) {
      if (loss != null) {
        // evaluate never steps the optimizer; compile needs one.
        try {
          m.compile("sgd", loss, metrics);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new ConfigException("--loss/--metrics: " + e.getMessage(), e);
        }
      } else if (!m.isCompiled()) {
        throw new ConfigException(model + " has no training config (loss and metrics): give --loss NAME [--metrics accuracy]");
      }
      Object xs;
      Object ys;
      int samples;
      if (data == null || m.inputCount() > 1 || m.outputCount() > 1) {
        // A model of several inputs or outputs: a job's data, each array by input and output name.
        if (named == null) {
          throw new ConfigException(model + ": " + ModelLoader.describe(m) + ": give the data as --job JOB.json whose"
              + " data.x and data.y map each input and output to its file");
        }
        Map<String, FloatArray> xa = DataCheck.named(source, "data.x", "input", named.x(), named.xFiles(), m.inputNames(), null);
        samples = xa.values().iterator().next().length();
        ys = DataCheck.named(source, "data.y", "output", named.y(), named.yFiles(), m.outputNames(), samples);
        xs = xa;
      } else {
        if (m.inputBatchShape() == null) {
          long[] s = data.x().shape();
          s[0] = -1;
          m.build(s);
        }
        DataCheck.input(source, m, data.x(), "give data of the model's input shape");
        DataCheck.targets(source, m, data.x(), data.y());
        xs = data.x();
        ys = data.y();
        samples = data.x().length();
      }
      long fixed = m.inputBatchShape()[0];
      int batch = fixed > 0 ? (int) fixed : batchSize == null ? 32 : batchSize;
      if (fixed > 0 && batchSize != null && batchSize != fixed) {
        throw new ConfigException("--batch-size " + batchSize + ": the model runs exactly " + fixed + " samples at a time");
      }
      Map<String, Double> scores;
      try {
        scores = m.evaluate(xs, ys, batch);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": " + e.getMessage(), e);
      }
      StringBuilder line = new StringBuilder(samples + " samples");
      for (Map.Entry<String, Double> e : scores.entrySet()) line.append(String.format(Locale.ROOT, " - %s: %.4f", e.getKey(), e.getValue()));
      System.out.println(line);
      if (output != null) {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(output.toFile(), scores);
        System.out.println("Wrote " + output);
      }
    }
    return Main.OK;
  }
}
