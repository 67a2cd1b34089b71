package io.jkeras.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The same workloads on Deeplearning4j 1.0.0-M2.1 (nd4j-native CPU backend), in its own JVM:
 * the harness sets OMP_NUM_THREADS per run and keeps the best. Same architectures, float32,
 * Adam(0.001), softmax + multi-class cross-entropy. DL4J's recurrent layout is [batch, features,
 * time] (NCW); DL4J's dropout argument is the probability to KEEP (0.8 = Keras Dropout(0.2)).
 *
 * <p>Usage: {@code Dl4jBench [workload...]} with workloads alphabet, char, word, predict.
 */
public final class Dl4jBench {
  private Dl4jBench() {}

  public static void main(String[] args) {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    List<String> w = args.length == 0 ? List.of("alphabet", "char", "word", "predict") : List.of(args);
    String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "default");
    Stats.emit(Stats.map("side", "dl4j", "kind", "env", "omp_threads", threads,
        "backend", String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation())));
    for (String name : w) {
      switch (name) {
        case "alphabet": alphabet(threads); break;
        case "char": charLstm(threads); break;
        case "word": wordLm(threads); break;
        case "predict": predict(threads); break;
        default: throw new IllegalArgumentException("unknown workload " + name);
      }
    }
  }

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT).updater(new Adam(0.001))
        .weightInit(WeightInit.XAVIER);
  }

  /** LSTM(256, seq) -> Dropout(0.2) -> LSTM(256) -> Dropout(0.2) -> Dense(40 softmax). */
  static MultiLayerNetwork charModel() {
    MultiLayerConfiguration conf = base().list()
        .layer(new LSTM.Builder().nIn(1).nOut(256).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build())
        .layer(new DropoutLayer.Builder(0.8).build())
        .layer(new LastTimeStep(new LSTM.Builder().nIn(256).nOut(256).activation(Activation.TANH)
            .gateActivationFunction(Activation.SIGMOID).build()))
        .layer(new DropoutLayer.Builder(0.8).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(40).activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static void alphabet(String threads) {
    // Stateful training as DL4J does it: the 25-step sequence with truncated BPTT of length 1,
    // so each step is one update and the state carries from step to step; a new fit() starts
    // from zero state (the reset between epochs).
    MultiLayerConfiguration conf = base().list()
        .layer(new LSTM.Builder().nIn(1).nOut(50).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build())
        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(50).nOut(26).activation(Activation.SOFTMAX).build())
        .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(1).tBPTTBackwardLength(1)
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    INDArray x = Nd4j.create(DataType.FLOAT, 1, 1, 25);
    INDArray y = Nd4j.create(DataType.FLOAT, 1, 26, 25);
    for (int t = 0; t < 25; t++) {
      x.putScalar(new int[] {0, 0, t}, t / 26f);
      y.putScalar(new int[] {0, t + 1, t}, 1f);
    }
    DataSet ds = new DataSet(x, y);
    for (int e = 0; e < 20; e++) net.fit(ds);
    int epochs = 100;
    double[] perEpoch = new double[epochs];
    for (int e = 0; e < epochs; e++) {
      long t0 = System.nanoTime();
      net.fit(ds);
      net.rnnClearPreviousState();
      perEpoch[e] = Stats.ms(System.nanoTime() - t0) / 25;
    }
    Stats.emit(Stats.map("side", "dl4j", "workload", "alphabet-stateful", "omp_threads", threads,
        "params", net.numParams(), "ms_per_step", Stats.median(perEpoch), "score", net.score()));
  }

  static void charLstm(String threads) {
    MultiLayerNetwork net = charModel();
    Random r = new Random(1);
    int batches = 4;
    List<DataSet> data = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      INDArray x = Nd4j.rand(DataType.FLOAT, 64, 1, 50);
      INDArray y = Nd4j.zeros(DataType.FLOAT, 64, 40);
      for (int i = 0; i < 64; i++) y.putScalar(i, r.nextInt(40), 1f);
      data.add(new DataSet(x, y));
    }
    int warm = 3;
    int steps = Integer.getInteger("bench.dl4j.steps", 12);
    for (int i = 0; i < warm; i++) net.fit(data.get(i % batches));
    double[] ms = new double[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      net.fit(data.get(i % batches));
      ms[i] = Stats.ms(System.nanoTime() - t0);
    }
    double med = Stats.median(ms);
    Stats.emit(Stats.map("side", "dl4j", "workload", "char-lstm", "omp_threads", threads, "params", net.numParams(),
        "ms_per_step", med, "samples_per_s", 64 / (med / 1000), "gflops", Flops.train(Flops.charLstmForward(64)) / (med / 1000) / 1e9,
        "score", net.score()));
  }

  static void wordLm(String threads) {
    MultiLayerConfiguration conf = base().list()
        .layer(new EmbeddingSequenceLayer.Builder().nIn(10000).nOut(200).inputLength(30).hasBias(false)
            .outputDataFormat(RNNFormat.NCW).build())
        .layer(new LSTM.Builder().nIn(200).nOut(200).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build())
        .layer(new LSTM.Builder().nIn(200).nOut(200).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build())
        .layer(new DropoutLayer.Builder(0.5).build())
        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(200).nOut(10000).activation(Activation.SOFTMAX)
            .dataFormat(RNNFormat.NCW).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    Random r = new Random(2);
    int batches = 3;
    List<DataSet> data = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      INDArray x = Nd4j.create(DataType.FLOAT, 20, 30);
      INDArray y = Nd4j.zeros(DataType.FLOAT, 20, 10000, 30);
      for (int i = 0; i < 20; i++) {
        for (int t = 0; t < 30; t++) {
          x.putScalar(new int[] {i, t}, r.nextInt(10000));
          y.putScalar(new int[] {i, r.nextInt(10000), t}, 1f);
        }
      }
      data.add(new DataSet(x, y));
    }
    int warm = 3;
    int steps = Integer.getInteger("bench.dl4j.steps", 12);
    for (int i = 0; i < warm; i++) net.fit(data.get(i % batches));
    double[] ms = new double[steps];
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      net.fit(data.get(i % batches));
      ms[i] = Stats.ms(System.nanoTime() - t0);
    }
    double med = Stats.median(ms);
    Stats.emit(Stats.map("side", "dl4j", "workload", "word-lm", "omp_threads", threads, "params", net.numParams(),
        "ms_per_step", med, "tokens_per_s", 600 / (med / 1000), "gflops", Flops.train(Flops.wordLmForward()) / (med / 1000) / 1e9,
        "score", net.score()));
  }

  static void predict(String threads) {
    MultiLayerNetwork net = charModel();
    INDArray one = Nd4j.rand(DataType.FLOAT, 1, 1, 50);
    int warm = 50;
    int calls = Integer.getInteger("bench.dl4j.predictCalls", 400);
    for (int i = 0; i < warm; i++) net.output(one);
    double[] us = new double[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      INDArray out = net.output(one);
      us[i] = (System.nanoTime() - t0) / 1e3;
      if (out.length() != 40) throw new IllegalStateException();
    }
    INDArray big = Nd4j.rand(DataType.FLOAT, 256, 1, 50);
    for (int i = 0; i < 2; i++) net.output(big);
    int reps = 6;
    double[] bms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      net.output(big);
      bms[i] = Stats.ms(System.nanoTime() - t0);
    }
    double bmed = Stats.median(bms);
    Stats.emit(Stats.map("side", "dl4j", "workload", "predict-latency", "omp_threads", threads, "params", net.numParams(),
        "p50_us", Stats.percentile(us, 50), "p99_us", Stats.percentile(us, 99), "calls", calls,
        "batch256_ms", bmed, "batch256_samples_per_s", 256 / (bmed / 1000)));
  }
}
