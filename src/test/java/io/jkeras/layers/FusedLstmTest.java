package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.Keras;
import io.jkeras.backend.BlockLstm;
import io.jkeras.data.FloatArray;
import io.jkeras.models.Sequential;
import io.jkeras.optimizers.Adam;
import io.jkeras.optimizers.SGD;
import io.jkeras.testing.GradientCheck;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The LSTM's training paths: the fused one (TensorFlow's BlockLSTMV2 with our own gradient,
 * {@code backend/BlockLstm}) against the unrolled Keras cell, the same weights after several
 * training steps in every configuration that takes the fused path; the unrolled cell's gate-split
 * recurrent matmul against the single one; and gradients against central finite differences of
 * the loss (computed by evaluate, which runs the unrolled cell without the split).
 */
class FusedLstmTest {

  private static final int STEPS = 4;

  /** Trains a fresh model (seed 5) for a few steps, fused or unrolled; returns its weights. */
  private static List<FloatArray> train(boolean fused, Supplier<Sequential> model, float[][][] x, float[][] y) {
    return withFused(fused, () -> {
      Keras.setRandomSeed(5);
      try (Sequential m = model.get()) {
        for (int s = 0; s < STEPS; s++) m.trainOnBatch(x, y);
        assertEquals(fused, fusedOps(m) > 0, "BlockLSTMV2 in the training graph");
        List<FloatArray> w = m.getWeights();
        // Also stateful states and predictions must agree afterwards.
        w.add(m.predict(x, x.length));
        return w;
      }
    });
  }

  /** Runs {@code body} with the jkeras.fusedLstm switch set (read when training functions are built). */
  private static <T> T withFused(boolean fused, Supplier<T> body) {
    return withProperty("jkeras.fusedLstm", Boolean.toString(fused), body);
  }

  private static <T> T withProperty(String key, String value, Supplier<T> body) {
    String before = System.getProperty(key);
    System.setProperty(key, value);
    try {
      return body.get();
    } finally {
      if (before == null) System.clearProperty(key);
      else System.setProperty(key, before);
    }
  }

  private static int fusedOps(Sequential m) {
    return ops(m, "BlockLSTMV2");
  }

  private static int ops(Sequential m, String type) {
    int n = 0;
    for (java.util.Iterator<GraphOperation> it = m.runtime().graph().operations(); it.hasNext(); ) {
      if (it.next().type().equals(type)) n++;
    }
    return n;
  }

  private static float[][][] seq(int n, int t, int f, long seed) {
    Random r = new Random(seed);
    float[][][] x = new float[n][t][f];
    for (float[][] s : x) for (float[] v : s) for (int k = 0; k < f; k++) v[k] = (float) r.nextGaussian();
    return x;
  }

  private static float[][] targets(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] y = new float[n][d];
    for (float[] v : y) for (int k = 0; k < d; k++) v[k] = (float) r.nextGaussian() * 0.5f;
    return y;
  }

  private static void assertSameTraining(String what, Supplier<Sequential> model, float[][][] x, float[][] y) {
    List<FloatArray> unrolled = train(false, model, x, y);
    List<FloatArray> fused = train(true, model, x, y);
    assertEquals(unrolled.size(), fused.size());
    for (int i = 0; i < unrolled.size(); i++) {
      float[] a = unrolled.get(i).data();
      float[] b = fused.get(i).data();
      double scale = 0;
      for (float v : a) scale = Math.max(scale, Math.abs(v));
      for (int j = 0; j < a.length; j++) {
        assertTrue(Math.abs(a[j] - b[j]) <= 1e-5 * Math.max(1, scale),
            what + ": array " + i + "[" + j + "] unrolled " + a[j] + " vs fused " + b[j]);
      }
    }
  }

  @Test
  void lastOutput() {
    assertSameTraining("LSTM(6)", () -> compiled(new LSTM(6).inputShape(7, 3), new Dense(2)), seq(5, 7, 3, 1), targets(5, 2, 2));
  }

  @Test
  void stackedSequencesGoBackwardsAndNoBias() {
    assertSameTraining("stacked", () -> compiled(
        new LSTM(5).returnSequences(true).goBackwards(true).inputShape(6, 3),
        new LSTM(4).useBias(false).unitForgetBias(false),
        new Dense(2)), seq(4, 6, 3, 3), targets(4, 2, 4));
  }

  @Test
  void statefulCarriesStateAcrossBatches() {
    assertSameTraining("stateful", () -> compiled(
        new LSTM(5).stateful(true).batchInputShape(3, 6, 4), new Dense(2)), seq(3, 6, 4, 5), targets(3, 2, 6));
  }

  @Test
  void inputDropout() {
    assertSameTraining("dropout", () -> compiled(
        new LSTM(8).dropout(0.3).seed(9).inputShape(LSTM.FUSED_MIN_STEPS, 2), new Dense(2)),
        seq(6, LSTM.FUSED_MIN_STEPS, 2, 7), targets(6, 2, 8));
  }

  /** Shorter sequences train through the unrolled cell (measured faster there); longer ones fused, by default. */
  @Test
  void fusedFromMinStepsByDefault() {
    Keras.setRandomSeed(5);
    try (Sequential shortSeq = compiled(new LSTM(4).inputShape(LSTM.FUSED_MIN_STEPS - 1, 2), new Dense(2));
         Sequential longSeq = compiled(new LSTM(4).inputShape(LSTM.FUSED_MIN_STEPS, 2), new Dense(2))) {
      shortSeq.trainOnBatch(seq(2, LSTM.FUSED_MIN_STEPS - 1, 2, 1), targets(2, 2, 2));
      longSeq.trainOnBatch(seq(2, LSTM.FUSED_MIN_STEPS, 2, 1), targets(2, 2, 2));
      assertEquals(0, fusedOps(shortSeq));
      assertTrue(fusedOps(longSeq) > 0);
    }
  }

  /**
   * The unrolled cell's recurrent matmul split by gate (in training, for large layers) trains
   * exactly as the single matmul; and its gradient matches finite differences. Forced on a small
   * layer with -Djkeras.splitMinUnits=1, and with masks so that the unrolled cell is used.
   */
  @Test
  void gateSplitRecurrentMatmul() {
    float[][][] x = seq(4, 5, 3, 21);
    x[1][0] = new float[3]; // a masked step
    float[][] y = targets(4, 2, 22);
    Supplier<Sequential> model = () -> compiled(new Masking().inputShape(5, 3), new LSTM(6).returnSequences(true), new LSTM(5),
        new Dense(2));
    List<List<FloatArray>> w = new java.util.ArrayList<>();
    int[] matmuls = new int[2];
    for (int k = 0; k < 2; k++) {
      int run = k;
      w.add(withProperty("jkeras.splitMinUnits", k == 0 ? "1" : "100000", () -> {
        Keras.setRandomSeed(5);
        try (Sequential m = model.get()) {
          for (int s = 0; s < STEPS; s++) m.trainOnBatch(x, y);
          matmuls[run] = ops(m, "MatMul");
          return m.getWeights();
        }
      }));
    }
    assertTrue(matmuls[0] > matmuls[1] + 30, "split: " + matmuls[0] + " MatMul ops, single: " + matmuls[1]);
    for (int i = 0; i < w.get(0).size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(w.get(1).get(i).data(), w.get(0).get(i).data(), 1e-5f, "weight " + i);
    }
    withProperty("jkeras.splitMinUnits", "1", () -> {
      Keras.setRandomSeed(6);
      try (Sequential m = new Sequential(new Masking().inputShape(5, 3), new LSTM(4), new Dense(2).activation("tanh"))) {
        m.compile(new SGD(1.0f), "mse");
        m.build(-1, 5, 3);
        assertTrue(GradientCheck.checkAgainstFiniteDifferences(m, x, y, 2) > 40);
        return null;
      }
    });
  }

  @Test
  void bidirectional() {
    assertSameTraining("bidirectional", () -> compiled(
        new Bidirectional(new LSTM(3)).inputShape(7, 2), new Dense(2)), seq(4, 7, 2, 9), targets(4, 2, 10));
  }

  private static Sequential compiled(Layer<?>... layers) {
    Sequential m = new Sequential(layers);
    m.compile(new Adam(0.01f), "mse");
    return m;
  }

  /**
   * One SGD(lr=1) step moves each weight by minus its gradient; central differences of the loss
   * give it independently. Every other weight of a stacked, sequence-returning, reversed LSTM model.
   */
  @Test
  void fusedGradientMatchesFiniteDifferences() {
    Keras.setRandomSeed(13);
    float[][][] x = seq(3, 6, 3, 11);
    float[][] y = targets(3, 2, 12);
    try (Sequential m = new Sequential(
        new LSTM(4).returnSequences(true).inputShape(6, 3),
        new LSTM(3).goBackwards(true),
        new Dense(2).activation("tanh"))) {
      m.compile(new SGD(1.0f), "mse");
      m.build(-1, 6, 3);
      int checked = withFused(true, () -> GradientCheck.checkAgainstFiniteDifferences(m, x, y, 2));
      assertTrue(checked > 100, "checked " + checked);
      assertTrue(fusedOps(m) > 0, "the training function used BlockLSTMV2");
    }
  }

  /**
   * The gradient is registered for every BlockLSTMV2 in the JVM: one built elsewhere with
   * peepholes (which it does not compute) is refused with a Java exception naming the op.
   */
  @Test
  void peepholeOpFromElsewhereIsRefused() {
    assertTrue(BlockLstm.available());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var zeros = (Function<long[], Operand<TFloat32>>)
          shape -> tf.zeros(tf.constant(shape), TFloat32.class);
      var h0 = zeros.apply(new long[] {2, 3});
      var w = zeros.apply(new long[] {7, 12});
      var p = zeros.apply(new long[] {3});
      GraphOperation op = (GraphOperation) tf.scope().opBuilder("BlockLSTMV2", "peephole_lstm")
          .addInput(tf.constant(2L).asOutput()).addInput(zeros.apply(new long[] {2, 2, 4}).asOutput())
          .addInput(h0.asOutput()).addInput(h0.asOutput()).addInput(w.asOutput())
          .addInput(p.asOutput()).addInput(p.asOutput()).addInput(p.asOutput()).addInput(zeros.apply(new long[] {12}).asOutput())
          .setAttr("use_peephole", true).setAttr("cell_clip", 0f).build();
      var loss = tf.reduceSum(op.<TFloat32>output(6), tf.constant(new int[] {0, 1, 2}));
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> g.addGradients(loss.asOutput(), new Output<?>[] {w.asOutput()}));
      assertTrue(e.getMessage().contains("peephole_lstm") && e.getMessage().contains("peephole"), e.getMessage());
    }
  }

}
