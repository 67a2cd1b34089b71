package io.jkeras.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.RNN;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a clear Java exception naming what is wrong, and never reaches native code. */
class ErrorHandlingTest {

  private static Sequential lstmModel() {
    Sequential m = new Sequential(new LSTM(4).inputShape(3, 2), new Dense(2).activation("softmax"));
    m.compile("adam", "categorical_crossentropy", "accuracy");
    return m;
  }

  private static void assertMessage(Class<? extends Throwable> type, Executable e, String... parts) {
    Throwable t = assertThrows(type, e);
    for (String p : parts) assertTrue(t.getMessage().contains(p), "message '" + t.getMessage() + "' should contain '" + p + "'");
  }

  @Test
  void wrongInputRank() {
    try (Sequential m = lstmModel()) {
      assertMessage(IllegalArgumentException.class, () -> m.fit(new float[4][6], new float[4][2]), "(None, 3, 2)", "rank 2");
      assertMessage(IllegalArgumentException.class, () -> m.predict(new float[4][3][2][1]), "rank 4");
    }
  }

  @Test
  void wrongFeatureCount() {
    try (Sequential m = lstmModel()) {
      assertMessage(IllegalArgumentException.class, () -> m.predict(new float[4][3][5]), "(4, 3, 5)", "(None, 3, 2)");
    }
  }

  @Test
  void mismatchedSampleCounts() {
    try (Sequential m = lstmModel()) {
      assertMessage(IllegalArgumentException.class, () -> m.fit(new float[4][3][2], new float[5][2]), "4 samples", "5");
    }
  }

  @Test
  void targetShapeMismatch() {
    try (Sequential m = lstmModel()) {
      assertMessage(IllegalArgumentException.class, () -> m.fit(new float[4][3][2], new float[4][3]), "(4, 3)", "(None, 2)");
    }
  }

  @Test
  void unknownNames() {
    try (Sequential m = lstmModel()) {
      assertMessage(IllegalArgumentException.class, () -> m.compile("adamw2", "mse"), "unknown optimizer 'adamw2'", "adam");
      assertMessage(IllegalArgumentException.class, () -> m.compile("adam", "msee"), "unknown loss 'msee'");
      assertMessage(IllegalArgumentException.class, () -> m.compile("adam", "mse", "acuracy"), "unknown metric 'acuracy'");
    }
    assertMessage(IllegalArgumentException.class, () -> new Dense(3).activation("rellu"), "unknown activation 'rellu'", "relu");
    assertMessage(IllegalArgumentException.class, () -> new Dense(3).kernelInitializer("glorot"), "unknown initializer 'glorot'");
  }

  @Test
  void notCompiled() {
    try (Sequential m = new Sequential(new Dense(1).inputShape(2))) {
      assertMessage(IllegalStateException.class, () -> m.fit(new float[2][2], new float[2][1]), "compile");
    }
  }

  @Test
  void statefulBatchSizeMismatch() {
    try (Sequential m = new Sequential(new LSTM(4).stateful(true).batchInputShape(2, 1, 1), new Dense(1))) {
      m.compile("adam", "mse");
      assertMessage(IllegalArgumentException.class,
          () -> m.fit(new float[4][1][1], new float[4][1], new FitOptions().batchSize(1).verbose(0)), "fixed batch size of 2", "batch_size is 1");
      assertMessage(IllegalArgumentException.class,
          () -> m.fit(new float[5][1][1], new float[5][1], new FitOptions().batchSize(2).verbose(0)), "multiple");
      assertMessage(IllegalArgumentException.class, () -> m.predict(new float[4][1][1], 4), "fixed batch size of 2");
      // Without an explicit batch size, predict/evaluate/fit use the fixed one, as Keras does.
      assertEquals(4, m.predict(new float[4][1][1]).length());
      m.evaluate(new float[4][1][1], new float[4][1]);
      m.fit(new float[4][1][1], new float[4][1], new FitOptions().verbose(0));
    }
  }

  @Test
  void statefulWithoutBatchSize() {
    try (Sequential m = new Sequential(new LSTM(4).stateful(true).inputShape(1, 1))) {
      assertMessage(IllegalArgumentException.class, () -> m.build(-1, 1, 1), "fixed batch size");
    }
  }

  @Test
  void raggedInput() {
    float[][][] x = {{{1}, {2}}, {{1}}};
    try (Sequential m = new Sequential(new LSTM(2).inputShape(2, 1))) {
      assertMessage(IllegalArgumentException.class, () -> m.predict(x), "ragged", "x[1]");
    }
  }

  @Test
  void sparseLabelsOutOfRange() {
    try (Sequential m = new Sequential(new Dense(3).activation("softmax").inputShape(2))) {
      m.compile("adam", "sparse_categorical_crossentropy");
      assertMessage(IllegalArgumentException.class, () -> m.fit(new float[2][2], new float[] {1, 3}), "label 3.0", "[0, 3)");
    }
  }

  @Test
  void embeddingIdsOutOfRange() {
    try (Sequential m = new Sequential(new Embedding(5, 2).inputShape(3))) {
      assertMessage(IllegalArgumentException.class, () -> m.predict(new float[][] {{1, 2, 7}}), "embedding", "7.0", "[0, 5)");
      assertMessage(IllegalArgumentException.class, () -> m.predict(new float[][] {{1, 2.5f, 0}}), "2.5");
    }
  }

  @Test
  void returnStateInSequential() {
    assertMessage(IllegalArgumentException.class, () -> new Sequential(new LSTM(3).returnState(true).inputShape(2, 1)), "return_state");
  }

  @Test
  void badArguments() {
    assertMessage(IllegalArgumentException.class, () -> new LSTM(0), "units must be positive");
    assertMessage(IllegalArgumentException.class, () -> new LSTM(3).dropout(1.5), "dropout");
    assertMessage(IllegalArgumentException.class, () -> new FitOptions().batchSize(0), "batch_size");
    assertMessage(IllegalArgumentException.class, () -> new FitOptions().validationSplit(1.0), "validation_split");
  }

  /** NaN in the data: training continues without a crash and the loss reads NaN, as in Keras. */
  @Test
  void nanInDataDoesNotCrash() {
    Keras.setRandomSeed(1);
    try (Sequential m = new Sequential(new Dense(1).inputShape(2))) {
      m.compile("sgd", "mse");
      float[][] x = {{1, 2}, {Float.NaN, 1}};
      History h = m.fit(x, new float[][] {{1}, {2}}, new FitOptions().epochs(2).batchSize(2).verbose(0));
      assertTrue(Double.isNaN(h.last("loss")));
      assertEquals(2, h.epochs().size());
    }
  }

  @Test
  void closedModel() {
    Sequential m = lstmModel();
    m.predict(new float[1][3][2]);
    m.close();
    assertMessage(IllegalStateException.class, () -> m.predict(new float[1][3][2]), "closed");
  }

  @Test
  void rnnNeedsRank3() {
    try (Sequential m = new Sequential(new Dense(4).inputShape(5), new LSTM(2))) {
      Throwable t = assertThrows(IllegalArgumentException.class, () -> m.build(-1, 5));
      assertTrue(t.getMessage().contains("lstm") && t.getMessage().contains("rank 3"), t.getMessage());
      assertTrue(m.getLayer(1) instanceof RNN);
    }
  }
}
