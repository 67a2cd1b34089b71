package io.jkeras.saving.savedmodel;

import static io.jkeras.testing.Fixtures.assertClose;
import static io.jkeras.testing.Fixtures.npy;
import static io.jkeras.testing.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.callbacks.History;
import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.LSTM;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.jkeras.config.KerasFormatException;

/** SavedModels reopened as trainable jkeras models. */
class SavedModelImportTest {
  @TempDir Path tmp;

  /**
   * tf.keras 2.12's LSTM SavedModel: config from keras_metadata.pb, weights through the object
   * graph (the cell sits at variables/0..2). Same predictions as the SavedModel itself, then it
   * trains and exports again.
   */
  @Test
  void keras2LstmSavedModelBecomesTrainable() throws Exception {
    Path dir = path("savedmodel-tfnet-lstm-sequential");
    FloatArray x = npy("savedmodel-tfnet-lstm-sequential/derived/input_serving_default_input_1.npy");
    FloatArray served;
    try (SavedModel sm = SavedModel.load(dir)) {
      served = sm.predict(x);
    }
    try (Sequential m = SavedModelImport.loadTrainable(dir)) {
      assertEquals("input_1", m.inputName());
      assertEquals(32, ((LSTM) m.getLayer(0)).units());
      assertTrue(m.isCompiled(), "compiled from training_config");
      assertEquals("binary_crossentropy", m.loss().name());
      double err = assertClose(served, m.predict(x), 1e-5, 1e-5);
      System.out.println("tfnet LSTM SavedModel vs reopened jkeras model: max abs error " + err);
      assertClose(npy("savedmodel-tfnet-lstm-sequential/derived/expected_serving_default_dense.npy"), m.predict(x), 1e-4, 1e-4);
      Random r = new Random(1);
      float[][][] xs = new float[32][5][3];
      float[][] ys = new float[32][1];
      for (int i = 0; i < 32; i++) {
        for (float[] t : xs[i]) for (int k = 0; k < 3; k++) t[k] = (float) r.nextGaussian();
        ys[i][0] = xs[i][4][0] > 0 ? 1 : 0;
      }
      History h = m.fit(xs, ys, new FitOptions().epochs(15).batchSize(8).verbose(0));
      assertTrue(h.last("loss") < h.get("loss").get(0), "fine-tuning lowers the loss: " + h.get("loss"));
      Path out = tmp.resolve("finetuned");
      m.export(out);
      FloatArray tuned = m.predict(x);
      try (Sequential again = SavedModelImport.loadTrainable(out); SavedModel sm = SavedModel.load(out)) {
        assertArrayEquals(tuned.data(), again.predict(x).data(), 0f);
        assertArrayEquals(tuned.data(), sm.predict(x).data(), 0f);
      }
    }
  }

  /**
   * A jkeras model exported mid-training and reopened continues exactly as the uninterrupted
   * run (SGD carries no optimizer state; a SavedModel holds none, as Keras's export).
   */
  @Test
  void exportReloadContinueEqualsUninterrupted() throws Exception {
    Random r = new Random(2);
    float[][][] x = new float[16][4][2];
    float[][] y = new float[16][1];
    for (int i = 0; i < 16; i++) {
      for (float[] t : x[i]) for (int k = 0; k < 2; k++) t[k] = (float) r.nextGaussian();
      y[i][0] = x[i][3][1];
    }
    FitOptions fit = new FitOptions().epochs(5).batchSize(4).shuffle(false).verbose(0);
    List<Double> uninterrupted;
    List<Double> resumed;
    Keras.setRandomSeed(9);
    try (Sequential m = new Sequential(new LSTM(6).inputShape(4, 2), new Dense(1))) {
      m.compile(new SGD(0.1f), "mse");
      m.fit(x, y, fit);
      Path dir = tmp.resolve("mid");
      m.export(dir);
      uninterrupted = m.fit(x, y, fit).get("loss");
      try (Sequential back = SavedModelImport.loadTrainable(dir)) {
        back.compile(new SGD(0.1f), "mse");
        resumed = back.fit(x, y, fit).get("loss");
      }
    }
    for (int i = 0; i < uninterrupted.size(); i++) {
      assertEquals(uninterrupted.get(i), resumed.get(i), 1e-6 * Math.max(1, uninterrupted.get(i)), "epoch " + i);
    }
  }

  @Test
  void plainSavedModelsAreInferenceOnly() {
    Path dir = path("savedmodel-tfserving-half-plus-two-tf2");
    SavedModelException e = assertThrows(SavedModelException.class, () -> SavedModelImport.loadTrainable(dir));
    assertTrue(e.getMessage().contains("SavedModel.load"), e.getMessage());
  }

  @Test
  void customLayerSavedModelNamesTheClass() {
    Path dir = path("savedmodel-tfnet-custom-layer");
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> SavedModelImport.loadTrainable(dir));
    assertTrue(e.getMessage().contains("Transformer"), e.getMessage());
  }
}
