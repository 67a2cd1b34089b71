package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code IndexLookup}, the part {@link StringLookup} and {@link IntegerLookup} (and
 * {@link TextVectorization} through its StringLookup) share: a vocabulary of tokens (keys kept
 * as their text form), the mask and OOV indices in front of them, {@code adapt} (tokens by
 * count, ties broken by the token, high to low, as Keras's {@code np.lexsort(...)[::-1]}), and
 * the int / one_hot / multi_hot / count outputs. The lookup runs in Java ({@link Preprocessing}).
 */
public abstract class IndexLookup<L extends IndexLookup<L>> extends Layer<L> implements Preprocessing {
  /** What a mask token maps to outside int mode: dropped from the counts, as Keras's int64 max. */
  static final long DROPPED = -2;

  Integer maxTokens;
  int numOovIndices = 1;
  String maskToken;
  String oovToken;
  String outputMode = "int";
  boolean padToMaxTokens;
  boolean invert;
  /** The vocabulary given to the constructor (Keras's input_vocabulary: saved in the config), or null. */
  List<String> inputVocabulary;
  /** The tokens after the special ones, in index order; null until set, adapted or loaded. */
  private List<String> tokens;
  private Map<String, Integer> index;
  /** Keras's frozen vocabulary_size from a config, used before the vocabulary is loaded. */
  Integer frozenVocabularySize;

  /** The layer's class name in messages. */
  abstract String kind();

  /** Orders two keys as Keras's numpy sort does (bytes for strings, numbers for integers). */
  abstract Comparator<String> keyOrder();

  /** Checks the arguments together, as Keras's constructor does; throws naming the layer and argument. */
  void validate() {
    if (maxTokens != null && maxTokens <= 1) {
      throw new IllegalArgumentException(where() + ": max_tokens must be greater than 1 (a vocabulary of 0 tokens), got " + maxTokens);
    }
    if (padToMaxTokens && maxTokens == null) {
      throw new IllegalArgumentException(where() + ": pad_to_max_tokens=True needs max_tokens");
    }
    if (numOovIndices < 0) {
      throw new IllegalArgumentException(where() + ": num_oov_indices must be >= 0, got " + numOovIndices);
    }
    if (!List.of("int", "one_hot", "multi_hot", "count").contains(outputMode)) {
      if (outputMode.equals("tf_idf")) {
        throw new IllegalArgumentException(where() + ": output_mode 'tf_idf' is not supported by jkeras (its idf_weights"
            + " are not implemented); use 'int', 'one_hot', 'multi_hot' or 'count'");
      }
      throw new IllegalArgumentException(where() + ": output_mode must be one of int, one_hot, multi_hot, count; got '" + outputMode + "'");
    }
    if (invert && !outputMode.equals("int")) {
      throw new IllegalArgumentException(where() + ": output_mode must be 'int' when invert is true, got '" + outputMode + "'");
    }
    if (maxTokens != null && maxTokens <= tokenStart()) {
      throw new IllegalArgumentException(where() + ": max_tokens " + maxTokens + " leaves no room for tokens after the "
          + tokenStart() + " reserved (mask and OOV) indices");
    }
  }

  String where() {
    return "layer " + name() + " (" + kind() + ")";
  }

  /** Reads the arguments IndexLookup layers share (Keras's get_config keys). */
  void readLookupConfig(Config c) {
    if (c.has("max_tokens")) maxTokens = c.getInt("max_tokens");
    c.ignore("max_tokens");
    numOovIndices = c.getInt("num_oov_indices", 1);
    outputMode = c.getString("output_mode", "int");
    if (outputMode.equals("binary")) outputMode = "multi_hot";
    if (outputMode.equals("tf-idf")) outputMode = "tf_idf";
    padToMaxTokens = c.getBool("pad_to_max_tokens", false);
    if (c.getBool("sparse", false)) {
      throw new KerasFormatException(c.path() + ".sparse: sparse outputs are not supported by jkeras");
    }
    if (c.has("idf_weights")) {
      throw new KerasFormatException(c.path() + ".idf_weights: output_mode 'tf_idf' is not supported by jkeras");
    }
    c.ignore("idf_weights");
    if (c.has("vocabulary_size")) frozenVocabularySize = c.getInt("vocabulary_size");
    c.ignore("vocabulary_size");
    String method = c.getString("oov_method", "floormod");
    if (!method.equals("floormod")) {
      throw new KerasFormatException(c.path() + ".oov_method: only 'floormod' is supported by jkeras, got '" + method + "'");
    }
    c.requireNull("salt", "salted OOV hashing");
    c.ignore("has_input_vocabulary");
  }

  /** Writes the shared arguments in Keras's get_config order. */
  void addLookupConfig(Map<String, Object> c, Object oovTokenValue, Object maskTokenValue) {
    c.put("invert", invert);
    c.put("max_tokens", maxTokens);
    c.put("num_oov_indices", numOovIndices);
    c.put("oov_token", oovTokenValue);
    c.put("mask_token", maskTokenValue);
    c.put("output_mode", outputMode);
    c.put("sparse", false);
    c.put("pad_to_max_tokens", padToMaxTokens);
  }

  /** Reads a vocabulary list from a config (null when absent); a file path is refused as Keras's safe mode refuses it. */
  static List<String> vocabularyFrom(Config c, String key, boolean integers) {
    if (!c.has(key)) {
      c.ignore(key);
      return null;
    }
    JsonNode v = c.getNode(key);
    if (v.isTextual()) {
      throw new KerasFormatException(c.path() + "." + key + ": a vocabulary file path ('" + v.asText() + "') is refused, as Keras's"
          + " safe mode refuses vocabulary files outside the model archive; give the vocabulary as a list");
    }
    if (!v.isArray()) throw new KerasFormatException(c.path() + "." + key + ": expected a list of tokens, got " + Config.describe(v));
    List<String> r = new ArrayList<>(v.size());
    for (JsonNode t : v) {
      if (integers ? !t.isIntegralNumber() : !t.isTextual()) {
        throw new KerasFormatException(c.path() + "." + key + ": expected " + (integers ? "integers" : "strings") + ", got "
            + Config.describe(t));
      }
      r.add(integers ? Long.toString(t.asLong()) : t.asText());
    }
    return r;
  }

  // ----- indices -----

  /** Keras's _oov_start_index: 1 when a mask token takes index 0 (int mode), else 0. */
  int oovStart() {
    return maskToken != null && outputMode.equals("int") ? 1 : 0;
  }

  /** Keras's _token_start_index: the first index of a vocabulary token. */
  int tokenStart() {
    return oovStart() + numOovIndices;
  }

  @Override
  public boolean hasVocabulary() {
    return tokens != null;
  }

  @Override
  public boolean encodesIds() {
    return outputMode.equals("int");
  }

  /** Keras's {@code vocabulary_size()}: tokens plus the mask and OOV indices. */
  public int vocabularySize() {
    if (tokens == null) {
      if (frozenVocabularySize != null) return frozenVocabularySize;
      throw new IllegalStateException(where() + " has no vocabulary yet: give one, or adapt the layer");
    }
    return tokenStart() + tokens.size();
  }

  /**
   * Keras's {@code get_vocabulary(include_special_tokens)}: the token of each index (the mask
   * token at 0 in int mode, the OOV token at the OOV indices), or only the learned tokens.
   */
  public List<String> getVocabulary(boolean includeSpecialTokens) {
    requireVocabulary();
    List<String> r = new ArrayList<>();
    if (includeSpecialTokens) {
      for (int i = 0; i < tokenStart(); i++) r.add(oovToken);
      if (oovStart() == 1) r.set(0, maskToken);
    }
    r.addAll(tokens);
    return r;
  }

  /** {@link #getVocabulary(boolean)} with the special tokens. */
  public List<String> getVocabulary() {
    return getVocabulary(true);
  }

  private void requireVocabulary() {
    if (tokens == null) {
      throw new IllegalStateException(where() + " has no vocabulary: give one (vocabulary), adapt the layer, or load it"
          + " with its .keras archive (the vocabulary is in the archive's assets)");
    }
  }

  /**
   * Keras's {@code set_vocabulary}: the tokens, optionally preceded by exactly the special tokens
   * (mask, then OOV) in Keras's order. Repeated tokens, a mask token among the tokens (the empty
   * string for TextVectorization), an empty vocabulary and one larger than max_tokens are refused.
   */
  void setTokens(List<String> vocabulary, String what) {
    if (vocabulary.isEmpty()) throw new IllegalArgumentException(where() + ": " + what + " is empty (Keras: cannot set an empty vocabulary)");
    List<String> special = new ArrayList<>();
    for (int i = 0; i < tokenStart(); i++) special.add(i < oovStart() ? maskToken : oovToken);
    List<String> toks = vocabulary.size() >= special.size() && vocabulary.subList(0, special.size()).equals(special)
        ? vocabulary.subList(special.size(), vocabulary.size()) : vocabulary;
    Set<String> seen = new LinkedHashSet<>();
    Set<String> repeated = new LinkedHashSet<>();
    for (String t : toks) {
      if (t == null) throw new IllegalArgumentException(where() + ": " + what + " holds null");
      if (!seen.add(t)) repeated.add(t);
    }
    if (!repeated.isEmpty()) {
      throw new IllegalArgumentException(where() + ": " + what + " repeats tokens " + quoted(repeated) + " (Keras: the passed"
          + " vocabulary has at least one repeated term)");
    }
    if (maskToken != null && seen.contains(maskToken)) {
      throw new IllegalArgumentException(where() + ": " + what + " holds the mask token " + quoted(List.of(maskToken))
          + " after the special tokens (Keras: found reserved mask token at unexpected location); give it only first, or not at all");
    }
    if (invert && oovToken != null && seen.contains(oovToken)) {
      throw new IllegalArgumentException(where() + ": " + what + " holds the OOV token " + quoted(List.of(oovToken))
          + " after the special tokens");
    }
    int size = tokenStart() + toks.size();
    if (maxTokens != null && size > maxTokens) {
      throw new IllegalArgumentException(where() + ": " + what + " has " + size + " entries with the special tokens, more than"
          + " max_tokens " + maxTokens);
    }
    tokens = List.copyOf(toks);
    index = new HashMap<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) index.put(tokens.get(i), tokenStart() + i);
    frozenVocabularySize = size;
  }

  private static String quoted(Iterable<String> ts) {
    List<String> r = new ArrayList<>();
    for (String t : ts) {
      r.add("'" + t + "'");
      if (r.size() == 10) break;
    }
    return String.join(", ", r);
  }

  /**
   * Keras's {@code adapt} from counted tokens: the mask and OOV tokens removed, the most frequent
   * first, ties broken by the token, high to low; at most max_tokens with the special indices.
   */
  void adaptCounts(Map<String, Long> counts) {
    if (inputVocabulary != null) {
      throw new IllegalStateException(where() + ": cannot adapt after a vocabulary was given (Keras: cannot adapt layer after"
          + " setting a static vocabulary)");
    }
    Map<String, Long> c = new HashMap<>(counts);
    if (maskToken != null) c.remove(maskToken);
    if (oovToken != null) c.remove(oovToken);
    if (c.isEmpty()) return; // as Keras: adapting on no tokens leaves the vocabulary as it was
    List<String> order = new ArrayList<>(c.keySet());
    Comparator<String> byKey = keyOrder();
    order.sort((a, b) -> {
      int byCount = Long.compare(c.get(b), c.get(a));
      return byCount != 0 ? byCount : byKey.compare(b, a);
    });
    if (maxTokens != null && order.size() > maxTokens - tokenStart()) order = order.subList(0, maxTokens - tokenStart());
    setTokens(new ArrayList<>(order), "the adapted vocabulary");
  }

  /** Compares the UTF-8 bytes of two strings, unsigned, as Python compares bytes. */
  static int compareUtf8(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      int d = (x[i] & 0xff) - (y[i] & 0xff);
      if (d != 0) return d;
    }
    return x.length - y.length;
  }

  /** The index of one token (Keras's _lookup_dense): mask, vocabulary, or an OOV index. */
  long lookup(String token) {
    if (maskToken != null && maskToken.equals(token)) return outputMode.equals("int") ? 0 : DROPPED;
    Integer i = index.get(token);
    if (i != null) return i;
    if (numOovIndices == 0) {
      throw new IllegalArgumentException(where() + ": with num_oov_indices=0 all inputs must be in the vocabulary; found '"
          + token + "' (Keras: consider setting num_oov_indices=1)");
    }
    if (numOovIndices == 1) return oovStart();
    return oovStart() + oovBucket(token);
  }

  /** The OOV bucket in [0, num_oov_indices) of a token not in the vocabulary (num_oov_indices > 1). */
  abstract int oovBucket(String token);

  /** The depth of one_hot/multi_hot/count rows: max_tokens when padded, else the vocabulary size. */
  int depth() {
    return padToMaxTokens ? maxTokens : vocabularySize();
  }

  /**
   * Looks up rows of tokens (each row one sample's tokens, all rows the same length unless
   * {@code ragged}) and encodes them as Keras's output_mode does.
   */
  FloatArray encodeRows(List<List<String>> rows, int width, boolean rank1) {
    requireVocabulary();
    int n = rows.size();
    if (outputMode.equals("int")) {
      float[] d = new float[n * width];
      for (int r = 0; r < n; r++) {
        List<String> row = rows.get(r);
        for (int j = 0; j < Math.min(width, row.size()); j++) d[r * width + j] = lookup(row.get(j));
      }
      return rank1 ? new FloatArray(d, n) : new FloatArray(d, n, width);
    }
    int depth = depth();
    if (outputMode.equals("one_hot") && !(rank1 || width == 1)) {
      float[] d = new float[n * width * depth];
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < width; j++) {
          long id = lookup(rows.get(r).get(j));
          if (id >= 0 && id < depth) d[(r * width + j) * depth + (int) id] = 1f;
        }
      }
      return new FloatArray(d, n, width, depth);
    }
    float[] d = new float[n * depth];
    boolean counts = outputMode.equals("count");
    for (int r = 0; r < n; r++) {
      for (String t : rows.get(r)) {
        long id = lookup(t);
        // Keras's bincount drops the mask's int64 max and any id past the depth.
        if (id < 0 || id >= depth) continue;
        d[r * depth + (int) id] = counts ? d[r * depth + (int) id] + 1 : 1f;
      }
    }
    return new FloatArray(d, n, depth);
  }

  /** The output shape for a lookup of an input of {@code inputShape} (Keras's compute_output_shape). */
  long[] lookupOutputShape(long[] inputShape) {
    if (outputMode.equals("int")) return inputShape.clone();
    long depth = padToMaxTokens ? maxTokens : (tokens != null || frozenVocabularySize != null ? vocabularySize() : -1);
    if (outputMode.equals("one_hot")) {
      if (inputShape.length > 1 && inputShape[inputShape.length - 1] == 1) {
        long[] r = inputShape.clone();
        r[r.length - 1] = depth;
        return r;
      }
      long[] r = java.util.Arrays.copyOf(inputShape, inputShape.length + 1);
      r[inputShape.length] = depth;
      return r;
    }
    long[] r = inputShape.length == 1 ? new long[] {inputShape[0], depth} : inputShape.clone();
    r[r.length - 1] = depth;
    return r;
  }

  // ----- assets -----

  /** Largest vocabulary.txt accepted (also bounded when the archive is read). */
  public static final int MAX_VOCABULARY_BYTES = 64 << 20;

  @Override
  public Map<String, byte[]> saveAssets() {
    if (inputVocabulary != null || tokens == null) return Map.of(); // Keras: the vocabulary is in the config
    return Map.of("vocabulary.txt", String.join("\n", getVocabulary(true)).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void loadAssets(Map<String, byte[]> files, String where) {
    if (inputVocabulary != null) return;
    byte[] b = files.get("vocabulary.txt");
    // None saved (a layer never adapted): it stays without vocabulary, and says so when asked to encode.
    if (b == null) return;
    if (b.length > MAX_VOCABULARY_BYTES) {
      throw new KerasFormatException(where + "/vocabulary.txt: " + b.length + " bytes, more than the " + MAX_VOCABULARY_BYTES + " accepted");
    }
    List<String> lines = pythonLines(new String(b, StandardCharsets.UTF_8));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
    try {
      setTokens(assetTokens(lines, where), "the vocabulary.txt asset");
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(where + "/vocabulary.txt: " + e.getMessage(), e);
    }
  }

  /** The asset's lines as vocabulary entries (IntegerLookup parses integers). */
  List<String> assetTokens(List<String> lines, String where) {
    return lines;
  }

  /**
   * The lines of a text as Python reads them: {@code open(..., "r")} turns \r\n and \r into \n,
   * and {@code str.splitlines()} splits at \n, \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029.
   */
  static List<String> pythonLines(String text) {
    String t = text.replace("\r\n", "\n").replace('\r', '\n');
    List<String> r = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < t.length(); i++) {
      char ch = t.charAt(i);
      if (ch == '\n' || ch == 0x0b || ch == 0x0c || ch == 0x1c || ch == 0x1d || ch == 0x1e || ch == 0x85 || ch == 0x2028 || ch == 0x2029) {
        r.add(line.toString());
        line.setLength(0);
      } else {
        line.append(ch);
      }
    }
    if (line.length() > 0) r.add(line.toString());
    return r;
  }

  // ----- graph -----

  /** The ids were computed in Java ({@link #encode}); in the graph the layer passes them through. */
  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return inputs;
  }

  /** The vocabulary in the form the config carries it: the input vocabulary, or null. */
  List<String> configVocabulary() {
    return inputVocabulary == null ? null : Collections.unmodifiableList(inputVocabulary);
  }

  /** The config's vocabulary_size (Keras writes the frozen size, null before there is a vocabulary). */
  Integer configVocabularySize() {
    return tokens != null ? Integer.valueOf(vocabularySize()) : frozenVocabularySize;
  }

  /** An ordered map helper for subclasses' configs. */
  static Map<String, Object> ordered() {
    return new LinkedHashMap<>();
  }
}
