package io.jkeras.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jkeras.data.FloatArray;
import io.jkeras.layers.Dense;
import io.jkeras.layers.TimeDistributed;
import io.jkeras.models.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Crossentropy through TimeDistributed(Dense(softmax)) works from the logits too (the loss looks
 * through the Reshape that folds batch and time): with saturated logits, where clipped
 * probabilities would give about 16.1, both models give Keras's value.
 */
class TimeDistributedLogitsTest {
  @Test
  void timeDistributedSoftmaxUsesLogits() {
    float[][][] x = {{{1, 0}, {0, 1}}, {{1, 1}, {0, 0}}};
    float[][][] y = {{{0, 1}, {1, 0}}, {{0, 1}, {1, 0}}};
    // kernel making class 0 win by 40 on feature 0: a saturated softmax on the wrong class.
    List<FloatArray> w = List.of(new FloatArray(new float[] {40, 0, 0, 0}, 2, 2), new FloatArray(new float[] {0, 0}, 2));
    try (Sequential td = new Sequential(new TimeDistributed(new Dense(2).activation("softmax")).inputShape(2, 2));
         Sequential plain = new Sequential(new Dense(2).activation("softmax").inputShape(2, 2))) {
      td.build(-1, 2, 2);
      plain.build(-1, 2, 2);
      td.setWeights(w);
      plain.setWeights(w);
      td.compile("sgd", "categorical_crossentropy");
      plain.compile("sgd", "categorical_crossentropy");
      double a = td.evaluate(x, y).get("loss");
      double b = plain.evaluate(x, y).get("loss");
      // Per step: 40 for the two saturated wrong ones, log(2) for the two ties, 0-ish for none: mean of
      // [40, log2] and [40, log2] -> (40 + log 2) / 2.
      assertEquals((40 + Math.log(2)) / 2, b, 1e-4);
      assertEquals(b, a, 1e-5);
    }
  }
}
