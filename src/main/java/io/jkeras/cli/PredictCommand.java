package io.jkeras.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.data.ArrayFiles;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.data.Npz;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Model;
import io.jkeras.models.NonFinite;
import io.jkeras.saving.savedmodel.SavedModel;
import io.jkeras.saving.savedmodel.SavedModelExporter;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jkeras predict MODEL --input x.npy [--output y.npy]}; for a model of several inputs
 * (a Keras Functional model, or a SavedModel's signature, with {@code --signature NAME})
 * {@code --input a=a.npy --input b=b.npy}, one per input by name; several outputs are written to
 * a folder of {@code <name>.npy} files or to one {@code .npz}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Run a model (jkeras model directory, SavedModel, .keras, .h5, .json + weights) on array files (.npy, .json, .csv).")
final class PredictCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "the model: " + ModelLoader.FORMATS)
  Path model;

  @Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json config: Keras .weights.h5 or legacy .h5")
  Path weights;

  @Option(names = "--input", required = true, paramLabel = "[NAME=]FILE",
      description = "an input file (.npy, .json, .csv); NAME= for a model of several inputs (one --input per input) or named SavedModel inputs; repeatable")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--output", paramLabel = "FILE|DIR",
      description = "outputs: a .npy or .json file, a .npz, or a folder (one <name>.npy per output); default: print")
  Path output;

  @picocli.CommandLine.Option(names = "--safe-mode", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "SavedModel safe mode (on by default): refuse graphs with ops that can read or write files, run Python or"
          + " reach the network (ReadFile, WriteFile, MatchingFiles, checkpoint ops outside the model's own variables/, ...);"
          + " --no-safe-mode only for a model you trust")
  boolean safeMode = true;

  @Option(names = "--signature", paramLabel = "NAME", description = "SavedModel signature (default serving_default)")
  String signature;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "samples per run (default 32; a model with a fixed batch size, such as a stateful one, runs that many)")
  Integer batchSize;

  @Option(names = "--input-shape", paramLabel = "D1,D2,...",
      description = "reshape each input row to this shape (without the batch), e.g. 3,1: lets a .csv (2-D) feed a 3-D model")
  String inputShape;

  @Option(names = "--decode", description = "print each sample's most likely label with its probability, using the vocabulary"
      + " in the model directory's data.json (written by train) or --vocabulary")
  boolean decode;

  @Option(names = "--top-k", paramLabel = "K", description = "print each sample's K most likely labels (or class ids without a vocabulary) with their probabilities")
  Integer topK;

  @Option(names = "--vocabulary", paramLabel = "FILE", description = "labels for --decode/--top-k: a data.json, or a text file with one label per line")
  Path vocabularyFile;

  @Option(names = "--strict-finite",
      description = "fail (exit 1) when an input or a weight holds NaN or infinite values; by default predict warns on standard error and goes on")
  boolean strictFinite;

  /** The first input file, for messages. */
  private Path firstInput;

  /** Each input's file, by the name it was given (unnamed: ""), for messages. */
  private final Map<String, Path> inputFiles = new LinkedHashMap<>();

  /** The batch size to run: the model's fixed one if it has one (an explicit different --batch-size is refused), else --batch-size or 32. */
  private int batchSize(long fixed) {
    if (batchSize != null && batchSize <= 0) throw new ConfigException("--batch-size must be a positive number of samples, got " + batchSize);
    if (fixed > 0) {
      if (batchSize != null && batchSize != fixed) {
        throw new ConfigException("--batch-size " + batchSize + ": the model runs exactly " + fixed
            + " samples at a time (its fixed batch size, as a stateful model has); leave --batch-size out or give " + fixed);
      }
      return (int) fixed;
    }
    if (batchSize != null && batchSize <= 0) throw new ConfigException("--batch-size must be positive, got " + batchSize);
    return batchSize == null ? SavedModel.DEFAULT_BATCH_SIZE : batchSize;
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(model)) throw new ConfigException(model + ": no such model file or directory");
    Map<String, Object> named = new LinkedHashMap<>();
    for (String in : inputs) {
      int eq = in.indexOf('=');
      String name = eq > 0 ? in.substring(0, eq) : null;
      Path file = Path.of(eq > 0 ? in.substring(eq + 1) : in);
      if (!Files.isRegularFile(file)) throw new ConfigException(file + ": no such input file");
      if (firstInput == null) firstInput = file;
      Object value;
      try {
        value = file.toString().endsWith(".npy") && Npy.isScalar(file) ? (Object) Npy.read(file).data()[0] : ArrayFiles.read(file);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage(), e);
      }
      if (named.put(name == null ? "" : name, value) != null) {
        throw new ConfigException("--input: " + (name == null ? "several unnamed inputs: name them NAME=FILE" : "input '" + name + "' given twice"));
      }
      inputFiles.put(name == null ? "" : name, file);
    }
    if (topK != null && topK < 1) throw new ConfigException("--top-k must be a positive number of labels, got " + topK);
    List<String> vocab = decode || topK != null ? vocabulary() : null;
    if (decode && vocab == null) {
      throw new ConfigException(model + ": --decode needs a vocabulary: the model directory has no data.json with one (train writes it"
          + " for text and alphabet sources); give --vocabulary FILE, or --top-k K for class ids");
    }
    // a warning about NaN/infinite values names the files they came from
    String source = "input " + inputFiles.values().stream().map(Path::toString).collect(Collectors.joining(", "))
        + (weights != null ? "; weights " + weights : "; model " + model);
    Map<String, FloatArray> results = NonFinite.withSource(source,
        () -> ModelLoader.isPlainSavedModel(model) ? runSavedModel(named) : runKeras(named));
    if (decode || topK != null) {
      Decoder.print(results, vocab, topK != null ? topK : 1, System.out);
      if (output != null) write(results);
      return Main.OK;
    }
    write(results);
    return Main.OK;
  }

  private Map<String, FloatArray> runKeras(Map<String, Object> named) {
    if (signature != null) throw new ConfigException("--signature applies to SavedModels; " + model + " is a Keras model");
    try (Model m = ModelLoader.openModel(model, weights)) {
      if (strictFinite) m.nonFinitePolicy(NonFinite.Policy.FAIL);
      if (m.inputCount() > 1) return runSeveral(m, named);
      if (named.size() != 1) throw new ConfigException("a Keras model takes one input, got " + named.keySet());
      FloatArray x = reshape(array(named.values().iterator().next()));
      long[] expected = m.inputBatchShape();
      if (expected != null && !Shapes.compatible(withoutBatch(expected), withoutBatch(x.shape()))) {
        boolean csv = firstInput.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        String fix = csv && expected.length > 2 && inputShape == null
            ? "a .csv holds a 2-D table (samples x features) and feeds only 2-D models: give a .npy or .json file,"
                + " or --input-shape " + shapeArg(expected) + " to reshape each row"
            : "give an input of shape " + Shapes.toString(expected) + " (any number of samples)";
        throw new ConfigException(firstInput + ": the input has shape " + Shapes.toString(x.shape())
            + " but the model " + model + " expects " + Shapes.toString(expected) + "; " + fix);
      }
      return byOutput(m, m.predictMulti(x, batchSize(expected != null ? expected[0] : -1)));
    }
  }

  /**
   * A model of several inputs: one {@code --input NAME=FILE} per input, each checked against
   * the model's input of that name, all with the same number of samples.
   */
  private Map<String, FloatArray> runSeveral(Model m, Map<String, Object> named) {
    List<String> names = m.inputNames();
    if (named.containsKey("")) {
      throw new ConfigException(inputFiles.get("") + ": the model " + model + " has " + names.size() + " inputs ("
          + String.join(", ", names) + "): give each as --input NAME=FILE");
    }
    if (inputShape != null) throw new ConfigException("--input-shape applies to a model of one input; " + model + " has " + names.size());
    for (String k : named.keySet()) {
      if (!names.contains(k)) {
        throw new ConfigException("--input " + k + "=" + inputFiles.get(k) + ": the model " + model + " has no input '" + k
            + "'; its inputs are " + String.join(", ", names));
      }
    }
    Map<String, FloatArray> xs = new LinkedHashMap<>();
    List<long[]> specs = m.inputSpecs();
    String first = null;
    for (int i = 0; i < names.size(); i++) {
      String k = names.get(i);
      if (!named.containsKey(k)) {
        throw new ConfigException("--input: no file for input '" + k + "' of the model " + model + " (its inputs: "
            + String.join(", ", names) + "); give --input " + k + "=FILE");
      }
      FloatArray x = array(named.get(k));
      long[] expected = specs.get(i);
      if (expected != null && (x.shape().length != expected.length || !Shapes.compatible(withoutBatch(expected), withoutBatch(x.shape())))) {
        throw new ConfigException(inputFiles.get(k) + ": input '" + k + "' has shape " + Shapes.toString(x.shape())
            + " but the model " + model + " expects " + Shapes.toString(expected) + " for it (any number of samples)");
      }
      if (first != null && x.length() != xs.get(first).length()) {
        throw new ConfigException(inputFiles.get(k) + ": input '" + k + "' has " + x.length() + " samples but input '" + first
            + "' (" + inputFiles.get(first) + ") has " + xs.get(first).length() + "; every input needs the same number of samples");
      }
      if (first == null) first = k;
      xs.put(k, x);
    }
    long[] spec = specs.get(0);
    return byOutput(m, m.predictMulti(xs, batchSize(spec != null ? spec[0] : -1)));
  }

  /** Each output by its name (the output layer's; a layer that gives several outputs numbers the later ones). */
  private static Map<String, FloatArray> byOutput(Model m, List<FloatArray> ys) {
    List<String> keys = SavedModelExporter.outputKeys(m, new ExportOptions(), List.of());
    Map<String, FloatArray> r = new LinkedHashMap<>();
    for (int i = 0; i < ys.size(); i++) r.put(keys.get(i), ys.get(i));
    return r;
  }

  private static FloatArray array(Object v) {
    return v instanceof FloatArray ? (FloatArray) v : new FloatArray(new float[] {(Float) v}, 1);
  }

  private Map<String, FloatArray> runSavedModel(Map<String, Object> named) {
    try (SavedModel sm = SavedModel.load(model, SavedModel.LoadOptions.DEFAULT.withSafeMode(safeMode))) {
      if (strictFinite) sm.nonFinitePolicy(NonFinite.Policy.FAIL);
      SavedModel.Signature sig = signature == null ? sm.defaultSignature() : sm.signature(signature);
      Map<String, Object> feeds = new LinkedHashMap<>();
      if (named.containsKey("")) {
        if (named.size() > 1 || sig.inputs().size() != 1) {
          throw new ConfigException("signature '" + sig.name() + "' has inputs " + sig.inputs().keySet()
              + ": give them as --input NAME=FILE");
        }
        feeds.put(sig.inputs().keySet().iterator().next(), named.get(""));
      } else {
        feeds.putAll(named);
      }
      return sig.predict(feeds, batchSize(sig.fixedBatchSize()));
    }
  }

  private void write(Map<String, FloatArray> results) throws Exception {
    if (output == null) {
      for (Map.Entry<String, FloatArray> e : results.entrySet()) {
        FloatArray y = e.getValue();
        System.out.println(e.getKey() + " " + Shapes.toString(y.shape()));
        int row = y.rowSize();
        for (int i = 0; i < y.length(); i++) System.out.println(Arrays.toString(Arrays.copyOfRange(y.data(), i * row, (i + 1) * row)));
      }
      return;
    }
    String name = output.getFileName().toString();
    if (name.endsWith(".npz")) {
      Npz.write(output, results);
    } else if (name.endsWith(".npy") || name.endsWith(".json")) {
      if (results.size() != 1) {
        throw new ConfigException("the model has " + results.size() + " outputs " + results.keySet()
            + ": give --output a folder or a .npz file");
      }
      ArrayFiles.write(output, results.values().iterator().next());
    } else {
      Files.createDirectories(output);
      for (Map.Entry<String, FloatArray> e : results.entrySet()) Npy.write(output.resolve(e.getKey() + ".npy"), e.getValue());
    }
    for (Map.Entry<String, FloatArray> e : results.entrySet()) {
      System.out.println("Wrote " + e.getKey() + " " + Shapes.toString(e.getValue().shape()) + " to " + output);
    }
  }

  /** The labels from --vocabulary or the model directory's data.json; null when there are none. */
  private List<String> vocabulary() throws IOException {
    Path f = vocabularyFile;
    if (f == null) {
      f = Files.isDirectory(model) ? model.resolve("data.json") : null;
      if (f == null || !Files.isRegularFile(f)) return null;
    } else if (!Files.isRegularFile(f)) {
      throw new ConfigException(f + ": no such vocabulary file");
    }
    List<String> labels = new ArrayList<>();
    if (f.getFileName().toString().endsWith(".json")) {
      new ObjectMapper().readTree(f.toFile()).path("vocabulary").forEach(v -> labels.add(v.asText()));
      if (labels.isEmpty() && vocabularyFile != null) throw new ConfigException(f + ": no \"vocabulary\" list");
    } else {
      labels.addAll(Files.readAllLines(f));
    }
    return labels.isEmpty() ? null : labels;
  }

  /** Applies --input-shape: each sample's values keep their order, as numpy's reshape. */
  private FloatArray reshape(FloatArray x) {
    if (inputShape == null) return x;
    String[] parts = inputShape.split(",");
    long[] shape = new long[parts.length + 1];
    long per = 1;
    try {
      for (int i = 0; i < parts.length; i++) {
        shape[i + 1] = Long.parseLong(parts[i].trim());
        if (shape[i + 1] <= 0) throw new NumberFormatException();
        per *= shape[i + 1];
      }
    } catch (NumberFormatException e) {
      throw new ConfigException("--input-shape must be positive integers separated by commas (e.g. 3,1), got " + inputShape);
    }
    if (x.data().length % per != 0 || x.rowSize() != per) {
      throw new ConfigException(firstInput + ": each sample has " + x.rowSize() + " values; --input-shape " + inputShape
          + " needs " + per);
    }
    shape[0] = x.length();
    return new FloatArray(x.data(), shape);
  }

  private static String shapeArg(long[] batchShape) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < batchShape.length; i++) b.append(i > 1 ? "," : "").append(batchShape[i] < 0 ? "N" : String.valueOf(batchShape[i]));
    return b.toString();
  }

  private static long[] withoutBatch(long[] s) {
    long[] r = s.clone();
    r[0] = -1;
    return r;
  }
}
