package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.models.FitOptions;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BatchNormalization's modes, as Keras 3 defines them: the moving statistics change in training
 * only (fit and trainOnBatch, by {@code moving * momentum + batch_stat * (1 - momentum)}), never in
 * predict or evaluate; a layer with {@code trainable(false)} runs in inference mode in training and
 * changes none of its weights. The values themselves are checked against Keras in
 * BatchNormalizationTrainingParityTest.
 */
class BatchNormalizationModesTest {
  private static float[][][] x() {
    Random r = new Random(1);
    float[][][] x = new float[8][3][2];
    for (float[][] s : x) for (float[] t : s) for (int k = 0; k < 2; k++) t[k] = (float) (3 + 2 * r.nextGaussian());
    return x;
  }

  private static float[][] y() {
    Random r = new Random(2);
    float[][] y = new float[8][1];
    for (float[] t : y) t[0] = (float) r.nextGaussian();
    return y;
  }

  @Test
  void movingStatisticsChangeInTrainingOnlyByKerasRule() {
    Keras.setRandomSeed(3);
    BatchNormalization bn = new BatchNormalization().momentum(0.75).inputShape(3, 2);
    try (Sequential m = new Sequential(bn, new Flatten(), new Dense(1))) {
      m.compile(new SGD(0.1f), "mse");
      m.build(-1, 3, 2);
      List<FloatArray> before = bn.getWeights();
      m.predict(x());
      m.evaluate(x(), y());
      List<FloatArray> after = bn.getWeights();
      for (int i = 0; i < 4; i++) assertArrayEquals(before.get(i).data(), after.get(i).data(), "predict/evaluate changed weight " + i);
      float[][][] x = x();
      m.trainOnBatch(x, y());
      float[] mean = bn.getWeights().get(2).data();
      float[] variance = bn.getWeights().get(3).data();
      for (int c = 0; c < 2; c++) {
        double sum = 0;
        double sq = 0;
        for (float[][] s : x) for (float[] t : s) sum += t[c];
        double bm = sum / 24;
        for (float[][] s : x) for (float[] t : s) sq += (t[c] - bm) * (t[c] - bm);
        double bv = sq / 24; // biased, as Keras 3 (tf.nn.moments)
        assertEquals(0.75 * 0 + 0.25 * bm, mean[c], 1e-5, "moving_mean " + c);
        assertEquals(0.75 * 1 + 0.25 * bv, variance[c], 1e-4, "moving_variance " + c);
      }
    }
  }

  @Test
  void aFrozenLayerRunsInInferenceModeAndKeepsItsWeights() {
    Keras.setRandomSeed(4);
    BatchNormalization bn = new BatchNormalization().inputShape(3, 2);
    bn.trainable(false);
    Dense head = new Dense(1);
    try (Sequential m = new Sequential(bn, new Flatten(), head)) {
      m.compile(new SGD(0.1f), "mse");
      m.build(-1, 3, 2);
      assertEquals(0, bn.trainableWeights().size());
      assertEquals(4, bn.nonTrainableWeights().size());
      List<FloatArray> before = bn.getWeights();
      float[] kernel = head.getWeights().get(0).data().clone();
      m.fit(x(), y(), new FitOptions().epochs(2).batchSize(4).verbose(0));
      List<FloatArray> after = bn.getWeights();
      for (int i = 0; i < 4; i++) assertArrayEquals(before.get(i).data(), after.get(i).data(), "frozen weight " + i);
      assertFalse(java.util.Arrays.equals(kernel, head.getWeights().get(0).data()), "the head trained");
      // Inference mode in training: the training loss equals evaluate's on the same batch before the step.
      double evalLoss = m.evaluate(x(), y(), 8).get("loss");
      double trainLoss = m.trainOnBatch(x(), y()).get("loss");
      assertEquals(evalLoss, trainLoss, 1e-5);
    }
  }
}
