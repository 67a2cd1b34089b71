package io.jkeras.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The "learn the alphabet" datasets of the stateful-LSTM tutorial: every window of letters and
 * the letter that follows it, inputs normalized by the alphabet length, one-hot targets.
 * Framings: {@code one_char} (n, 1, 1), {@code window_features} (n, 1, 3),
 * {@code window_timesteps} (n, 3, 1), and {@code variable_length} (random subsequences of 1..5
 * letters, pre-padded with 0 to (n, 5, 1)).
 */
public final class Alphabet {
  public static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  public static final List<String> FRAMINGS = List.of("one_char", "window_features", "window_timesteps", "variable_length");

  private Alphabet() {}

  /** The framing's dataset; {@code seqLength} for windows, {@code samples}/{@code seed} for variable_length. */
  public static Dataset framing(String framing, int seqLength, int samples, long seed) {
    switch (framing) {
      case "one_char": return windows(1, false);
      case "window_features": return windows(seqLength, false);
      case "window_timesteps": return windows(seqLength, true);
      case "variable_length": return variableLength(samples, seqLength, seed);
      default:
        throw new IllegalArgumentException("unknown alphabet framing '" + framing + "'; known: " + String.join(", ", FRAMINGS));
    }
  }

  /** Windows of {@code seqLength} letters as timesteps (n, len, 1) or as features (n, 1, len). */
  public static Dataset windows(int seqLength, boolean asTimesteps) {
    if (seqLength < 1 || seqLength >= LETTERS.length()) {
      throw new IllegalArgumentException("alphabet seq_length must be in [1, 25], got " + seqLength);
    }
    int n = LETTERS.length() - seqLength;
    float[] x = new float[n * seqLength];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < seqLength; j++) x[i * seqLength + j] = (i + j) / (float) LETTERS.length();
      y[i] = i + seqLength;
    }
    long[] shape = asTimesteps ? new long[] {n, seqLength, 1} : new long[] {n, 1, seqLength};
    return new Dataset(new FloatArray(x, shape), oneHot(y), letters());
  }

  /**
   * {@code samples} random subsequences of 1..maxLen consecutive letters, each pre-padded with 0
   * to maxLen, target the following letter.
   */
  public static Dataset variableLength(int samples, int maxLen, long seed) {
    if (samples < 1) throw new IllegalArgumentException("alphabet samples must be positive, got " + samples);
    Random r = new Random(seed);
    List<int[]> seqs = new ArrayList<>();
    int[] y = new int[samples];
    for (int i = 0; i < samples; i++) {
      // As the tutorial: start in [0, 24), end in [start, min(start + maxLen, 25)), in = start..end, out = end + 1.
      int start = r.nextInt(LETTERS.length() - 2);
      int end = start + r.nextInt(Math.min(start + maxLen, LETTERS.length() - 1) - start);
      int[] s = new int[end - start + 1];
      for (int k = 0; k < s.length; k++) s[k] = start + k;
      seqs.add(s);
      y[i] = end + 1;
    }
    int[][] padded = DataUtils.padSequences(seqs, maxLen, DataUtils.Side.PRE, DataUtils.Side.PRE, 0);
    float[] x = new float[samples * maxLen];
    for (int i = 0; i < samples; i++) {
      for (int t = 0; t < maxLen; t++) x[i * maxLen + t] = padded[i][t] / (float) LETTERS.length();
    }
    return new Dataset(new FloatArray(x, samples, maxLen, 1), oneHot(y), letters());
  }

  private static FloatArray oneHot(int[] y) {
    float[][] h = DataUtils.toCategorical(y, LETTERS.length());
    return FloatArray.of(h);
  }

  private static List<String> letters() {
    return Arrays.asList(LETTERS.split(""));
  }
}
