package io.jkeras.saving;

import io.jkeras.Keras;
import io.jkeras.backend.Weight;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The child JVM of {@link CrashSafetyTest} and {@link FileSafetyTest}, killed or halted on purpose.
 *
 * <ul>
 *   <li>{@code save DIR}: forever, sets every weight of {@link #model()} to version v/1000 (v = 1,
 *       2, ...) and writes it as a model directory, a {@code .keras}, a {@code .weights.h5} and a
 *       SavedModel export (each over the previous one), printing "saved v" after each round.
 *   <li>{@code load-halt FILE.keras WATCHDIR N}: loads FILE N times; a watcher halts the JVM (as a
 *       native abort would, no shutdown hooks) as soon as anything appears in WATCHDIR.
 * </ul>
 */
public final class FileSafetyChild {
  static final String DIR_MODEL = "model";
  static final String KERAS = "m.keras";
  static final String WEIGHTS = "w.weights.h5";
  static final String EXPORT = "export";
  static final int IN = 256;
  static final int UNITS = 256;

  private FileSafetyChild() {}

  /** Dense(UNITS) on IN inputs: 65,792 parameters, about 260 KB per file. */
  static Sequential model() {
    Keras.setRandomSeed(7);
    return new Sequential(new InputLayer(IN), new Dense(UNITS));
  }

  /** Every weight set to {@code c}: a model of version c predicts c * (IN + 1) for an input of ones. */
  static void setAll(Model m, float c) {
    for (Weight w : m.weights()) {
      float[] d = new float[(int) w.size()];
      Arrays.fill(d, c);
      w.assign(new FloatArray(d, w.shape()));
    }
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("save")) {
      Path dir = Path.of(args[1]);
      try (Sequential m = model()) {
        m.build(new long[] {-1, IN});
        for (int v = 1; ; v++) {
          setAll(m, v / 1000f);
          ModelFiles.save(m, dir.resolve(DIR_MODEL));
          m.save(dir.resolve(KERAS));
          m.saveWeights(dir.resolve(WEIGHTS));
          m.export(dir.resolve(EXPORT));
          System.out.println("saved " + v);
          System.out.flush();
        }
      }
    } else if (args[0].equals("load-halt")) {
      Path file = Path.of(args[1]);
      Path watch = Path.of(args[2]);
      Thread watcher = new Thread(() -> {
        while (true) {
          try (var s = Files.list(watch)) {
            if (s.findAny().isPresent()) Runtime.getRuntime().halt(134);
          } catch (Exception e) {
            // keep watching
          }
          Thread.onSpinWait();
        }
      });
      watcher.setDaemon(true);
      watcher.start();
      int n = Integer.parseInt(args[3]);
      for (int i = 0; i < n; i++) {
        try (Model m = KerasModels.loadModel(file)) {
          m.countParams();
        }
      }
      System.out.println("done");
    } else {
      throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }
}
