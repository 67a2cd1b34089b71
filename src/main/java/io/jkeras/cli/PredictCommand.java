package io.jkeras.cli;

import io.jkeras.data.ArrayFiles;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.utils.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jkeras predict MODEL --input x.npy [--output y.npy]}. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Run a model on an array file (.npy, .json or .csv).")
final class PredictCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL",
      description = "a model directory written by train, a Keras .keras or .h5 model, or a Keras .json config")
  Path model;

  @Option(names = "--weights", paramLabel = "FILE", description = "weights for a .json config: Keras .weights.h5 or legacy .h5")
  Path weights;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "inputs: .npy, .json or .csv")
  Path input;

  @Option(names = "--output", paramLabel = "FILE", description = "where to write the outputs (.npy or .json); default: print")
  Path output;

  @Option(names = "--batch-size", defaultValue = "32", description = "batch size (default ${DEFAULT-VALUE})")
  int batchSize;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(input)) throw new ConfigException(input + ": no such input file");
    FloatArray x;
    try {
      x = ArrayFiles.read(input);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    if (output != null && !(output.toString().endsWith(".npy") || output.toString().endsWith(".json"))) {
      throw new ConfigException(output + ": --output must end in .npy or .json");
    }
    try (Sequential m = ModelLoader.open(model, weights)) {
      long[] expected = m.inputBatchShape();
      if (expected != null && !Shapes.compatible(withoutBatch(expected), withoutBatch(x.shape()))) {
        throw new IllegalArgumentException("input " + input + " has shape " + Shapes.toString(x.shape())
            + " but the model expects " + Shapes.toString(expected));
      }
      FloatArray y = m.predict(x, expected != null && expected[0] > 0 ? (int) expected[0] : batchSize);
      if (output != null) {
        ArrayFiles.write(output, y);
        System.out.println("Wrote " + output + " " + Shapes.toString(y.shape()));
      } else {
        print(y);
      }
    }
    return Main.OK;
  }

  private static long[] withoutBatch(long[] s) {
    long[] r = s.clone();
    r[0] = -1;
    return r;
  }

  private static void print(FloatArray y) {
    long[] s = y.shape();
    int row = y.rowSize();
    for (int i = 0; i < y.length(); i++) {
      System.out.println(Arrays.toString(Arrays.copyOfRange(y.data(), i * row, (i + 1) * row)));
    }
    System.out.println("shape " + Shapes.toString(s));
  }
}
