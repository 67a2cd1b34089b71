package io.jkeras.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.callbacks.Callback;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.Alphabet;
import io.jkeras.data.ArrayFiles;
import io.jkeras.data.Dataset;
import io.jkeras.data.FloatArray;
import io.jkeras.data.TextSequences;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Optimizer;
import io.jkeras.optimizers.OptimizerConfigs;
import io.jkeras.saving.keras.KerasJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A training job: the model (Keras JSON inline or a path), Keras's compile and fit arguments,
 * the data source and the output directory. Every field is checked here, before anything is
 * built, and errors name the field and the allowed values. See config/*.json and README.md.
 */
public final class JobConfig {
  static final Set<String> TOP = Set.of("name", "seed", "model", "compile", "fit", "data", "output", "description", "callbacks",
      "resume");
  static final Set<String> COMPILE = Set.of("optimizer", "loss", "loss_weights", "metrics");
  static final Set<String> FIT = Set.of("epochs", "batch_size", "shuffle", "verbose", "validation_split", "reset_states", "prefetch",
      "initial_epoch");
  static final List<String> SOURCES = List.of("alphabet", "text", "arrays", "labeled_text");

  final Path file;
  final JsonNode root;
  final String name;
  final Long seed;

  private JobConfig(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
    checkKeys(root, TOP, "");
    this.name = text(root, "name", null, "");
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException(file + ": field 'name' is required: letters, digits, '.', '_' or '-', got " + root.get("name"));
    }
    this.seed = root.has("seed") ? longValue(root, "seed") : null;
  }

  public static JobConfig read(Path file) {
    if (!Files.isRegularFile(file)) throw new ConfigException(file + ": no such job file");
    try {
      return new JobConfig(file, KerasJson.parse(Files.readString(file)));
    } catch (KerasFormatException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private void checkKeys(JsonNode n, Set<String> allowed, String prefix) {
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new ConfigException(file + ": unknown field '" + prefix + k + "'; allowed: " + new TreeSet<>(allowed));
      }
    }
  }

  private String text(JsonNode n, String key, String def, String prefix) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) return def;
    if (!v.isTextual()) throw new ConfigException(file + ": field '" + prefix + key + "' must be a string, got " + v);
    return v.asText();
  }

  private int intValue(JsonNode n, String key, int def, String prefix, int min) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) return def;
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
      throw new ConfigException(file + ": field '" + prefix + key + "' must be an integer >= " + min + ", got " + v);
    }
    return v.asInt();
  }

  private long longValue(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (!v.isIntegralNumber()) throw new ConfigException(file + ": field '" + key + "' must be an integer, got " + v);
    return v.asLong();
  }

  private boolean bool(JsonNode n, String key, boolean def, String prefix) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) return def;
    if (!v.isBoolean()) throw new ConfigException(file + ": field '" + prefix + key + "' must be true or false, got " + v);
    return v.asBoolean();
  }

  private JsonNode object(String key) {
    JsonNode v = root.get(key);
    if (v == null || !v.isObject()) throw new ConfigException(file + ": field '" + key + "' must be an object, got " + v);
    return v;
  }

  /**
   * A path relative to the job file's directory (so a job runs from any directory), else relative
   * to the working directory when it exists there (older jobs were written that way).
   */
  Path resolve(String p) {
    Path q = Path.of(p);
    if (q.isAbsolute()) return q;
    Path r = file.toAbsolutePath().getParent().resolve(p).normalize();
    if (Files.exists(r) || !Files.exists(q)) return r;
    return q;
  }

  /** A field's path that exists, or a message saying where it was looked for. */
  Path existing(String field, String p) {
    Path r = resolve(p);
    if (Files.exists(r)) return r;
    throw new ConfigException(file + ": field '" + field + "': no such file " + p + " (relative paths are read from the job"
        + " file's directory " + file.toAbsolutePath().getParent() + ", then from the working directory "
        + Path.of("").toAbsolutePath() + ")");
  }

  /**
   * The model: inline Keras JSON, or a path to a Keras JSON config (fresh weights), a Keras
   * {@code .keras} archive, a full-model {@code .h5}, a SavedModel with a Keras config or a jkeras
   * model directory (trained weights, compiled when the file holds a training config), so that a
   * job can fine-tune a Python-trained model.
   */
  public Sequential model() {
    Model m = anyModel();
    if (m instanceof Sequential) return (Sequential) m;
    String what = ModelLoader.describe(m);
    m.close();
    throw new ConfigException(file + ": field 'model': " + what + "; a Sequential model is needed here");
  }

  /** {@link #model()} for any model: a Sequential, or a Functional graph of several inputs or outputs. */
  public Model anyModel() {
    JsonNode m = root.get("model");
    if (m == null) {
      throw new ConfigException(file + ": field 'model' is required (inline Keras JSON, or a path to " + ModelLoader.FORMATS + ")");
    }
    try {
      if (m.isTextual()) {
        Path p = existing("model", m.asText());
        return ModelLoader.openModel(p);
      }
      if (!m.isObject()) throw new ConfigException(file + ": field 'model' must be inline Keras JSON or a path, got " + m);
      return KerasJson.modelFromTree(m, -1);
    } catch (KerasFormatException e) {
      throw new ConfigException(file + ": field 'model': " + e.getMessage(), e);
    } catch (ConfigException e) {
      if (e.getMessage().startsWith(file.toString())) throw e;
      throw new ConfigException(file + ": field 'model': " + e.getMessage(), e);
    }
  }

  /** Whether the job has a compile section (optional when the model file holds a training config). */
  public boolean hasCompile() {
    JsonNode c = root.get("compile");
    return c != null && !c.isNull();
  }

  /**
   * Compiles {@code model} with the job's Keras compile arguments; without a compile section, keeps
   * the compilation the model file carried (Keras's training config), and refuses a model that has none.
   */
  public void compile(Model model) {
    if (!hasCompile()) {
      if (model.isCompiled()) return;
      throw new ConfigException(file + ": field 'compile' is required: the model has no training config of its own"
          + " (e.g. \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"})");
    }
    JsonNode c = object("compile");
    checkKeys(c, COMPILE, "compile.");
    JsonNode opt = c.get("optimizer");
    if (opt == null) throw new ConfigException(file + ": field 'compile.optimizer' is required, e.g. \"adam\"");
    Optimizer optimizer;
    try {
      optimizer = OptimizerConfigs.fromConfig(opt, "compile.optimizer");
    } catch (KerasFormatException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
    JsonNode lossNode = c.get("loss");
    JsonNode m = c.get("metrics");
    JsonNode w = c.get("loss_weights");
    boolean perOutput = lossNode != null && lossNode.isObject() || m != null && m.isObject() || w != null && !w.isNull();
    if (perOutput) {
      compilePerOutput(model, optimizer, lossNode, w, m);
      return;
    }
    String loss = text(c, "loss", null, "compile.");
    if (loss == null) throw new ConfigException(file + ": field 'compile.loss' is required, e.g. \"categorical_crossentropy\"");
    List<String> metrics = new ArrayList<>();
    if (m != null && !m.isNull()) {
      if (!m.isArray()) throw new ConfigException(file + ": field 'compile.metrics' must be a list of names, got " + m);
      for (JsonNode x : m) metrics.add(x.asText());
    }
    try {
      model.compile(optimizer, loss, metrics.toArray(new String[0]));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": field 'compile': " + e.getMessage(), e);
    }
  }

  /**
   * Keras's compile dict form, by output name: "loss" one name for every output or
   * {"out": "mse", ...}; "loss_weights" {"out": 0.5, ...} (1 where not given); "metrics" a list
   * for every output or {"out": ["accuracy"], ...}.
   */
  private void compilePerOutput(Model model, Optimizer optimizer, JsonNode lossNode, JsonNode w, JsonNode m) {
    List<String> outputs = model.outputNames();
    Map<String, Object> losses = new LinkedHashMap<>();
    if (lossNode == null || lossNode.isNull()) {
      throw new ConfigException(file + ": field 'compile.loss' is required: a name, or one per output {" + example(outputs, "\"mse\"") + "}");
    } else if (lossNode.isTextual()) {
      for (String o : outputs) losses.put(o, lossNode.asText());
    } else if (lossNode.isObject()) {
      lossNode.fields().forEachRemaining(e -> {
        if (!e.getValue().isTextual()) {
          throw new ConfigException(file + ": field 'compile.loss." + e.getKey() + "' must be a loss name, got " + e.getValue());
        }
        losses.put(e.getKey(), e.getValue().asText());
      });
    } else {
      throw new ConfigException(file + ": field 'compile.loss' must be a loss name or an object by output name, got " + lossNode);
    }
    Map<String, Double> weights = null;
    if (w != null && !w.isNull()) {
      if (!w.isObject()) {
        throw new ConfigException(file + ": field 'compile.loss_weights' must be an object by output name, e.g. {"
            + example(outputs, "0.5") + "}, got " + w);
      }
      Map<String, Double> ws = new LinkedHashMap<>();
      w.fields().forEachRemaining(e -> {
        if (!e.getValue().isNumber()) {
          throw new ConfigException(file + ": field 'compile.loss_weights." + e.getKey() + "' must be a number, got " + e.getValue());
        }
        ws.put(e.getKey(), e.getValue().asDouble());
      });
      weights = ws;
    }
    Map<String, List<String>> metrics = new LinkedHashMap<>();
    if (m != null && !m.isNull()) {
      if (m.isArray()) {
        List<String> all = names(m, "compile.metrics");
        for (String o : outputs) metrics.put(o, all);
      } else if (m.isObject()) {
        m.fields().forEachRemaining(e -> metrics.put(e.getKey(), names(e.getValue(), "compile.metrics." + e.getKey())));
      } else {
        throw new ConfigException(file + ": field 'compile.metrics' must be a list of names or an object by output name, got " + m);
      }
    }
    try {
      model.compile(optimizer, losses, weights, metrics);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": field 'compile': " + e.getMessage(), e);
    }
  }

  private List<String> names(JsonNode n, String field) {
    if (n.isTextual()) return List.of(n.asText());
    if (!n.isArray()) throw new ConfigException(file + ": field '" + field + "' must be a list of names, got " + n);
    List<String> r = new ArrayList<>();
    for (JsonNode x : n) r.add(x.asText());
    return r;
  }

  private static String example(List<String> names, String value) {
    List<String> r = new ArrayList<>();
    for (String n : names) r.add("\"" + n + "\": " + value);
    return String.join(", ", r);
  }

  /** Keras's fit arguments, with Keras's defaults. */
  public FitOptions fitOptions() {
    JsonNode f = root.has("fit") ? object("fit") : new ObjectMapper().createObjectNode();
    checkKeys(f, FIT, "fit.");
    JsonNode e = f.get("epochs");
    if (e != null && e.isIntegralNumber() && e.asInt() < 1) {
      throw new ConfigException(file + ": field 'fit.epochs' must be an integer >= 1, got " + e
          + ": 0 epochs would write an untrained model; to score a model on data, use `jkeras evaluate`");
    }
    FitOptions o = new FitOptions()
        .epochs(intValue(f, "epochs", 1, "fit.", 1))
        .batchSize(intValue(f, "batch_size", 32, "fit.", 1))
        .shuffle(bool(f, "shuffle", true, "fit."))
        .verbose(intValue(f, "verbose", 1, "fit.", 0))
        .prefetch(intValue(f, "prefetch", 0, "fit.", 0));
    int initial = intValue(f, "initial_epoch", 0, "fit.", 0);
    if (initial >= o.epochs()) {
      // Keras's epochs is the index of the last epoch, not a count: epochs <= initial_epoch trains nothing.
      throw new ConfigException(file + ": field 'fit.epochs' (" + o.epochs() + ") must be greater than 'fit.initial_epoch' ("
          + initial + "): as in Keras, epochs is the number of the last epoch, so nothing would be trained");
    }
    o.initialEpoch(initial);
    if (o.verbose() > 2) throw new ConfigException(file + ": field 'fit.verbose' must be 0, 1 or 2");
    JsonNode vs = f.get("validation_split");
    if (vs != null) {
      if (!vs.isNumber() || vs.asDouble() < 0 || vs.asDouble() >= 1) {
        throw new ConfigException(file + ": field 'fit.validation_split' must be a number in [0, 1), got " + vs);
      }
      o.validationSplit(vs.asDouble());
    }
    return o;
  }

  /** "epoch" resets stateful layers after every epoch (the stateful tutorial's loop); "never" (default) does not. */
  public boolean resetStatesEachEpoch() {
    JsonNode f = root.get("fit");
    String v = f == null ? "never" : text(f, "reset_states", "never", "fit.");
    if (!v.equals("epoch") && !v.equals("never")) {
      throw new ConfigException(file + ": field 'fit.reset_states' must be \"epoch\" or \"never\", got \"" + v + "\"");
    }
    return v.equals("epoch");
  }

  /** "resume": true continues from the model the output directory holds (its last save), after its history.csv's epochs. */
  public boolean resume() {
    return bool(root, "resume", false, "");
  }

  /** The output directory (default graphs/&lt;name&gt;). */
  public Path output() {
    String o = text(root, "output", null, "");
    return o == null ? Path.of("graphs", name) : Path.of(o);
  }

  /** The job's Keras callbacks. */
  public List<Callback> callbacks() {
    return CallbackConfigs.fromJob(root.get("callbacks"), file);
  }

  /** The data source's description, as stored next to the model (for generate). */
  public JsonNode dataNode() {
    return object("data");
  }

  /**
   * Arrays for a model of several inputs or outputs, each under its name; a name of "" stands for
   * the one file given where the job names none (checked against the model by {@link DataCheck#named}).
   */
  public record NamedData(Map<String, FloatArray> x, Map<String, FloatArray> y, Map<String, Path> xFiles,
      Map<String, Path> yFiles, List<String> vocabulary) {}

  /** True for an arrays source whose x or y maps names to files ({"a": "a.npy", "b": "b.npy"}). */
  public boolean hasNamedData() {
    JsonNode d = object("data");
    return "arrays".equals(d.path("source").asText()) && (d.path("x").isObject() || d.path("y").isObject());
  }

  /**
   * The data for a model of several inputs or outputs: "x" and "y" of an arrays source as a file
   * or an object by input (output) name, Keras's dict form; any other source as its one x and y.
   */
  public NamedData namedData() {
    if (!hasNamedData()) return asNamed(data());
    JsonNode d = object("data");
    checkKeys(d, Set.of("source", "x", "y"), "data.");
    Map<String, Path> xFiles = files(d, "x");
    Map<String, Path> yFiles = files(d, "y");
    try {
      return new NamedData(read(xFiles, "x"), read(yFiles, "y"), xFiles, yFiles, null);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read data: " + e.getMessage(), e);
    }
  }

  /** {@code data} (this job's {@link #data()}) as its one x and y, under the name "". */
  public NamedData asNamed(Dataset data) {
    JsonNode d = object("data");
    Map<String, Path> xs = new LinkedHashMap<>();
    Map<String, Path> ys = new LinkedHashMap<>();
    xs.put("", d.path("x").isTextual() ? resolve(d.get("x").asText()) : null);
    ys.put("", d.path("y").isTextual() ? resolve(d.get("y").asText()) : null);
    return new NamedData(Map.of("", data.x()), Map.of("", data.y()), xs, ys, data.vocabulary());
  }

  private Map<String, Path> files(JsonNode d, String key) {
    JsonNode v = d.get(key);
    Map<String, Path> r = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      throw new ConfigException(file + ": fields 'data.x' and 'data.y' are required for arrays (a file, or an object by"
          + (key.equals("x") ? " input" : " output") + " name: {\"name\": \"file.npy\"})");
    }
    if (v.isTextual()) {
      r.put("", existing("data." + key, v.asText()));
      return r;
    }
    if (!v.isObject() || v.size() == 0) {
      throw new ConfigException(file + ": field 'data." + key + "' must be a file or an object by" + (key.equals("x") ? " input" : " output")
          + " name ({\"name\": \"file.npy\"}), got " + v);
    }
    v.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw new ConfigException(file + ": field 'data." + key + "." + e.getKey() + "' must be a file name, got " + e.getValue());
      }
      r.put(e.getKey(), existing("data." + key + "." + e.getKey(), e.getValue().asText()));
    });
    return r;
  }

  private Map<String, FloatArray> read(Map<String, Path> files, String key) throws IOException {
    Map<String, FloatArray> r = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      try {
        r.put(e.getKey(), ArrayFiles.read(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(file + ": field 'data." + key + (e.getKey().isEmpty() ? "" : "." + e.getKey()) + "': "
            + ex.getMessage(), ex);
      }
    }
    return r;
  }

  /**
   * Whether the job's data is raw text for a TextVectorization model: source "labeled_text", or
   * source "text" with encoding "text".
   */
  boolean isTextData() {
    JsonNode d = object("data");
    String source = d.path("source").asText("");
    return source.equals("labeled_text") || source.equals("text") && d.path("encoding").asText("").equals("text");
  }

  /**
   * The raw text of such a job: "labeled_text" reads a file of lines {@code label<TAB>text}
   * (labels are class ids; blank lines and lines starting with # are skipped); "text" with
   * encoding "text" reads a corpus windowed by the model's TextVectorization.
   */
  TextData textData() {
    JsonNode d = object("data");
    String source = text(d, "source", null, "data.");
    try {
      if (source.equals("labeled_text")) {
        checkKeys(d, Set.of("source", "path", "max_samples"), "data.");
        String path = text(d, "path", null, "data.");
        if (path == null) throw new ConfigException(file + ": field 'data.path' is required for labeled_text");
        Path p = existing("data.path", path);
        int max = intValue(d, "max_samples", 0, "data.", 0);
        List<String> texts = new java.util.ArrayList<>();
        List<Float> labels = new java.util.ArrayList<>();
        int lineNo = 0;
        for (String line : java.nio.file.Files.readAllLines(p, java.nio.charset.StandardCharsets.UTF_8)) {
          lineNo++;
          if (line.isBlank() || line.startsWith("#")) continue;
          int tab = line.indexOf('\t');
          if (tab < 0) throw new ConfigException(file + ": field 'data.path': " + p + " line " + lineNo + " has no tab (label<TAB>text)");
          try {
            int label = Integer.parseInt(line.substring(0, tab).strip());
            if (label < 0) throw new NumberFormatException();
            labels.add((float) label);
          } catch (NumberFormatException e) {
            throw new ConfigException(file + ": field 'data.path': " + p + " line " + lineNo + ": the label '" + line.substring(0, tab)
                + "' is not a class id (an integer >= 0)");
          }
          texts.add(line.substring(tab + 1));
          if (max > 0 && texts.size() == max) break;
        }
        if (texts.isEmpty()) throw new ConfigException(file + ": field 'data.path': " + p + " holds no labelled lines");
        float[] y = new float[labels.size()];
        for (int i = 0; i < y.length; i++) y[i] = labels.get(i);
        return TextData.labeled(texts, new FloatArray(y, y.length));
      }
      checkKeys(d, Set.of("source", "path", "seq_length", "step", "encoding", "targets", "max_samples"), "data.");
      String path = text(d, "path", null, "data.");
      if (path == null) throw new ConfigException(file + ": field 'data.path' is required for a text source");
      if (!text(d, "targets", "sequence", "data.").equals("sequence")) {
        throw new ConfigException(file + ": field 'data.targets' must be \"sequence\" with encoding \"text\" (each target the"
            + " window shifted by one token)");
      }
      String corpus = java.nio.file.Files.readString(existing("data.path", path), java.nio.charset.StandardCharsets.UTF_8);
      return TextData.corpus(corpus, intValue(d, "seq_length", 30, "data.", 1), intValue(d, "step", 1, "data.", 1),
          intValue(d, "max_samples", 0, "data.", 0));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read data: " + e.getMessage(), e);
    }
  }

  /** Loads the data source. */
  public Dataset data() {
    if (isTextData()) {
      throw new ConfigException(file + ": field 'data': raw text (source \"labeled_text\", or encoding \"text\") is vectorized by"
          + " the model's TextVectorization layer: only the train command reads it (yet)");
    }
    JsonNode d = object("data");
    String source = text(d, "source", null, "data.");
    if (source == null || !SOURCES.contains(source)) {
      throw new ConfigException(file + ": field 'data.source' must be one of " + SOURCES + ", got " + d.get("source"));
    }
    try {
      switch (source) {
        case "alphabet": {
          checkKeys(d, Set.of("source", "framing", "seq_length", "samples", "seed"), "data.");
          String framing = text(d, "framing", "one_char", "data.");
          if (!Alphabet.FRAMINGS.contains(framing)) {
            throw new ConfigException(file + ": field 'data.framing' must be one of " + Alphabet.FRAMINGS + ", got \"" + framing + "\"");
          }
          int seqLength = intValue(d, "seq_length", framing.equals("variable_length") ? 5 : 3, "data.", 1);
          int samples = intValue(d, "samples", 1000, "data.", 1);
          long dataSeed = d.has("seed") ? d.get("seed").asLong() : (seed == null ? 7 : seed);
          return Alphabet.framing(framing, seqLength, samples, dataSeed);
        }
        case "text": {
          checkKeys(d, Set.of("source", "path", "level", "lowercase", "seq_length", "step", "encoding", "targets",
              "target_encoding", "max_samples"), "data.");
          String path = text(d, "path", null, "data.");
          if (path == null) throw new ConfigException(file + ": field 'data.path' is required for a text source");
          Path p = existing("data.path", path);
          String level = text(d, "level", "char", "data.");
          if (!level.equals("char") && !level.equals("word")) {
            throw new ConfigException(file + ": field 'data.level' must be \"char\" or \"word\", got \"" + level + "\"");
          }
          String enc = text(d, "encoding", "normalized", "data.");
          TextSequences.Encoding encoding;
          try {
            encoding = TextSequences.Encoding.valueOf(enc.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": field 'data.encoding' must be \"normalized\", \"onehot\" or \"ids\", got \"" + enc + "\"");
          }
          String targets = text(d, "targets", "next", "data.");
          if (!targets.equals("next") && !targets.equals("sequence")) {
            throw new ConfigException(file + ": field 'data.targets' must be \"next\" or \"sequence\", got \"" + targets + "\"");
          }
          String targetEncoding = text(d, "target_encoding", "onehot", "data.");
          if (!targetEncoding.equals("onehot") && !targetEncoding.equals("ids")) {
            throw new ConfigException(file + ": field 'data.target_encoding' must be \"onehot\" or \"ids\" (for"
                + " sparse_categorical_crossentropy), got \"" + targetEncoding + "\"");
          }
          TextSequences text = TextSequences.read(p, level.equals("char"), bool(d, "lowercase", true, "data."));
          return text.windows(intValue(d, "seq_length", 50, "data.", 1), intValue(d, "step", 1, "data.", 1), encoding,
              targets.equals("sequence"), targetEncoding.equals("ids"), intValue(d, "max_samples", 0, "data.", 0));
        }
        default: {
          checkKeys(d, Set.of("source", "x", "y"), "data.");
          if (d.path("x").isObject() || d.path("y").isObject()) {
            throw new ConfigException(file + ": field 'data': x and y map names to files: this job needs a model of"
                + " several inputs or outputs");
          }
          String x = text(d, "x", null, "data.");
          String y = text(d, "y", null, "data.");
          if (x == null || y == null) throw new ConfigException(file + ": fields 'data.x' and 'data.y' are required for arrays");
          return new Dataset(ArrayFiles.read(existing("data.x", x)), ArrayFiles.read(existing("data.y", y)), null);
        }
      }
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read data: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": field 'data': " + e.getMessage(), e);
    }
  }
}
