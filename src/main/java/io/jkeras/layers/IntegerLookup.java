package io.jkeras.layers;

import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code IntegerLookup}: maps integers to indices of a vocabulary (the mask at 0 when
 * there is a mask token, then the OOV indices, then the tokens), or to one_hot / multi_hot /
 * count rows; with {@code invert}, indices back to the integers. It runs in Java before the graph
 * ({@link Preprocessing}), so it takes a model input directly, fed integers (as any number array;
 * jkeras feeds float32, exact up to 2^24). Several OOV indices use Keras's default floormod.
 */
public final class IntegerLookup extends IndexLookup<IntegerLookup> {
  /** An IntegerLookup with Keras's defaults (one OOV index, oov_token -1, no mask token, output_mode "int"). */
  public IntegerLookup() {
    oovToken = "-1";
  }

  /** Keras's {@code IntegerLookup.from_config}. */
  public static IntegerLookup fromConfig(Config c) {
    IntegerLookup l = new IntegerLookup();
    l.readBaseConfig(c);
    l.readLookupConfig(c);
    Long mask = c.getLongOrNull("mask_token");
    l.maskToken = mask == null ? null : Long.toString(mask);
    Long oov = c.getLongOrNull("oov_token");
    l.oovToken = oov == null ? "-1" : Long.toString(oov);
    l.invert = c.getBool("invert", false);
    String dtype = c.getString("vocabulary_dtype", "int64");
    if (!dtype.startsWith("int")) throw new KerasFormatException(c.path() + ".vocabulary_dtype: expected an integer dtype, got " + dtype);
    List<String> vocabulary = vocabularyFrom(c, "vocabulary", true);
    try {
      l.validate();
      if (vocabulary != null) l.vocabulary(toLongs(vocabulary));
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(c.path() + ": " + e.getMessage(), e);
    }
    return l;
  }

  private static List<Long> toLongs(List<String> s) {
    List<Long> r = new ArrayList<>();
    for (String x : s) r.add(Long.parseLong(x));
    return r;
  }

  /** Keras's {@code max_tokens} (null: no limit). */
  public IntegerLookup maxTokens(Integer maxTokens) {
    this.maxTokens = maxTokens;
    validate();
    return this;
  }

  /** Keras's {@code num_oov_indices}. */
  public IntegerLookup numOovIndices(int n) {
    this.numOovIndices = n;
    validate();
    return this;
  }

  /** Keras's {@code mask_token} (null: none). */
  public IntegerLookup maskToken(Long maskToken) {
    this.maskToken = maskToken == null ? null : maskToken.toString();
    return this;
  }

  /** Keras's {@code oov_token}. */
  public IntegerLookup oovToken(long oovToken) {
    this.oovToken = Long.toString(oovToken);
    return this;
  }

  /** Keras's {@code output_mode}: "int", "one_hot", "multi_hot" or "count". */
  public IntegerLookup outputMode(String mode) {
    this.outputMode = mode;
    validate();
    return this;
  }

  /** Keras's {@code invert}: indices back to integers (output_mode "int" only). */
  public IntegerLookup invert(boolean invert) {
    this.invert = invert;
    validate();
    return this;
  }

  /** Keras's {@code pad_to_max_tokens}. */
  public IntegerLookup padToMaxTokens(boolean pad) {
    this.padToMaxTokens = pad;
    validate();
    return this;
  }

  /** Keras's {@code vocabulary} argument: saved in the config, as Keras saves it. */
  public IntegerLookup vocabulary(List<Long> vocabulary) {
    List<String> s = strings(vocabulary);
    setTokens(s, "the vocabulary");
    inputVocabulary = List.copyOf(s);
    return this;
  }

  /** Keras's {@code set_vocabulary}: like an adapted vocabulary, saved as the archive's asset. */
  public IntegerLookup setVocabulary(List<Long> vocabulary) {
    setTokens(strings(vocabulary), "the vocabulary");
    return this;
  }

  private static List<String> strings(List<Long> v) {
    List<String> s = new ArrayList<>();
    for (Long x : v) s.add(x == null ? null : x.toString());
    return s;
  }

  /** Keras's {@code adapt} on integers. */
  public IntegerLookup adapt(long... data) {
    Map<String, Long> counts = new HashMap<>();
    for (long t : data) counts.merge(Long.toString(t), 1L, Long::sum);
    adaptCounts(counts);
    return this;
  }

  /** Keras's {@code get_vocabulary()} as integers. */
  public List<Long> getIntegerVocabulary() {
    return toLongs(getVocabulary(true));
  }

  @Override
  String kind() {
    return "IntegerLookup";
  }

  @Override
  Comparator<String> keyOrder() {
    return Comparator.comparingLong(Long::parseLong);
  }

  @Override
  int oovBucket(String token) {
    return (int) Math.floorMod(Long.parseLong(token), (long) numOovIndices);
  }

  @Override
  List<String> assetTokens(List<String> lines, String where) {
    List<String> r = new ArrayList<>();
    for (String line : lines) {
      try {
        r.add(Long.toString(Long.parseLong(line.strip())));
      } catch (NumberFormatException e) {
        throw new KerasFormatException(where + "/vocabulary.txt: line '" + line + "' is not an integer");
      }
    }
    return r;
  }

  @Override
  public FloatArray encode(Object raw) {
    FloatArray a = FloatArray.of(raw);
    float[] d = a.data();
    long[] shape = a.shape();
    if (invert) {
      List<String> vocab = getVocabulary(true);
      float[] out = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        long id = integer(d[i], i);
        String t = id >= 0 && id < vocab.size() ? vocab.get((int) id) : oovToken;
        if (id == 0 && maskToken != null) t = maskToken;
        out[i] = Long.parseLong(t);
      }
      return new FloatArray(out, shape);
    }
    boolean rank1 = shape.length == 1;
    int width = rank1 ? 1 : Math.toIntExact(d.length / Math.max(1, shape[0]));
    if (shape.length > 2) throw new IllegalArgumentException(where() + ": inputs of rank " + shape.length + " are not supported (rank 1 or 2)");
    List<List<String>> rows = new ArrayList<>();
    for (int r = 0; r < shape[0]; r++) {
      List<String> row = new ArrayList<>(width);
      for (int j = 0; j < width; j++) row.add(Long.toString(integer(d[r * width + j], r * width + j)));
      rows.add(row);
    }
    if (rank1 && !outputMode.equals("int") && !outputMode.equals("one_hot")) rank1 = false;
    FloatArray out = encodeRows(rows, width, rank1);
    return outputMode.equals("int") && !rank1 ? new FloatArray(out.data(), shape) : out;
  }

  private long integer(float v, int at) {
    if (v != Math.rint(v) || Float.isInfinite(v)) {
      throw new IllegalArgumentException(where() + ": input value " + v + " at flat index " + at + " is not an integer");
    }
    return (long) v;
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return lookupOutputShape(inputShape);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    addLookupConfig(c, Long.parseLong(oovToken), maskToken == null ? null : Long.parseLong(maskToken));
    c.put("vocabulary_dtype", "int64");
    c.put("idf_weights", null);
    List<String> v = configVocabulary();
    c.put("vocabulary", v == null ? null : toLongs(v));
    c.put("vocabulary_size", configVocabularySize());
    c.put("oov_method", "floormod");
    c.put("salt", null);
  }

  @Override
  public String toString() {
    return name() + " (IntegerLookup)" + (hasVocabulary() ? " " + Arrays.toString(getVocabulary().toArray()) : "");
  }
}
