package io.jkeras.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.data.FloatArray;
import io.jkeras.data.Npz;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Model;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.saving.keras.KerasModels;
import io.jkeras.saving.savedmodel.SavedModelExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Java -> Python with real Keras 3 as the oracle: a jkeras model saved as {@code .keras},
 * {@code to_json()} + {@code .weights.h5} and an exported SavedModel is opened by Keras
 * ({@code src/test/python/functional_check.py}) the way a Python user would, and predicts the same
 * named inputs within {@link #TOLERANCE} of jkeras, with the same parameter count.
 */
public final class KerasCheck {
  public static final double TOLERANCE = 1e-5;

  private KerasCheck() {}

  /** The formats checked: every file jkeras writes that Keras or TensorFlow opens. */
  public enum Format { KERAS, JSON_WEIGHTS, SAVEDMODEL }

  /**
   * Saves {@code m} under {@code target/interop/<work>/<name>} in every {@link Format} and checks
   * that Keras predicts {@code inputs} (keyed by input name) as {@code m} does. Skips where there is
   * no Python with Keras.
   */
  public static void predictsInKeras(Model m, Map<String, FloatArray> inputs, String work, String name) throws Exception {
    predictsInKeras(m, inputs, work, name, Format.values());
  }

  public static void predictsInKeras(Model m, Map<String, FloatArray> inputs, String work, String name, Format... formats)
      throws Exception {
    KerasPython.python(); // skips here when there is no Python with Keras
    Path dir = KerasPython.work(work).resolve(name);
    Files.createDirectories(dir);
    int batch = (int) inputs.values().iterator().next().shape()[0];
    List<FloatArray> mine = m.predictMulti(inputs, batch);
    Path in = dir.resolve("inputs.npz");
    Npz.write(in, inputs);
    // every file first, then one Python run checks them all (TensorFlow starts once)
    List<String> args = new ArrayList<>();
    Map<Format, Path> outs = new LinkedHashMap<>();
    for (Format f : formats) {
      Path out = dir.resolve(f.name().toLowerCase() + "_out.npz");
      Files.deleteIfExists(out);
      Path file;
      Path weights = null;
      switch (f) {
        case KERAS:
          file = dir.resolve(name + ".keras");
          KerasModels.saveKeras(m, file);
          break;
        case JSON_WEIGHTS:
          file = dir.resolve(name + ".json");
          weights = dir.resolve(name + ".weights.h5");
          Files.writeString(file, KerasJson.write(m));
          KerasModels.saveWeights(m, weights);
          break;
        default:
          file = dir.resolve(name + "_savedmodel");
          m.export(file);
      }
      if (!args.isEmpty()) args.add("--");
      args.addAll(List.of(file.toString(), in.toString(), out.toString()));
      if (weights != null) args.add(weights.toString());
      outs.put(f, out);
    }
    String log = KerasPython.run("functional_check.py", args.toArray(new String[0]));
    // the log's sections, one per model file, each after a line "== FILE"
    String[] sections = log.split("(?m)^== ");
    int s = sections.length - outs.size();
    for (Map.Entry<Format, Path> e : outs.entrySet()) {
      String section = s >= 0 && s < sections.length ? sections[s++] : log;
      compare(name + " [" + e.getKey().name().toLowerCase() + "]", m, mine, e.getKey() == Format.SAVEDMODEL, section, e.getValue());
    }
  }

  private static void compare(String where, Model m, List<FloatArray> mine, boolean savedModel, String log, Path out)
      throws Exception {
    Map<String, FloatArray> theirs = Npz.read(out);
    Matcher params = Pattern.compile("(?m)^params: (\\d+)").matcher(log);
    if (!savedModel) {
      assertTrue(params.find(), where + ": Keras printed no parameter count\n" + log);
      assertEquals(Long.parseLong(params.group(1)), m.countParams(), where + ": parameter count (Keras, jkeras)");
    }
    // A jkeras SavedModel names its outputs after the output layers (as Keras 2 did).
    List<String> names = savedModel ? SavedModelExporter.outputKeys(m, new ExportOptions(), m.inputNames()) : m.outputNames();
    for (int o = 0; o < mine.size(); o++) {
      String key = "out:" + names.get(o);
      FloatArray t = theirs.get(key);
      assertTrue(t != null, where + ": Keras gave no '" + key + "': " + theirs.keySet() + "\n" + log);
      assertArrayEquals(mine.get(o).shape(), t.shape(), where + " output " + o + ": shape");
      double err = Weights.maxAbsDiff(mine.get(o), t);
      assertTrue(err <= TOLERANCE, where + " output " + o + ": max abs error " + err + " > " + TOLERANCE);
    }
  }
}
