package io.jkeras.layers;

import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code StringLookup}: maps strings to indices of a vocabulary (index 0 the mask token
 * when there is one, then the OOV index, then the tokens), or to one_hot / multi_hot / count
 * rows. It runs in Java before the graph ({@link Preprocessing}), so it takes a model input
 * directly: {@code predict} is given {@code String[]} (shape (batch,)) or {@code String[][]}
 * (batch, tokens). Not supported: {@code invert} (its output is strings), {@code tf_idf},
 * {@code num_oov_indices} above 1 (Keras hashes with FarmHash), sparse outputs.
 */
public final class StringLookup extends IndexLookup<StringLookup> {
  private String encoding = "utf-8";

  /** A StringLookup with Keras's defaults (one OOV index "[UNK]", no mask token, output_mode "int"). */
  public StringLookup() {
    oovToken = "[UNK]";
  }

  /** Keras's {@code StringLookup.from_config}. */
  public static StringLookup fromConfig(Config c) {
    StringLookup l = new StringLookup();
    l.readBaseConfig(c);
    l.readLookupConfig(c);
    l.maskToken = c.has("mask_token") ? c.getString("mask_token", null) : null;
    c.ignore("mask_token");
    l.oovToken = c.getString("oov_token", "[UNK]");
    if (c.getBool("invert", false)) {
      throw new KerasFormatException(c.path() + ".invert: StringLookup(invert=True) outputs strings, which jkeras models do not"
          + " compute; map ids back with getVocabulary() instead");
    }
    l.encoding = c.getString("encoding", "utf-8");
    if (!l.encoding.equalsIgnoreCase("utf-8") && !l.encoding.equalsIgnoreCase("utf8")) {
      throw new KerasFormatException(c.path() + ".encoding: only utf-8 is supported, got '" + l.encoding + "'");
    }
    c.ignore("vocabulary_dtype");
    List<String> vocabulary = vocabularyFrom(c, "vocabulary", false);
    try {
      l.check();
      if (vocabulary != null) l.vocabulary(vocabulary);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(c.path() + ": " + e.getMessage(), e);
    }
    return l;
  }

  private void check() {
    validate();
    if (numOovIndices > 1) {
      throw new IllegalArgumentException(where() + ": num_oov_indices " + numOovIndices + " is not supported by jkeras (Keras"
          + " hashes string OOV tokens with FarmHash); use 0 or 1");
    }
  }

  /** Keras's {@code max_tokens} (null: no limit). */
  public StringLookup maxTokens(Integer maxTokens) {
    this.maxTokens = maxTokens;
    check();
    return this;
  }

  /** Keras's {@code num_oov_indices} (0 or 1 in jkeras). */
  public StringLookup numOovIndices(int n) {
    this.numOovIndices = n;
    check();
    return this;
  }

  /** Keras's {@code mask_token} (null: none). */
  public StringLookup maskToken(String maskToken) {
    this.maskToken = maskToken;
    return this;
  }

  /** Keras's {@code oov_token}. */
  public StringLookup oovToken(String oovToken) {
    this.oovToken = oovToken;
    return this;
  }

  /** Keras's {@code output_mode}: "int", "one_hot", "multi_hot" or "count". */
  public StringLookup outputMode(String mode) {
    this.outputMode = mode;
    check();
    return this;
  }

  /** Keras's {@code pad_to_max_tokens}. */
  public StringLookup padToMaxTokens(boolean pad) {
    this.padToMaxTokens = pad;
    check();
    return this;
  }

  /** Keras's {@code vocabulary} argument: saved in the config, as Keras saves it. */
  public StringLookup vocabulary(List<String> vocabulary) {
    setTokens(vocabulary, "the vocabulary");
    inputVocabulary = List.copyOf(vocabulary);
    return this;
  }

  /** Keras's {@code set_vocabulary}: like an adapted vocabulary, saved as the archive's asset. */
  public StringLookup setVocabulary(List<String> vocabulary) {
    setTokens(vocabulary, "the vocabulary");
    return this;
  }

  /** Keras's {@code adapt} on a list of tokens. */
  public StringLookup adapt(List<String> data) {
    Map<String, Long> counts = new HashMap<>();
    for (String t : data) counts.merge(t, 1L, Long::sum);
    adaptCounts(counts);
    return this;
  }

  @Override
  String kind() {
    return "StringLookup";
  }

  @Override
  Comparator<String> keyOrder() {
    return IndexLookup::compareUtf8;
  }

  @Override
  int oovBucket(String token) {
    throw new IllegalStateException("unreachable: num_oov_indices > 1 is refused");
  }

  @Override
  public FloatArray encode(Object raw) {
    List<List<String>> rows = new ArrayList<>();
    boolean rank1 = TextVectorization.stringRows(raw, rows, where());
    int width = rows.isEmpty() ? 1 : rows.get(0).size();
    for (List<String> r : rows) {
      if (r.size() != width) throw new IllegalArgumentException(where() + ": input rows have different lengths (" + width + " and " + r.size() + ")");
    }
    if (rank1 && !outputMode.equals("int") && !outputMode.equals("one_hot")) rank1 = false;
    return encodeRows(rows, width, rank1);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    return lookupOutputShape(inputShape);
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    addLookupConfig(c, oovToken, maskToken);
    c.put("idf_weights", null);
    c.put("vocabulary", configVocabulary());
    c.put("vocabulary_size", configVocabularySize());
    c.put("oov_method", "floormod");
    c.put("salt", null);
    c.put("encoding", encoding);
  }
}
