package io.jkeras.reliability;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.data.Npz;
import io.jkeras.layers.Dense;
import io.jkeras.layers.GRU;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.LSTM;
import io.jkeras.models.Sequential;
import io.jkeras.saving.ModelFiles;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.keras.hdf5.Hdf5;
import io.jkeras.testing.Fixtures;
import io.jkeras.testing.HostileSavedModels;
import io.jkeras.testing.KerasPython;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The catalogue of bad inputs: every loader and entry point (Keras JSON, {@code .keras},
 * {@code .h5}, JSON + weights, SavedModel, {@code .npy}/{@code .npz}/{@code .csv}/{@code .json}
 * arrays, job configs, CLI flags), each case with the exit code (CLI) or exception type (library)
 * it must end with and the words its message must hold (the file, field or layer). The files are
 * made here, into the work folder, at test time; nothing hostile is committed.
 *
 * <p>A case marked {@link Case#pending} reproduces a finding not fixed yet: it is reported as
 * pending (skipped) until its fix lands, and fails with {@code -Djkeras.catalogue.strict=true}.
 * Every finding of issue 15 (native aborts, runaway cost, CRC, umask, messages) is a case here;
 * none is pending now.
 */
public final class Catalogue {
  /** What a case must end with; {@code check} (may be null) runs after it, in the test JVM, on the files it wrote. */
  public record Case(String id, String area, List<String> command, int code, String exception, List<String> words, String pending,
      int timeoutSeconds, Function<Path, String> check) {
    Case pending(String why) {
      return new Case(id, area, command, code, exception, words, why, timeoutSeconds, check);
    }

    Case timeout(int s) {
      return new Case(id, area, command, code, exception, words, pending, s, check);
    }

    Case check(Function<Path, String> c) {
      return new Case(id, area, command, code, exception, words, pending, timeoutSeconds, c);
    }
  }

  static final int OK = 0;
  static final int RUNTIME = 1;
  static final int USAGE = 2;

  private final Path w;
  private final List<Case> cases = new ArrayList<>();

  private Catalogue(Path work) {
    this.w = work.toAbsolutePath();
  }

  /** Makes every file the cases need under {@code work} and returns the cases. */
  public static List<Case> build(Path work) throws IOException {
    Catalogue c = new Catalogue(work);
    Files.createDirectories(c.w);
    c.all();
    return c.cases;
  }

  private String p(String name) {
    return w.resolve(name).toString();
  }

  private Case cli(String id, String area, int code, List<String> words, String... args) {
    Case c = new Case(id, area, List.of(args), code, null, words, null, 90, null);
    cases.add(c);
    return c;
  }

  private Case api(String id, String area, String exception, List<String> words, String... args) {
    Case c = new Case(id, area, List.of(args), exception == null ? 0 : 1, exception, words, null, 90, null);
    cases.add(c);
    return c;
  }

  /** Replaces the last added case (to mark it pending or give it a check). */
  private void amend(Function<Case, Case> f) {
    cases.set(cases.size() - 1, f.apply(cases.get(cases.size() - 1)));
  }

  // ----- files -----

  private Path write(String name, String text) throws IOException {
    Path f = w.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = w.resolve(name);
    Files.createDirectories(f.getParent());
    Files.write(f, bytes);
    return f;
  }

  static String input(String batchShape) {
    return "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"x\", \"batch_shape\": " + batchShape + "}}";
  }

  static String layer(String cls, String name, String config) {
    return "{\"class_name\": \"" + cls + "\", \"config\": {\"name\": \"" + name + "\"" + (config.isEmpty() ? "" : ", " + config) + "}}";
  }

  static String seq(String... layers) {
    return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [" + String.join(", ", layers) + "]}}";
  }

  /** A .keras archive: the base archive's members with {@code replace} (name -> bytes, null drops it). */
  private Path keras(String name, Path base, Map<String, byte[]> replace, boolean storeWeights) throws IOException {
    Map<String, byte[]> members = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(base.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements();) {
        ZipEntry ze = e.nextElement();
        members.put(ze.getName(), z.getInputStream(ze).readAllBytes());
      }
    }
    for (Map.Entry<String, byte[]> r : replace.entrySet()) {
      if (r.getValue() == null) members.remove(r.getKey()); else members.put(r.getKey(), r.getValue());
    }
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipOutputStream zo = new ZipOutputStream(bo)) {
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        ZipEntry ze = new ZipEntry(m.getKey());
        if (storeWeights && m.getKey().endsWith(".h5")) {
          ze.setMethod(ZipEntry.STORED);
          ze.setSize(m.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(m.getValue());
          ze.setCrc(crc.getValue());
        }
        zo.putNextEntry(ze);
        zo.write(m.getValue());
        zo.closeEntry();
      }
    }
    return write(name, bo.toByteArray());
  }

  /** A legacy full-model .h5 holding only {@code model_config} (enough to reach the model's build). */
  private Path h5Model(String name, String config) throws IOException {
    Hdf5.Tree root = new Hdf5.Tree();
    root.attribute("model_config", config).attribute("keras_version", "2.15.0").attribute("backend", "tensorflow");
    root.group("model_weights");
    Path f = w.resolve(name);
    Hdf5.write(root, f);
    return f;
  }

  private static byte[] npyHeader(String dict) {
    String h = dict;
    int total = 10 + h.length() + 1;
    int pad = (64 - total % 64) % 64;
    h = h + " ".repeat(pad) + "\n";
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.write(h.length() & 0xff);
    b.write(h.length() >> 8);
    b.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  private static void flip(Path f, long at) throws IOException {
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.seek(at);
      int b = r.read();
      r.seek(at);
      r.write(b ^ 0xff);
    }
  }

  private static void truncate(Path f, long keep) throws IOException {
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(keep);
    }
  }

  private Path copyTree(Path src, String name) throws IOException {
    Path dst = w.resolve(name);
    try (var s = Files.walk(src)) {
      for (Path q : (Iterable<Path>) s::iterator) {
        Path t = dst.resolve(src.relativize(q).toString());
        if (Files.isDirectory(q)) Files.createDirectories(t); else Files.copy(q, t);
      }
    }
    return dst;
  }

  // ----- the cases -----

  private void all() throws IOException {
    String dense = seq(input("[null, 3]"), layer("Dense", "dense", "\"units\": 2"));
    Path denseJson = write("dense.json", dense);
    Path x3 = w.resolve("x3.npy");
    Npy.write(x3, FloatArray.of(new float[][] {{1, 2, 3}, {4, 5, 6}}));
    Path x4 = w.resolve("x4.npy");
    Npy.write(x4, FloatArray.of(new float[][] {{1, 2, 3, 4}}));
    Path x52 = w.resolve("x52.npy");
    Npy.write(x52, new FloatArray(new float[20], 2, 5, 2));
    Path denseKeras = w.resolve("dense.keras");
    Path denseWeights = w.resolve("dense.weights.h5");
    Path denseDir = w.resolve("dense_dir");
    Path denseSm = w.resolve("dense_sm");
    try (Sequential m = KerasJson.read(denseJson)) {
      m.build(new long[] {-1, 3});
      KerasModels.saveKeras(m, denseKeras);
      KerasModels.saveWeights(m, denseWeights);
      ModelFiles.save(m, denseDir);
      m.export(denseSm);
    }
    Path otherWeights = w.resolve("dense3.weights.h5");
    try (Sequential m = new Sequential(new InputLayer(3), new Dense(3).name("dense"))) {
      m.build(new long[] {-1, 3});
      KerasModels.saveWeights(m, otherWeights);
    }
    Path nanWeights = w.resolve("dense_nan.weights.h5");
    try (Sequential m = KerasJson.read(denseJson)) {
      m.build(new long[] {-1, 3});
      m.weights().get(0).assign(new FloatArray(new float[] {Float.NaN, 1, 1, 1, 1, 1}, 3, 2));
      KerasModels.saveWeights(m, nanWeights);
    }
    cliFlags(x3, denseKeras, denseSm, denseJson, denseWeights);
    jobs(x3);
    kerasJson(x3, x52, denseJson, denseWeights, otherWeights, nanWeights);
    kerasArchives(x3, x52, denseKeras);
    h5(x3, denseWeights);
    savedModels(x3, x4, denseSm);
    arrays(denseKeras);
    findings(x3, x52, denseJson, denseWeights, denseKeras);
  }

  private void cliFlags(Path x3, Path keras, Path sm, Path json, Path weights) {
    String area = "CLI flags";
    cli("cli-unknown-command", area, USAGE, List.of("frobnicate"), "frobnicate");
    cli("cli-predict-no-input", area, USAGE, List.of("--input"), "predict", keras.toString());
    cli("cli-predict-unknown-option", area, USAGE, List.of("--bogus"), "predict", keras.toString(), "--input", x3.toString(), "--bogus");
    cli("cli-predict-model-missing", area, USAGE, List.of("missing.keras"), "predict", p("missing.keras"), "--input", x3.toString());
    cli("cli-predict-input-missing", area, USAGE, List.of("nope.npy"), "predict", keras.toString(), "--input", p("nope.npy"));
    cli("cli-predict-top-k-0", area, USAGE, List.of("--top-k"), "predict", keras.toString(), "--input", x3.toString(), "--top-k", "0");
    cli("cli-predict-batch-size-text", area, USAGE, List.of("--batch-size", "abc"), "predict", keras.toString(), "--input", x3.toString(),
        "--batch-size", "abc");
    cli("cli-predict-input-shape-text", area, USAGE, List.of("--input-shape"), "predict", keras.toString(), "--input", x3.toString(),
        "--input-shape", "3,x");
    cli("cli-predict-input-shape-mismatch", area, USAGE, List.of("--input-shape"), "predict", keras.toString(), "--input", x3.toString(),
        "--input-shape", "4");
    cli("cli-predict-decode-no-vocabulary", area, USAGE, List.of("--decode", "vocabulary"), "predict", keras.toString(), "--input",
        x3.toString(), "--decode");
    cli("cli-predict-two-unnamed-inputs", area, USAGE, List.of("--input", "NAME=FILE"), "predict", keras.toString(), "--input",
        x3.toString(), "--input", x3.toString());
    cli("cli-predict-weights-with-keras", area, USAGE, List.of("--weights", "dense.keras"), "predict", keras.toString(), "--weights",
        weights.toString(), "--input", x3.toString());
    cli("cli-predict-unknown-signature", area, RUNTIME, List.of("'nope'", "serving_default"), "predict", sm.toString(), "--signature",
        "nope", "--input", x3.toString());
    cli("cli-convert-to-h5", area, USAGE, List.of("out.h5", ".keras"), "convert", keras.toString(), p("out.h5"));
    cli("cli-convert-unknown-format", area, USAGE, List.of("out.xyz", "cannot tell the format"), "convert", keras.toString(), p("out.xyz"));
    cli("cli-export-missing-model", area, USAGE, List.of("missing.keras"), "export", p("missing.keras"), p("out_sm"));
    cli("cli-inspect-missing-model", area, USAGE, List.of("missing.keras"), "inspect", p("missing.keras"));
    cli("cli-train-missing-job", area, USAGE, List.of("missing_job.json"), "train", p("missing_job.json"));
    cli("cli-evaluate-no-y", area, USAGE, List.of("--y"), "evaluate", keras.toString(), "--x", x3.toString());
    cli("cli-inspect-unsupported-format", area, USAGE, List.of("x3.npy", "unsupported model format"), "inspect", x3.toString());
    cli("cli-weights-for-missing-file", area, USAGE, List.of("nope.weights.h5"), "predict", json.toString(), "--weights",
        p("nope.weights.h5"), "--input", x3.toString());
  }

  private void jobs(Path x3) throws IOException {
    String area = "job config";
    Path y = w.resolve("y2.npy");
    Npy.write(y, FloatArray.of(new float[][] {{0, 1}, {1, 0}}));
    Path y3 = w.resolve("y3rows.npy");
    Npy.write(y3, FloatArray.of(new float[][] {{0, 1}, {1, 0}, {1, 1}}));
    String model = seq(input("[null, 3]"), layer("Dense", "dense", "\"units\": 2"));
    Function<String, String> job = extra -> "{\"name\": \"j\", \"model\": " + model + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"},"
        + " \"fit\": {\"epochs\": 1, \"batch_size\": 2}, \"data\": {\"source\": \"arrays\", \"x\": \"" + x3 + "\", \"y\": \"" + y + "\"},"
        + " \"output\": \"" + p("job_out") + "\"" + extra + "}";
    cli("job-not-json", area, USAGE, List.of("job_syntax.json"), "train", write("job_syntax.json", "{\"name\": \"j\",").toString());
    cli("job-unknown-field", area, USAGE, List.of("job_unknown.json", "'bogus'"), "train",
        write("job_unknown.json", job.apply(", \"bogus\": 1")).toString());
    cli("job-missing-name", area, USAGE, List.of("job_noname.json", "'name'"), "train",
        write("job_noname.json", job.apply("").replace("\"name\": \"j\", ", "")).toString());
    cli("job-bad-name", area, USAGE, List.of("job_badname.json", "'name'"), "train",
        write("job_badname.json", job.apply("").replace("\"name\": \"j\"", "\"name\": \"../../etc\"")).toString());
    cli("job-unknown-source", area, USAGE, List.of("job_source.json", "source", "webcam"), "train",
        write("job_source.json", job.apply("").replace("\"source\": \"arrays\"", "\"source\": \"webcam\"")).toString());
    cli("job-epochs-negative", area, USAGE, List.of("job_epochs.json", "epochs"), "train",
        write("job_epochs.json", job.apply("").replace("\"epochs\": 1", "\"epochs\": -1")).toString());
    cli("job-batch-size-zero", area, USAGE, List.of("job_batch.json", "batch_size"), "train",
        write("job_batch.json", job.apply("").replace("\"batch_size\": 2", "\"batch_size\": 0")).toString());
    cli("job-unknown-optimizer", area, USAGE, List.of("job_opt.json", "adamm"), "train",
        write("job_opt.json", job.apply("").replace("\"adam\"", "\"adamm\"")).toString());
    cli("job-unknown-loss", area, USAGE, List.of("job_loss.json", "msee"), "train",
        write("job_loss.json", job.apply("").replace("\"mse\"", "\"msee\"")).toString());
    cli("job-validation-split-1.5", area, USAGE, List.of("job_split.json", "validation_split"), "train",
        write("job_split.json", job.apply("").replace("\"batch_size\": 2", "\"batch_size\": 2, \"validation_split\": 1.5")).toString());
    cli("job-data-file-missing", area, USAGE, List.of("job_nodata.json", "missing_x.npy"), "train",
        write("job_nodata.json", job.apply("").replace(x3.toString(), p("missing_x.npy"))).toString());
    cli("job-unknown-fit-field", area, USAGE, List.of("job_fit.json", "epoch"), "train",
        write("job_fit.json", job.apply("").replace("\"epochs\": 1", "\"epoch\": 1")).toString());
    cli("job-model-path-missing", area, USAGE, List.of("job_modelpath.json", "no_model.json"), "train",
        write("job_modelpath.json", job.apply("").replace(model, "\"" + p("no_model.json") + "\"")).toString());
    cli("job-x-y-rows-differ", area, USAGE, List.of("job_rows.json", "'data'", "3"), "train",
        write("job_rows.json", job.apply("").replace(y.toString(), y3.toString())).toString());
    cli("job-unknown-callback", area, USAGE, List.of("job_cb.json", "Frobnicator"), "train",
        write("job_cb.json", job.apply(", \"callbacks\": [{\"class_name\": \"Frobnicator\"}]")).toString());
  }

  private void kerasJson(Path x3, Path x52, Path denseJson, Path denseWeights, Path otherWeights, Path nanWeights) throws IOException {
    String area = "Keras JSON";
    String in = input("[null, 3]");
    cli("json-syntax-error", area, USAGE, List.of("syntax.json"), "inspect", write("syntax.json", "{\"class_name\": \"Sequential\", ").toString());
    cli("json-empty", area, USAGE, List.of("empty.json"), "inspect", write("empty.json", "").toString());
    cli("json-unknown-layer", area, USAGE, List.of("unknown_layer.json", "Dense2"), "inspect",
        write("unknown_layer.json", seq(in, layer("Dense2", "d", "\"units\": 2"))).toString());
    cli("json-unknown-argument", area, USAGE, List.of("unknown_arg.json", "unitz"), "inspect",
        write("unknown_arg.json", seq(in, layer("Dense", "d", "\"units\": 2, \"unitz\": 3"))).toString());
    cli("json-units-string", area, USAGE, List.of("units_string.json", "units"), "inspect",
        write("units_string.json", seq(in, layer("Dense", "d", "\"units\": \"two\""))).toString());
    cli("json-units-negative", area, USAGE, List.of("units_negative.json", "units"), "inspect",
        write("units_negative.json", seq(in, layer("Dense", "d", "\"units\": -3"))).toString());
    cli("json-units-zero", area, USAGE, List.of("units_zero.json", "units"), "inspect",
        write("units_zero.json", seq(in, layer("Dense", "d", "\"units\": 0"))).toString());
    cli("json-units-fraction", area, USAGE, List.of("units_fraction.json", "units"), "inspect",
        write("units_fraction.json", seq(in, layer("Dense", "d", "\"units\": 2.5"))).toString());
    cli("json-unknown-activation", area, USAGE, List.of("activation.json", "relux"), "inspect",
        write("activation.json", seq(in, layer("Dense", "d", "\"units\": 2, \"activation\": \"relux\""))).toString());
    cli("json-dropout-rate-2", area, USAGE, List.of("dropout.json", "rate"), "inspect",
        write("dropout.json", seq(in, layer("Dropout", "drop", "\"rate\": 2.0"))).toString());
    cli("json-deep-nesting", area, USAGE, List.of("deep.json", "nest"), "inspect",
        write("deep.json", "[".repeat(100_000) + "]".repeat(100_000)).toString());
    cli("json-no-class-name", area, USAGE, List.of("noclass.json", "class_name"), "inspect",
        write("noclass.json", "{\"config\": {\"layers\": []}}").toString());
    cli("json-batch-shape-negative", area, USAGE, List.of("shape_negative.json", "batch_shape"), "inspect",
        write("shape_negative.json", seq(input("[null, -3]"), layer("Dense", "d", "\"units\": 2"))).toString());
    cli("json-batch-shape-text", area, USAGE, List.of("shape_text.json", "batch_shape"), "inspect",
        write("shape_text.json", seq(input("[null, \"three\"]"), layer("Dense", "d", "\"units\": 2"))).toString());
    cli("json-lstm-on-2d-input", area, USAGE, List.of("lstm_2d.json", "lstm"), "inspect",
        write("lstm_2d.json", seq(in, layer("LSTM", "lstm", "\"units\": 2"))).toString());
    cli("json-functional-unknown-inbound", area, USAGE, List.of("functional_ghost.json", "ghost"), "inspect",
        write("functional_ghost.json", "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": [{\"class_name\": \"InputLayer\","
            + " \"name\": \"x\", \"config\": {\"name\": \"x\", \"batch_shape\": [null, 3]}, \"inbound_nodes\": []}, {\"class_name\": \"Dense\","
            + " \"name\": \"d\", \"config\": {\"name\": \"d\", \"units\": 2}, \"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\","
            + " \"config\": {\"keras_history\": [\"ghost\", 0, 0]}}], \"kwargs\": {}}]}], \"input_layers\": [[\"x\", 0, 0]],"
            + " \"output_layers\": [[\"d\", 0, 0]]}}").toString());
    cli("json-too-large", area, USAGE, List.of("large.json"), "inspect",
        write("large.json", "{\"class_name\": \"Sequential\", \"pad\": \"" + "x".repeat(33 << 20) + "\"}").toString());
    cli("json-weights-shape-mismatch", area, USAGE, List.of("dense3.weights.h5", "dense"), "predict", denseJson.toString(), "--weights",
        otherWeights.toString(), "--input", x3.toString());
    cli("json-weights-not-hdf5", area, USAGE, List.of("notweights.h5"), "predict", denseJson.toString(), "--weights",
        write("notweights.h5", "hello").toString(), "--input", x3.toString());
    cli("json-predict-wrong-features", area, USAGE, List.of("x52.npy"), "predict", denseJson.toString(), "--weights", denseWeights.toString(),
        "--input", x52.toString());
    api("api-json-unknown-layer", area, "KerasFormatException", List.of("unknown_layer.json", "Dense2"), "api:load", p("unknown_layer.json"));
  }

  private void kerasArchives(Path x3, Path x52, Path base) throws IOException {
    String area = ".keras";
    byte[] config;
    try (ZipFile z = new ZipFile(base.toFile())) {
      config = z.getInputStream(z.getEntry("config.json")).readAllBytes();
    }
    String cfg = new String(config, StandardCharsets.UTF_8);
    cli("keras-not-zip", area, USAGE, List.of("notzip.keras"), "inspect", write("notzip.keras", "not a zip file at all").toString());
    cli("keras-empty", area, USAGE, List.of("empty.keras"), "inspect", write("empty.keras", new byte[0]).toString());
    Path trunc = w.resolve("truncated.keras");
    Files.copy(base, trunc);
    truncate(trunc, Files.size(base) / 2);
    cli("keras-truncated", area, USAGE, List.of("truncated.keras"), "inspect", trunc.toString());
    cli("keras-no-config", area, USAGE, List.of("noconfig.keras", "config.json"), "inspect",
        keras("noconfig.keras", base, Map.of("config.json", new byte[0]), false).toString());
    Map<String, byte[]> drop = new LinkedHashMap<>();
    drop.put("config.json", null);
    cli("keras-config-missing", area, USAGE, List.of("configmissing.keras", "config.json"), "inspect",
        keras("configmissing.keras", base, drop, false).toString());
    cli("keras-config-not-json", area, USAGE, List.of("configjunk.keras", "config.json"), "inspect",
        keras("configjunk.keras", base, Map.of("config.json", "{{{".getBytes(StandardCharsets.UTF_8)), false).toString());
    Map<String, byte[]> noWeights = new LinkedHashMap<>();
    noWeights.put("model.weights.h5", null);
    cli("keras-weights-missing", area, USAGE, List.of("noweights.keras", "model.weights.h5"), "predict",
        keras("noweights.keras", base, noWeights, false).toString(), "--input", x3.toString());
    cli("keras-weights-garbage", area, USAGE, List.of("junkweights.keras", "model.weights.h5"), "predict",
        keras("junkweights.keras", base, Map.of("model.weights.h5", "garbage".getBytes(StandardCharsets.UTF_8)), false).toString(),
        "--input", x3.toString());
    cli("keras-zip-slip", area, USAGE, List.of("slip.keras", "../"), "inspect",
        keras("slip.keras", base, Map.of("../../evil.txt", "x".getBytes(StandardCharsets.UTF_8)), false).toString());
    cli("keras-zip-bomb", area, USAGE, List.of("bomb.keras", "model.weights.h5"), "predict",
        keras("bomb.keras", base, Map.of("model.weights.h5", new byte[200 << 20]), false).toString(), "--input", x3.toString());
    cli("keras-unknown-layer", area, USAGE, List.of("unknownlayer.keras", "Dense2"), "inspect",
        keras("unknownlayer.keras", base, Map.of("config.json", cfg.replace("\"Dense\"", "\"Dense2\"").getBytes(StandardCharsets.UTF_8)), false)
            .toString());
    cli("keras-weights-shape-mismatch", area, USAGE, List.of("mismatch.keras", "dense"), "predict",
        keras("mismatch.keras", base, Map.of("config.json", cfg.replaceAll("\"units\"\\s*:\\s*2", "\"units\": 3")
            .getBytes(StandardCharsets.UTF_8)), false).toString(), "--input", x3.toString());
    cli("keras-wrong-input-rank", area, USAGE, List.of("x52.npy"), "predict", base.toString(), "--input", x52.toString());
    api("api-keras-not-zip", area, "KerasFormatException", List.of("notzip.keras"), "api:load", p("notzip.keras"));
    api("api-keras-zip-slip", area, "KerasFormatException", List.of("slip.keras"), "api:load", p("slip.keras"));
  }

  private void h5(Path x3, Path weights) throws IOException {
    String area = ".h5";
    cli("h5-not-hdf5", area, USAGE, List.of("nothdf5.h5", "HDF5"), "inspect", write("nothdf5.h5", "plain text").toString());
    cli("h5-weights-only-as-model", area, USAGE, List.of("dense.weights.h5"), "inspect", weights.toString());
    Path t = w.resolve("truncated.weights.h5");
    Files.copy(weights, t);
    truncate(t, Files.size(weights) / 3);
    cli("h5-truncated-weights", area, USAGE, List.of("truncated.weights.h5"), "predict", p("dense.json"), "--weights", t.toString(),
        "--input", x3.toString());
    cli("h5-model-config-not-json", area, USAGE, List.of("configjunk.h5"), "inspect", h5Model("configjunk.h5", "{{{").toString());
    cli("h5-unknown-layer", area, USAGE, List.of("unknownlayer.h5", "Dense2"), "inspect",
        h5Model("unknownlayer.h5", seq(input("[null, 3]"), layer("Dense2", "d", "\"units\": 2"))).toString());
    Path fixture = Fixtures.root().resolve("keras2-dl4j-simple-lstm-2.0.6/simple_lstm_tf_keras_2_model.h5");
    if (Files.isRegularFile(fixture)) {
      Path tf = w.resolve("truncated_model.h5");
      Files.copy(fixture, tf);
      truncate(tf, Files.size(fixture) / 2);
      cli("h5-truncated-model", area, USAGE, List.of("truncated_model.h5"), "inspect", tf.toString());
    }
  }

  private void savedModels(Path x3, Path x4, Path sm) throws IOException {
    String area = "SavedModel";
    Files.createDirectories(w.resolve("empty_dir"));
    cli("sm-empty-dir", area, USAGE, List.of("empty_dir"), "predict", p("empty_dir"), "--input", x3.toString());
    Path empty = copyTree(sm, "sm_empty_pb");
    Files.write(empty.resolve("saved_model.pb"), new byte[0]);
    cli("sm-empty-pb", area, RUNTIME, List.of("saved_model.pb", "empty"), "predict", empty.toString(), "--input", x3.toString());
    Path trunc = copyTree(sm, "sm_truncated_pb");
    truncate(trunc.resolve("saved_model.pb"), Files.size(sm.resolve("saved_model.pb")) / 2);
    cli("sm-truncated-pb", area, RUNTIME, List.of("saved_model.pb", "truncated"), "predict", trunc.toString(), "--input", x3.toString());
    Path noIndex = copyTree(sm, "sm_no_index");
    Files.delete(noIndex.resolve("variables/variables.index"));
    cli("sm-missing-index", area, RUNTIME, List.of("variables.index"), "predict", noIndex.toString(), "--input", x3.toString());
    Path badIndex = copyTree(sm, "sm_bad_index");
    flip(badIndex.resolve("variables/variables.index"), Files.size(badIndex.resolve("variables/variables.index")) / 2);
    cli("sm-corrupt-index", area, RUNTIME, List.of("variables.index"), "predict", badIndex.toString(), "--input", x3.toString());
    Path noData = copyTree(sm, "sm_no_data");
    try (var s = Files.list(noData.resolve("variables"))) {
      for (Path q : (Iterable<Path>) s::iterator) if (q.getFileName().toString().contains(".data-")) Files.delete(q);
    }
    cli("sm-missing-data", area, RUNTIME, List.of("variables.data"), "predict", noData.toString(), "--input", x3.toString());
    Path badData = copyTree(sm, "sm_bad_data");
    try (var s = Files.list(badData.resolve("variables"))) {
      for (Path q : (Iterable<Path>) s::iterator) if (q.getFileName().toString().contains(".data-")) flip(q, 4);
    }
    cli("sm-corrupt-data", area, RUNTIME, List.of("variables.data"), "predict", badData.toString(), "--input", x3.toString());
    cli("sm-wrong-features", area, RUNTIME, List.of("x"), "predict", sm.toString(), "--input", x4.toString());
    cli("sm-wrong-input-name", area, RUNTIME, List.of("'wrong'"), "predict", sm.toString(), "--input", "wrong=" + x3);
    api("api-sm-missing-dir", area, "SavedModelException", List.of("no_such_sm"), "api:savedmodel", p("no_such_sm"));
    api("api-sm-truncated-pb", area, "SavedModelException", List.of("saved_model.pb"), "api:savedmodel", trunc.toString());
    // Hostile graphs: safe mode refuses them, naming op and node (and TensorFlow would run them).
    String hostileArea = "SavedModel safe mode";
    Path root = w.resolve("hostile");
    Path a = HostileSavedModels.benign(root.resolve("init_write"));
    HostileSavedModels.writeFileInInitOp(a, root.resolve("pwned.txt"), "owned");
    cli("safe-write-file-in-init-op", hostileArea, RUNTIME, List.of("WriteFile", "evil/write", "saved_model.pb"), "predict", a.toString(),
        "--input", x3.toString());
    amend(c -> c.check(dir -> Files.exists(root.resolve("pwned.txt")) ? "the init op wrote " + root.resolve("pwned.txt") : null));
    Path b = HostileSavedModels.benign(root.resolve("read_file"));
    HostileSavedModels.readFileInSignature(b, Path.of("/etc/passwd"));
    cli("safe-read-file-in-signature", hostileArea, RUNTIME, List.of("ReadFile", "leak/read"), "predict", b.toString(), "--signature",
        "leak", "--input", x3.toString());
    Path c = HostileSavedModels.benign(root.resolve("matching_files"));
    HostileSavedModels.matchingFilesInFunction(c, "/*");
    cli("safe-matching-files-in-function", hostileArea, RUNTIME, List.of("MatchingFiles", "__inference_listing_1"), "inspect", c.toString());
    Path d = HostileSavedModels.benign(root.resolve("op_as_function"));
    HostileSavedModels.opAsFunction(d, Path.of("/etc/passwd"));
    cli("safe-op-as-function", hostileArea, RUNTIME, List.of("ReadFile", "opfn/call"), "inspect", d.toString());
    Path e = HostileSavedModels.benign(root.resolve("restore_other"));
    HostileSavedModels.restoreOtherCheckpoint(e, "/tmp/other/variables");
    cli("safe-restore-other-checkpoint", hostileArea, RUNTIME, List.of("RestoreV2", "other/restore"), "inspect", e.toString());
    Path f = HostileSavedModels.benign(root.resolve("restore_const"));
    HostileSavedModels.restoreFromConstant(f, "/tmp/elsewhere/variables");
    cli("safe-saver-restore-rewired", hostileArea, RUNTIME, List.of("RestoreV2", "save/filename"), "inspect", f.toString());
    Path g = HostileSavedModels.benign(root.resolve("print_file"));
    HostileSavedModels.printToFile(g, root.resolve("printed.txt"));
    cli("safe-print-to-file", hostileArea, RUNTIME, List.of("PrintV2", "file://"), "inspect", g.toString());
    Path h = HostileSavedModels.benign(root.resolve("py_func"));
    HostileSavedModels.deadNode(h, "EagerPyFunc");
    cli("safe-py-func", hostileArea, RUNTIME, List.of("EagerPyFunc"), "inspect", h.toString());
    Path i = HostileSavedModels.benign(root.resolve("asset_outside"));
    HostileSavedModels.assetOutside(i, "../../etc/passwd");
    cli("safe-asset-outside", hostileArea, RUNTIME, List.of("../../etc/passwd", "asset"), "inspect", i.toString());
    api("api-safe-write-file", hostileArea, "UnsafeSavedModelException", List.of("WriteFile", "evil/write"), "api:savedmodel", a.toString());
    Path a2 = HostileSavedModels.benign(root.resolve("init_write_trusted"));
    HostileSavedModels.writeFileInInitOp(a2, root.resolve("written_by_trusted.txt"), "owned");
    cli("safe-opt-out-runs-the-graph", hostileArea, OK, List.of("serving_default"), "inspect", "--no-safe-mode", a2.toString());
    amend(k -> k.check(dir -> Files.exists(root.resolve("written_by_trusted.txt")) ? null
        : "with --no-safe-mode TensorFlow should have run the init op (the threat safe mode stops), but nothing was written"));
  }

  private void arrays(Path keras) throws IOException {
    String area = "arrays";
    cli("npy-bad-magic", area, USAGE, List.of("magic.npy"), "predict", keras.toString(), "--input", write("magic.npy", "NOTNUMPY....").toString());
    byte[] good = Npy.toBytes(FloatArray.of(new float[][] {{1, 2, 3}, {4, 5, 6}}));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 8);
    cli("npy-truncated-data", area, USAGE, List.of("cut.npy"), "predict", keras.toString(), "--input", write("cut.npy", cut).toString());
    cli("npy-header-garbage", area, USAGE, List.of("header.npy"), "predict", keras.toString(), "--input",
        write("header.npy", npyHeader("{'descr': <f4, 'fortran_order': False, 'shape': (2, 3), }")).toString());
    ByteArrayOutputStream cplx = new ByteArrayOutputStream();
    cplx.writeBytes(npyHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }"));
    cplx.writeBytes(new byte[16]);
    cli("npy-complex-dtype", area, USAGE, List.of("complex.npy", "c8"), "predict", keras.toString(), "--input",
        write("complex.npy", cplx.toByteArray()).toString());
    ByteArrayOutputStream huge = new ByteArrayOutputStream();
    huge.writeBytes(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 3), }"));
    huge.writeBytes(new byte[24]);
    cli("npy-huge-shape-short-data", area, USAGE, List.of("huge.npy"), "predict", keras.toString(), "--input",
        write("huge.npy", huge.toByteArray()).toString());
    cli("npz-not-zip", area, USAGE, List.of("junk.npz"), "predict", keras.toString(), "--input", write("junk.npz", "junk").toString());
    ByteArrayOutputStream npz = new ByteArrayOutputStream();
    try (ZipOutputStream zo = new ZipOutputStream(npz)) {
      zo.putNextEntry(new ZipEntry("x.npy"));
      zo.write("not an npy".getBytes(StandardCharsets.UTF_8));
      zo.closeEntry();
    }
    Path badNpz = write("member.npz", npz.toByteArray());
    api("api-npz-member-not-npy", area, "IllegalArgumentException", List.of("x.npy"), "api:npz", badNpz.toString());
    cli("csv-ragged", area, USAGE, List.of("ragged.csv", "2"), "predict", keras.toString(), "--input", write("ragged.csv", "1,2,3\n4,5\n").toString());
    cli("csv-not-a-number", area, USAGE, List.of("words.csv", "abc"), "predict", keras.toString(), "--input",
        write("words.csv", "1,2,3\n4,abc,6\n").toString());
    cli("csv-empty", area, USAGE, List.of("empty.csv"), "predict", keras.toString(), "--input", write("empty.csv", "").toString());
    cli("json-array-ragged", area, USAGE, List.of("ragged.json"), "predict", keras.toString(), "--input",
        write("ragged.json", "[[1, 2, 3], [4, 5]]").toString());
    cli("json-array-strings", area, USAGE, List.of("strings.json"), "predict", keras.toString(), "--input",
        write("strings.json", "[[1, \"a\", 3]]").toString());
    cli("json-array-not-json", area, USAGE, List.of("broken.json"), "predict", keras.toString(), "--input",
        write("broken.json", "[[1, 2,").toString());
    api("api-array-ragged-csv", area, "IllegalArgumentException", List.of("ragged.csv"), "api:array", p("ragged.csv"));
    api("api-array-npy-bad-magic", area, "IllegalArgumentException", List.of("magic.npy"), "api:array", p("magic.npy"));
  }

  /** The findings of issue 15, each reproduced (pending until the branch that fixes it merges). */
  private void findings(Path x3, Path x52, Path denseJson, Path denseWeights, Path denseKeras) throws IOException {
    String area = "issue 15 findings";
    String in3 = input("[null, 5, 2]");
    Path lstmMax = write("lstm_units_max.json", seq(in3, layer("LSTM", "lstm", "\"units\": 2147483647")));
    cli("finding-lstm-units-max-json-predict", area, USAGE, List.of("lstm_units_max.json", "units", "lstm"), "predict", lstmMax.toString(),
        "--input", x52.toString());
    cli("finding-lstm-units-max-json-inspect", area, USAGE, List.of("lstm_units_max.json", "units", "lstm"), "inspect", lstmMax.toString());
    cli("finding-lstm-units-max-json-export", area, USAGE, List.of("lstm_units_max.json", "units", "lstm"), "export", lstmMax.toString(),
        p("lstm_max_sm"));
    // A real GRU(4) archive whose config then says units 1.6e9 (its weights stay those of GRU(4)).
    Path gru4 = w.resolve("gru4.keras");
    try (Sequential m = new Sequential(new InputLayer(5, 2), new GRU(4).name("gru"))) {
      m.build(new long[] {-1, 5, 2});
      KerasModels.saveKeras(m, gru4);
    }
    String gruConfig;
    try (ZipFile z = new ZipFile(gru4.toFile())) {
      gruConfig = new String(z.getInputStream(z.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
    }
    byte[] gru = gruConfig.replaceAll("\"units\"\\s*:\\s*4", "\"units\": 1600000000").getBytes(StandardCharsets.UTF_8);
    Path gruKeras = keras("gru_huge.keras", gru4, Map.of("config.json", gru), false);
    cli("finding-gru-units-1.6e9-keras-inspect", area, USAGE, List.of("gru_huge.keras", "gru", "units=1600000000"), "inspect",
        gruKeras.toString());
    // A Keras-made full-model .h5 (fixture) whose model_config then says units 2^31-1: needs h5py to edit.
    Path lstmH5 = Fixtures.root().resolve("keras2-dl4j-simple-lstm-2.0.6/simple_lstm_tf_keras_2_model.h5");
    if (Files.isRegularFile(lstmH5) && KerasPython.available()) {
      Path edited = w.resolve("lstm_units_max.h5");
      KerasPython.run("catalogue_h5_units.py", lstmH5.toString(), edited.toString(), "2147483647");
      cli("finding-lstm-units-max-h5-inspect", area, USAGE, List.of("lstm_units_max.h5", "units"), "inspect", edited.toString());
    }
    Path shape62 = write("batch_shape_2_62.json", seq(input("[null, 5, 4611686018427387904]"), layer("Dense", "d", "\"units\": 2")));
    cli("finding-batch-shape-2^62-json-inspect", area, USAGE, List.of("batch_shape_2_62.json", "batch_shape"), "inspect", shape62.toString());
    Path shape62Keras = keras("batch_shape_2_62.keras", denseKeras,
        Map.of("config.json", Files.readAllBytes(shape62)), false);
    cli("finding-batch-shape-2^62-keras-predict", area, USAGE, List.of("batch_shape_2_62.keras", "batch_shape"), "predict",
        shape62Keras.toString(), "--input", x3.toString());
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 3000; i++) many.append(i == 0 ? "" : ", ").append(layer("Dense", "d" + i, "\"units\": 4"));
    Path dense3000 = write("dense_3000.json", seq(input("[null, 4]"), many.toString()));
    cli("finding-3000-dense-inspect", area, OK, List.of("d2999"), "inspect", dense3000.toString());
    amend(c -> c.timeout(30));
    Path dense1e8 = write("dense_units_1e8.json", seq(input("[null, 3]"), layer("Dense", "big", "\"units\": 100000000")));
    cli("finding-dense-units-1e8-predict", area, USAGE, List.of("dense_units_1e8.json", "big"), "predict", dense1e8.toString(), "--input",
        x3.toString());
    amend(c -> c.timeout(30));
    Path denseMax = write("dense_units_max.json", seq(input("[null, 3]"), layer("Dense", "dense_max", "\"units\": 2147483647")));
    cli("finding-dense-units-max-message", area, USAGE, List.of("dense_units_max.json", "units", "dense_max"), "predict", denseMax.toString(),
        "--input", x3.toString());
    cli("finding-predict-batch-size-0", area, USAGE, List.of("--batch-size"), "predict", denseKeras.toString(), "--input", x3.toString(),
        "--batch-size", "0");
    cli("finding-predict-batch-size-0-savedmodel", area, USAGE, List.of("--batch-size"), "predict", p("dense_sm"), "--input", x3.toString(),
        "--batch-size", "0");
    cli("finding-predict-batch-size-0-model-dir", area, USAGE, List.of("--batch-size"), "predict", p("dense_dir"), "--input", x3.toString(),
        "--batch-size", "0");
    cli("finding-evaluate-batch-size-0", area, USAGE, List.of("--batch-size"), "evaluate", denseKeras.toString(), "--x", x3.toString(),
        "--y", p("y2.npy"), "--loss", "mse", "--batch-size", "0");
    cli("finding-predict-batch-size-negative", area, USAGE, List.of("--batch-size"), "predict", denseKeras.toString(), "--input",
        x3.toString(), "--batch-size", "-5");
    ByteArrayOutputStream neg = new ByteArrayOutputStream();
    neg.writeBytes(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-40, 3), }"));
    Path negNpy = write("negative_dim.npy", neg.toByteArray());
    cli("finding-npy-negative-dimension", area, USAGE, List.of("negative_dim.npy", "-40", "shape"), "predict", denseKeras.toString(),
        "--input", negNpy.toString());
    ByteArrayOutputStream obj = new ByteArrayOutputStream();
    obj.writeBytes(npyHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"));
    obj.writeBytes(new byte[] {(byte) 0x80, 2, ']', 'q', 0, '.'});
    Path objNpy = write("object_dtype.npy", obj.toByteArray());
    cli("finding-npy-object-dtype", area, USAGE, List.of("object_dtype.npy", "|O"), "predict", denseKeras.toString(), "--input",
        objNpy.toString());
    Path nan = w.resolve("x_nan.npy");
    Npy.write(nan, FloatArray.of(new float[][] {{1, Float.NaN, 3}, {Float.POSITIVE_INFINITY, 5, 6}}));
    cli("finding-nan-input-warns", area, OK, List.of("x_nan.npy", "NaN"), "predict", denseKeras.toString(), "--input", nan.toString());
    cli("finding-nan-weights-warn", area, OK, List.of("dense_nan.weights.h5", "dense", "NaN"), "predict", denseJson.toString(), "--weights",
        p("dense_nan.weights.h5"), "--input", x3.toString());
    // A byte flipped inside a stored (uncompressed) weights member: only the CRC can tell.
    Path stored = keras("stored.keras", denseKeras, Map.of(), true);
    float kernel0;
    try (var m = KerasModels.loadModel(denseKeras)) {
      kernel0 = m.weights().get(0).value().data()[0];
    }
    long at = offsetOf(stored, kernel0);
    Path flipped = w.resolve("crc_flipped.keras");
    Files.copy(stored, flipped);
    try (RandomAccessFile r = new RandomAccessFile(flipped.toFile(), "rw")) {
      r.seek(at);
      int b0 = r.read();
      r.seek(at);
      r.write(b0 ^ 0x01); // the lowest mantissa bit of one kernel value: outputs change a little, silently
    }
    cli("finding-keras-crc-mismatch", area, USAGE, List.of("crc_flipped.keras", "model.weights.h5"), "predict", flipped.toString(), "--input",
        x3.toString());
    Path out = w.resolve("converted.keras");
    cli("finding-convert-follows-umask", area, OK, List.of(), "convert", denseJson.toString(), "--weights", denseWeights.toString(),
        out.toString());
    amend(c -> c.check(dir -> {
      try {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(out));
        return perms.equals("rw-r--r--") ? null : out + " has permissions " + perms + ", the umask (022) says rw-r--r--";
      } catch (IOException e) {
        return "cannot read permissions of " + out + ": " + e.getMessage();
      }
    }));
  }

  /** Where the little-endian float {@code v} first occurs in {@code file} (a weight inside a stored member). */
  private static long offsetOf(Path file, float v) throws IOException {
    byte[] b = Files.readAllBytes(file);
    int bits = Float.floatToRawIntBits(v);
    for (int i = 0; i + 4 <= b.length; i++) {
      if ((b[i] & 0xff | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24) == bits) return i;
    }
    throw new IOException(file + ": the weight value " + v + " is not stored in it");
  }
}
