package io.jkeras.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Text turned into training sequences, as the tutorials do: characters (Macbeth generation) or
 * words (the language model), a sorted vocabulary, windows of {@code seqLength} tokens taken every
 * {@code step} tokens. Inputs as normalized ids (n, T, 1), one-hot (n, T, V) or raw ids (n, T)
 * for an Embedding; targets as the next token one-hot (n, V), or for {@code sequenceTargets} the
 * next token at every position (n, T, V).
 */
public final class TextSequences {
  /** How inputs are encoded. */
  public enum Encoding { NORMALIZED, ONEHOT, IDS }

  private final List<String> vocabulary;
  private final Map<String, Integer> index;
  private final int[] tokens;
  private final boolean charLevel;

  private TextSequences(List<String> tokenList, boolean charLevel) {
    this.charLevel = charLevel;
    this.vocabulary = new ArrayList<>(new TreeSet<>(tokenList));
    this.index = new TreeMap<>();
    for (int i = 0; i < vocabulary.size(); i++) index.put(vocabulary.get(i), i);
    this.tokens = tokenList.stream().mapToInt(index::get).toArray();
  }

  /** Reads {@code path} as characters (charLevel) or whitespace-separated words, lowercased if asked. */
  public static TextSequences read(Path path, boolean charLevel, boolean lowercase) throws IOException {
    String text = Files.readString(path, StandardCharsets.UTF_8);
    return of(text, charLevel, lowercase);
  }

  public static TextSequences of(String text, boolean charLevel, boolean lowercase) {
    if (lowercase) text = text.toLowerCase(Locale.ROOT);
    List<String> toks = new ArrayList<>();
    if (charLevel) {
      text.codePoints().forEach(cp -> toks.add(new String(Character.toChars(cp))));
    } else {
      for (String w : text.replace("\n", " <eos> ").split("\\s+")) if (!w.isEmpty()) toks.add(w);
    }
    if (toks.size() < 2) throw new IllegalArgumentException("text has fewer than 2 tokens");
    return new TextSequences(toks, charLevel);
  }

  public List<String> vocabulary() {
    return vocabulary;
  }

  public int[] tokens() {
    return tokens;
  }

  public boolean charLevel() {
    return charLevel;
  }

  /** Encodes {@code text} with this vocabulary; unknown tokens are an error naming them. */
  public int[] encode(String text) {
    List<String> toks = new ArrayList<>();
    if (charLevel) text.codePoints().forEach(cp -> toks.add(new String(Character.toChars(cp))));
    else for (String w : text.split("\\s+")) if (!w.isEmpty()) toks.add(w);
    int[] r = new int[toks.size()];
    for (int i = 0; i < r.length; i++) {
      Integer id = index.get(toks.get(i));
      if (id == null) throw new IllegalArgumentException("'" + toks.get(i) + "' is not in the vocabulary of " + vocabulary.size() + " tokens");
      r[i] = id;
    }
    return r;
  }

  /** Windows of {@code seqLength} tokens every {@code step}, at most {@code maxSamples} (&lt;= 0: all); one-hot targets. */
  public Dataset windows(int seqLength, int step, Encoding encoding, boolean sequenceTargets, int maxSamples) {
    return windows(seqLength, step, encoding, sequenceTargets, false, maxSamples);
  }

  /**
   * As {@link #windows(int, int, Encoding, boolean, int)}; with {@code idTargets} the targets are
   * token ids, (n) or (n, T), for sparse_categorical_crossentropy: a vocabulary of 5,000 words
   * would otherwise need 5,000 floats per target.
   */
  public Dataset windows(int seqLength, int step, Encoding encoding, boolean sequenceTargets, boolean idTargets, int maxSamples) {
    if (seqLength < 1) throw new IllegalArgumentException("seq_length must be positive, got " + seqLength);
    if (step < 1) throw new IllegalArgumentException("step must be positive, got " + step);
    int available = (tokens.length - seqLength - 1) / step + 1;
    if (tokens.length <= seqLength) {
      throw new IllegalArgumentException("text of " + tokens.length + " tokens is too short for seq_length " + seqLength);
    }
    int n = maxSamples > 0 ? Math.min(available, maxSamples) : available;
    int v = vocabulary.size();
    FloatArray x;
    switch (encoding) {
      case NORMALIZED: {
        float[] d = new float[n * seqLength];
        for (int i = 0; i < n; i++) for (int t = 0; t < seqLength; t++) d[i * seqLength + t] = tokens[i * step + t] / (float) v;
        x = new FloatArray(d, n, seqLength, 1);
        break;
      }
      case ONEHOT: {
        float[] d = new float[Math.multiplyExact(n * seqLength, v)];
        for (int i = 0; i < n; i++) for (int t = 0; t < seqLength; t++) d[(i * seqLength + t) * v + tokens[i * step + t]] = 1;
        x = new FloatArray(d, n, seqLength, v);
        break;
      }
      default: {
        float[] d = new float[n * seqLength];
        for (int i = 0; i < n; i++) for (int t = 0; t < seqLength; t++) d[i * seqLength + t] = tokens[i * step + t];
        x = new FloatArray(d, n, seqLength);
      }
    }
    FloatArray y;
    if (idTargets) {
      int per = sequenceTargets ? seqLength : 1;
      float[] d = new float[n * per];
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < per; t++) d[i * per + t] = tokens[i * step + (sequenceTargets ? t + 1 : seqLength)];
      }
      y = sequenceTargets ? new FloatArray(d, n, seqLength) : new FloatArray(d, n);
    } else if (sequenceTargets) {
      float[] d = new float[Math.multiplyExact(n * seqLength, v)];
      for (int i = 0; i < n; i++) for (int t = 0; t < seqLength; t++) d[(i * seqLength + t) * v + tokens[i * step + t + 1]] = 1;
      y = new FloatArray(d, n, seqLength, v);
    } else {
      float[] d = new float[n * v];
      for (int i = 0; i < n; i++) d[i * v + tokens[i * step + seqLength]] = 1;
      y = new FloatArray(d, n, v);
    }
    return new Dataset(x, y, vocabulary);
  }
}
