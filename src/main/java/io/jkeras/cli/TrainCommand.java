package io.jkeras.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.Keras;
import io.jkeras.callbacks.Callback;
import io.jkeras.callbacks.History;
import io.jkeras.data.Dataset;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.TextVectorization;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.ModelFiles;
import io.jkeras.utils.Charts;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jkeras train job.json}: trains the job's model on its data and writes graphs/&lt;name&gt;/. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model from a JSON job config and write it, its history and a chart to graphs/<name>/.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB", description = "the job config (see config/*.json)")
  Path job;

  @picocli.CommandLine.Option(names = "--epochs", paramLabel = "N", description = "override the job's fit.epochs (e.g. a quick try)")
  Integer epochs;

  @picocli.CommandLine.Option(names = "--output", paramLabel = "DIR", description = "override the job's output directory")
  Path output;

  @Override
  public Integer call() throws Exception {
    JobConfig cfg = JobConfig.read(job);
    if (cfg.seed != null) Keras.setRandomSeed(cfg.seed);
    FitOptions fit = cfg.fitOptions();
    boolean resetEachEpoch = cfg.resetStatesEachEpoch();
    TextData text = cfg.isTextData() ? cfg.textData() : null;
    JobConfig.NamedData named = text == null && cfg.hasNamedData() ? cfg.namedData() : null;
    Dataset data = named == null && text == null ? cfg.data() : null;
    if (epochs != null) {
      if (epochs <= fit.initialEpoch()) {
        throw new ConfigException("--epochs must be greater than the job's fit.initial_epoch (" + fit.initialEpoch() + "), got " + epochs);
      }
      fit.epochs(epochs);
    }
    Path out = output != null ? output : cfg.output();
    fit.callbacks(cfg.callbacks());
    // The run's history: on resume, the epochs already done (history.csv) and then this run's.
    History record = new History();
    boolean resuming = cfg.resume() && ModelFiles.isModelDir(out);
    if (resuming) {
      int done = readHistory(out.resolve("history.csv"), record);
      if (done >= fit.epochs()) {
        throw new ConfigException(job + ": field 'resume': " + out + " has already trained " + done + " epochs and 'fit.epochs' is "
            + fit.epochs() + ": raise fit.epochs to train further (as in Keras, it is the number of the last epoch)");
      }
      fit.initialEpoch(Math.max(done, fit.initialEpoch()));
      System.out.println("Resuming from " + out + "/ after epoch " + done + " (weights, training config and optimizer state"
          + " from the model directory)");
    }
    fit.callbacks(record);
    try (Model model = resuming ? ModelFiles.loadModel(out) : cfg.anyModel()) {
      if (!(resuming && model.isCompiled())) cfg.compile(model);
      if (text != null) {
        // The model's TextVectorization turns the raw text into ids (adapted first when it has no vocabulary).
        FloatArray[] xy = text.prepare(model, job.toString());
        TextVectorization tv = (TextVectorization) model.firstLayerOf(0);
        data = new Dataset(xy[0], xy[1], tv.getVocabulary());
      }
      // x and y as fit takes them: one array each, or maps by input and output name.
      Object x;
      Object y;
      List<String> vocabulary;
      if (named == null && model.inputCount() == 1 && model.outputCount() == 1) {
        if (model.inputBatchShape() == null && text == null) {
          long[] s = data.x().shape();
          s[0] = -1;
          model.build(s);
        }
        if (text == null) {
          DataCheck.input(job.toString(), model, data.x(),
              "change the job's data section (framing, seq_length) or the model's input shape");
        }
        DataCheck.targets(job.toString(), model, data.x(), data.y());
        summary(model);
        System.out.println("Training on " + data.x().length() + " samples: x " + Shapes.toString(data.x().shape())
            + ", y " + Shapes.toString(data.y().shape()));
        x = data.x();
        y = data.y();
        vocabulary = data.vocabulary();
      } else {
        JobConfig.NamedData d = named != null ? named : cfg.asNamed(data);
        Map<String, FloatArray> xs = DataCheck.named(job.toString(), "data.x", "input", d.x(), d.xFiles(), model.inputNames(), null);
        int n = xs.values().iterator().next().length();
        Map<String, FloatArray> ys = DataCheck.named(job.toString(), "data.y", "output", d.y(), d.yFiles(), model.outputNames(), n);
        summary(model);
        System.out.println("Training on " + n + " samples: x " + shapes(xs) + "; y " + shapes(ys));
        x = xs;
        y = ys;
        vocabulary = d.vocabulary();
      }
      if (resetEachEpoch) {
        fit.callbacks(new Callback() {
          @Override
          public void onEpochEnd(int epoch, Map<String, Double> logs) {
            model().resetStates();
          }
        });
      }
      // Ctrl-C stops after the current batch; the model is still written before the JVM exits.
      CountDownLatch written = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        System.err.println("\nInterrupted: stopping after the current batch and writing the model...");
        model.stopTraining(true);
        try {
          written.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        try {
          model.fit(x, y, fit);
        } catch (IllegalArgumentException e) {
          // jkeras checks arguments and data in Java before training starts: a usage error.
          throw new ConfigException(job + ": " + e.getMessage(), e);
        }
        if (resetEachEpoch) model.resetStates();
        int batch = model.inputBatchShape()[0] > 0 ? (int) model.inputBatchShape()[0] : 32;
        Map<String, Double> scores = model.evaluate(x, y, batch);
        if (resetEachEpoch) model.resetStates();
        StringBuilder line = new StringBuilder("Final evaluation on the training data:");
        for (Map.Entry<String, Double> e : scores.entrySet()) {
          line.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
          if (e.getKey().contains("acc")) line.append(String.format(Locale.ROOT, " (%.2f%%)", 100 * e.getValue()));
        }
        if (model.outputCount() == 1 && model.loss().name().endsWith("crossentropy") && scores.containsKey("loss")) {
          line.append(String.format(Locale.ROOT, ", perplexity %.2f", Math.exp(scores.get("loss"))));
        }
        System.out.println(line);
        write(cfg, model, vocabulary, record, scores, out);
        System.out.println("Wrote " + out + "/: " + ModelFiles.CONFIG + " + " + ModelFiles.WEIGHTS
            + " (jkeras), saved_model.pb + variables/ (TensorFlow SavedModel), history.csv, history.png");
      } finally {
        written.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // already exiting through Ctrl-C: the hook is waiting for us, and we are done.
        }
      }
    }
    return Main.OK;
  }

  /** Keras's summary table (a Functional model's with its "Connected to" column). */
  private static void summary(Model model) {
    if (model instanceof Functional) ((Functional) model).summary();
    else ((Sequential) model).summary();
  }

  /** "a (10, 5, 3), b (10, 4)": named arrays' shapes, for the log. */
  private static String shapes(Map<String, FloatArray> arrays) {
    List<String> r = new ArrayList<>();
    for (Map.Entry<String, FloatArray> e : arrays.entrySet()) r.add(e.getKey() + " " + Shapes.toString(e.getValue().shape()));
    return String.join(", ", r);
  }

  private static void write(JobConfig cfg, Model model, List<String> vocabulary, History h, Map<String, Double> scores, Path out)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("history.csv", historyCsv(h));
    ObjectNode d = cfg.dataNode().deepCopy();
    if (vocabulary != null) d.set("vocabulary", json.valueToTree(vocabulary));
    extra.put("data.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(d));
    extra.put("job.json", Files.readString(cfg.file));
    extra.put("scores.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(scores));
    ModelFiles.save(model, out, extra, true);
    if (!Charts.historyPng(h.epochs(), h.history(), cfg.name, out.resolve("history.png"))) {
      Files.deleteIfExists(out.resolve("history.png"));
      System.out.println("No epoch completed: no history.png");
    }
  }

  /** Replays a history.csv into {@code h}; returns the number of epochs it holds (the next epoch's index). */
  static int readHistory(Path csv, History h) throws IOException {
    if (!Files.isRegularFile(csv)) return 0;
    List<String> lines = Files.readAllLines(csv);
    if (lines.isEmpty()) return 0;
    String[] keys = lines.get(0).split(",");
    int next = 0;
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) continue;
      String[] v = line.split(",", -1);
      Map<String, Double> logs = new LinkedHashMap<>();
      for (int i = 1; i < keys.length && i < v.length; i++) if (!v[i].isEmpty()) logs.put(keys[i], Double.parseDouble(v[i]));
      int epoch = Integer.parseInt(v[0]);
      h.onEpochEnd(epoch, logs);
      next = epoch + 1;
    }
    return next;
  }

  /** Keras CSVLogger's layout: epoch, then the logged keys in sorted order. */
  static String historyCsv(History h) {
    List<String> keys = new ArrayList<>(new TreeSet<>(h.history().keySet()));
    StringBuilder b = new StringBuilder("epoch");
    for (String k : keys) b.append(',').append(k);
    b.append('\n');
    List<Integer> epochs = h.epochs();
    for (int i = 0; i < epochs.size(); i++) {
      b.append(epochs.get(i));
      for (String k : keys) {
        List<Double> v = h.get(k);
        b.append(',').append(i < v.size() ? v.get(i).toString() : "");
      }
      b.append('\n');
    }
    return b.toString();
  }
}
