package io.jkeras.callbacks;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Optimizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Tiny seeded models and data for the callback tests, and stdout/stderr capture. */
final class Tiny {
  private Tiny() {}

  static final float[][] X = {{0.5f, -1f}, {1f, 0.3f}, {-1.2f, 0.8f}, {0.4f, 0.4f}, {2f, -0.5f}, {-0.3f, -0.9f}};
  static final float[][] Y = {{1f}, {0f}, {1f}, {1f}, {0f}, {0f}};

  /** Dense(1, sigmoid) on 2 inputs, seeded. */
  static Sequential binary(Optimizer opt, String loss, String... metrics) {
    Keras.setRandomSeed(1234);
    Keras.clearSession();
    Sequential m = new Sequential(new InputLayer(2), new Dense(1).activation("sigmoid"));
    m.compile(opt, loss, metrics);
    return m;
  }

  static FitOptions quiet(int epochs) {
    return new FitOptions().epochs(epochs).batchSize(2).shuffle(false).verbose(0);
  }

  /** Injects {@code values[epoch]} under {@code key} into the epoch logs (placed before the callback under test). */
  static Callback inject(String key, double... values) {
    return LambdaCallback.builder().onEpochEnd((epoch, logs) -> {
      if (epoch < values.length) logs.put(key, values[epoch]);
    }).build();
  }

  /** Records a copy of the weights at the end of each epoch. */
  static final class WeightRecorder extends Callback {
    final List<List<FloatArray>> perEpoch = new ArrayList<>();

    @Override
    public void onEpochEnd(int epoch, java.util.Map<String, Double> logs) {
      perEpoch.add(model().getWeights());
    }
  }

  /** Output of {@code body} on stdout and stderr: [stdout, stderr]. */
  static String[] capture(Runnable body) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      body.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
  }

  static <T> T captured(Supplier<T> body, String[] into) {
    Object[] r = new Object[1];
    String[] s = capture(() -> r[0] = body.get());
    into[0] = s[0];
    into[1] = s[1];
    @SuppressWarnings("unchecked")
    T t = (T) r[0];
    return t;
  }
}
