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
 * The LSTM's opt-in fused training path (TensorFlow's BlockLSTMV2 with our own gradient, {@code
 * backend/BlockLstm}, {@code -Djkeras.fusedLstm=true}) against the unrolled Keras cell: the same
 * weights after several training steps, in every configuration that takes the fused path; and its
 * gradient against central finite differences of the loss (computed by evaluate, which runs the
 * unrolled cell).
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
    String before = System.getProperty("jkeras.fusedLstm");
    System.setProperty("jkeras.fusedLstm", Boolean.toString(fused));
    try {
      return body.get();
    } finally {
      if (before == null) System.clearProperty("jkeras.fusedLstm");
      else System.setProperty("jkeras.fusedLstm", before);
    }
  }

  private static int fusedOps(Sequential m) {
    int n = 0;
    for (java.util.Iterator<GraphOperation> it = m.runtime().graph().operations(); it.hasNext(); ) {
      if (it.next().type().equals("BlockLSTMV2")) n++;
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
        new LSTM(8).dropout(0.3).seed(9).inputShape(1, 2), new Dense(2)), seq(6, 1, 2, 7), targets(6, 2, 8));
  }

  /** Without the switch, training uses the unrolled cell (measured faster per step). */
  @Test
  void unrolledByDefault() {
    Keras.setRandomSeed(5);
    try (Sequential m = compiled(new LSTM(4).inputShape(7, 2), new Dense(2))) {
      m.trainOnBatch(seq(2, 7, 2, 1), targets(2, 2, 2));
      assertEquals(0, fusedOps(m));
    }
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
      int checked = withFused(true, () -> LSTMGradientCheckTest.checkAgainstFiniteDifferences(m, x, y, 2));
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
