package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jkeras.backend.CallContext;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.data.FloatArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Keras's {@code TextVectorization}: standardizes text, splits it into tokens, optionally makes
 * ngrams, and maps the tokens to vocabulary indices (output_mode "int": index 0 padding, 1 the
 * OOV token "[UNK]", then the vocabulary by frequency) or to multi_hot / count rows.
 *
 * <p>It runs in Java before the graph ({@link Preprocessing}): the model's input is declared as
 * strings ({@code InputLayer} dtype "string", shape (None, 1) or (None,)), {@code predict} and
 * {@code fit} take {@code String[]}, and the graph receives the ids. The steps reproduce the
 * TensorFlow ops Keras 3 runs, character for character: {@code tf.strings.lower} without an
 * encoding lowercases ASCII letters only (É, Σ, ß are left as they are);
 * {@code strip_punctuation} removes the 32 ASCII punctuation characters of Keras's regex
 * {@code [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']} and nothing else; "whitespace" splits at
 * ASCII whitespace (space, \t, \n, \v, \f, \r; a no-break space is part of a token) as
 * {@code tf.strings.split}; "character" splits into Unicode code points (an emoji is one token)
 * as {@code tf.strings.unicode_split}; ngrams join tokens with a space, widths in the order
 * given, as {@code tf.strings.ngrams}.
 *
 * <p>Without output_sequence_length, int rows are padded to the longest row of the data given
 * (Keras pads each batch to its own longest row; with an {@code Embedding(mask_zero=True)} or a
 * fixed output_sequence_length the results agree). Not supported: callable standardize/split,
 * tf_idf, ragged and sparse outputs.
 */
public final class TextVectorization extends Layer<TextVectorization> implements Preprocessing {
  /** The characters Keras's default punctuation regex removes (all 32 ASCII punctuation characters). */
  static final String PUNCTUATION = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'";

  private String standardize = "lower_and_strip_punctuation";
  private String split = "whitespace";
  private int[] ngrams; // null: none
  private Object ngramsArg; // as given (an integer or a list), for the config
  private String outputMode = "int";
  private Integer outputSequenceLength;
  private final StringLookup lookup = new StringLookup();

  /** A TextVectorization with Keras's defaults. */
  public TextVectorization() {
    lookup.name("string_lookup");
    lookup.maskToken = "";
    lookup.oovToken = "[UNK]";
  }

  /** Keras's {@code TextVectorization.from_config}. */
  public static TextVectorization fromConfig(Config c) {
    TextVectorization t = new TextVectorization();
    t.readBaseConfig(c);
    try {
      if (c.has("max_tokens")) t.lookup.maxTokens = c.getInt("max_tokens");
      c.ignore("max_tokens");
      t.standardize = stringOrNull(c, "standardize", "lower_and_strip_punctuation");
      t.split = stringOrNull(c, "split", "whitespace");
      if (c.has("ngrams")) {
        JsonNode n = c.getNode("ngrams");
        if (n.isIntegralNumber()) {
          t.ngrams(n.asInt());
        } else if (n.isArray()) {
          int[] w = new int[n.size()];
          for (int i = 0; i < w.length; i++) {
            if (!n.get(i).isIntegralNumber()) throw new KerasFormatException(c.path() + ".ngrams: expected integers, got " + n);
            w[i] = n.get(i).asInt();
          }
          t.ngrams(w);
        } else {
          throw new KerasFormatException(c.path() + ".ngrams: expected null, an integer or a list of integers, got " + n);
        }
      }
      c.ignore("ngrams");
      t.outputMode = c.getString("output_mode", "int");
      if (t.outputMode.equals("binary")) t.outputMode = "multi_hot";
      if (t.outputMode.equals("tf-idf")) t.outputMode = "tf_idf";
      if (c.has("output_sequence_length")) t.outputSequenceLength = c.getInt("output_sequence_length");
      c.ignore("output_sequence_length");
      t.lookup.padToMaxTokens = c.getBool("pad_to_max_tokens", false);
      if (c.getBool("sparse", false)) throw new KerasFormatException(c.path() + ".sparse: sparse outputs are not supported by jkeras");
      if (c.getBool("ragged", false)) throw new KerasFormatException(c.path() + ".ragged: ragged outputs are not supported by jkeras");
      if (c.has("idf_weights")) throw new KerasFormatException(c.path() + ".idf_weights: output_mode 'tf_idf' is not supported by jkeras");
      c.ignore("idf_weights");
      String encoding = c.getString("encoding", "utf-8");
      if (!encoding.equalsIgnoreCase("utf-8") && !encoding.equalsIgnoreCase("utf8")) {
        throw new KerasFormatException(c.path() + ".encoding: only utf-8 is supported, got '" + encoding + "'");
      }
      if (c.has("vocabulary_size")) t.lookup.frozenVocabularySize = c.getInt("vocabulary_size");
      c.ignore("vocabulary_size", "has_input_vocabulary");
      List<String> vocabulary = IndexLookup.vocabularyFrom(c, "vocabulary", false);
      t.check();
      if (vocabulary != null) t.vocabulary(vocabulary);
    } catch (IllegalArgumentException e) {
      throw new KerasFormatException(c.path() + ": " + e.getMessage(), e);
    }
    return t;
  }

  private static String stringOrNull(Config c, String key, String def) {
    JsonNode v = c.raw().get(key);
    if (v != null && v.isNull()) {
      c.ignore(key);
      return null;
    }
    if (v != null && !v.isTextual()) {
      throw new KerasFormatException(c.path() + "." + key + ": a custom " + key + " function (" + Config.describe(v)
          + ") cannot run in jkeras; use one of Keras's built-in options");
    }
    return c.getString(key, def);
  }

  private void check() {
    lookup.outputMode = outputMode;
    String where = where();
    if (standardize != null && !List.of("lower_and_strip_punctuation", "lower", "strip_punctuation").contains(standardize)) {
      throw new IllegalArgumentException(where + ": standardize must be 'lower_and_strip_punctuation', 'lower', 'strip_punctuation'"
          + " or None, got '" + standardize + "'");
    }
    if (split != null && !List.of("whitespace", "character").contains(split)) {
      throw new IllegalArgumentException(where + ": split must be 'whitespace', 'character' or None, got '" + split + "'");
    }
    if (outputMode.equals("one_hot")) {
      throw new IllegalArgumentException(where + ": output_mode 'one_hot' is not supported for TextVectorization by jkeras;"
          + " use 'int', 'multi_hot' or 'count'");
    }
    if (!outputMode.equals("int") && outputSequenceLength != null) {
      throw new IllegalArgumentException(where + ": output_sequence_length must not be set if output_mode is not 'int' (got '"
          + outputMode + "' and " + outputSequenceLength + ")");
    }
    if (outputSequenceLength != null && outputSequenceLength <= 0) {
      throw new IllegalArgumentException(where + ": output_sequence_length must be positive, got " + outputSequenceLength);
    }
    if (ngrams != null) {
      for (int w : ngrams) if (w <= 0) throw new IllegalArgumentException(where + ": ngram widths must be positive, got " + Arrays.toString(ngrams));
    }
    try {
      lookup.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace(lookup.where(), where), e);
    }
  }

  private String where() {
    return "layer " + name() + " (TextVectorization)";
  }

  // ----- arguments -----

  /** Keras's {@code max_tokens}: the vocabulary size with the padding and OOV indices (null: no limit). */
  public TextVectorization maxTokens(Integer maxTokens) {
    lookup.maxTokens = maxTokens;
    check();
    return this;
  }

  /** Keras's {@code standardize}: "lower_and_strip_punctuation", "lower", "strip_punctuation" or null. */
  public TextVectorization standardize(String standardize) {
    this.standardize = standardize;
    check();
    return this;
  }

  /** Keras's {@code split}: "whitespace", "character" or null. */
  public TextVectorization split(String split) {
    this.split = split;
    check();
    return this;
  }

  /** Keras's {@code ngrams=n}: widths 1 to n. */
  public TextVectorization ngrams(int n) {
    if (n <= 0) throw new IllegalArgumentException(where() + ": ngrams must be positive, got " + n);
    ngrams = new int[n];
    for (int i = 0; i < n; i++) ngrams[i] = i + 1;
    ngramsArg = n;
    return this;
  }

  /** Keras's {@code ngrams=(w1, w2, ...)}: these widths, in this order. */
  public TextVectorization ngrams(int... widths) {
    ngrams = widths.clone();
    List<Integer> l = new ArrayList<>();
    for (int w : widths) l.add(w);
    ngramsArg = l;
    check();
    return this;
  }

  /** Keras's {@code output_mode}: "int", "multi_hot" or "count". */
  public TextVectorization outputMode(String mode) {
    this.outputMode = mode;
    check();
    return this;
  }

  /** Keras's {@code output_sequence_length} (int mode): rows padded with 0 or cut to this length. */
  public TextVectorization outputSequenceLength(Integer length) {
    this.outputSequenceLength = length;
    check();
    return this;
  }

  /** Keras's {@code pad_to_max_tokens} (multi_hot/count rows of max_tokens entries). */
  public TextVectorization padToMaxTokens(boolean pad) {
    lookup.padToMaxTokens = pad;
    check();
    return this;
  }

  /**
   * Keras's {@code vocabulary} argument: the tokens (optionally after "" and "[UNK]"), saved in the
   * config as Keras saves it. Repeated tokens and the empty string are refused, as Keras refuses them.
   */
  public TextVectorization vocabulary(List<String> vocabulary) {
    check();
    try {
      lookup.setTokens(vocabulary, "the vocabulary");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace(lookup.where(), where()), e);
    }
    lookup.inputVocabulary = List.copyOf(vocabulary);
    return this;
  }

  /** Keras's {@code set_vocabulary}: as an adapted vocabulary, saved as the archive's vocabulary.txt asset. */
  public TextVectorization setVocabulary(List<String> vocabulary) {
    check();
    try {
      lookup.setTokens(vocabulary, "the vocabulary");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace(lookup.where(), where()), e);
    }
    return this;
  }

  /**
   * Keras's {@code adapt} on Java strings: every text standardized, split and made into ngrams,
   * the tokens counted; the most frequent first, ties broken by the token's UTF-8 bytes, high to
   * low (Keras's {@code np.lexsort((tokens, counts))[::-1]}); at most max_tokens with "" and "[UNK]".
   */
  public TextVectorization adapt(List<String> texts) {
    check();
    Map<String, Long> counts = new HashMap<>();
    for (String text : texts) for (String tok : tokens(text)) counts.merge(tok, 1L, Long::sum);
    lookup.adaptCounts(counts);
    return this;
  }

  /** Keras's {@code get_vocabulary()}: "" (padding), "[UNK]", then the tokens in index order (int mode). */
  public List<String> getVocabulary() {
    return lookup.getVocabulary(true);
  }

  /** Keras's {@code get_vocabulary(include_special_tokens)}. */
  public List<String> getVocabulary(boolean includeSpecialTokens) {
    return lookup.getVocabulary(includeSpecialTokens);
  }

  /** Keras's {@code vocabulary_size()}: tokens plus the padding and OOV indices. */
  public int vocabularySize() {
    return lookup.vocabularySize();
  }

  @Override
  public boolean hasVocabulary() {
    return lookup.hasVocabulary();
  }

  @Override
  public boolean encodesIds() {
    return outputMode.equals("int");
  }

  /** The output_sequence_length, or null. */
  public Integer outputSequenceLength() {
    return outputSequenceLength;
  }

  // ----- the string steps -----

  /** Keras's standardize step on one text. */
  String standardizeText(String text) {
    if (standardize == null) return text;
    boolean lower = standardize.startsWith("lower");
    boolean strip = standardize.endsWith("strip_punctuation");
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      // tf.strings.lower without an encoding: ASCII letters only.
      if (lower && ch >= 'A' && ch <= 'Z') ch = (char) (ch + ('a' - 'A'));
      if (strip && ch < 128 && PUNCTUATION.indexOf(ch) >= 0) continue;
      b.append(ch);
    }
    return b.toString();
  }

  /** The tokens of one text: standardized, split, made into ngrams. */
  public List<String> tokens(String text) {
    String s = standardizeText(text);
    List<String> toks = new ArrayList<>();
    if (split == null) {
      toks.add(s);
    } else if (split.equals("whitespace")) {
      int i = 0;
      int n = s.length();
      while (i < n) {
        while (i < n && asciiSpace(s.charAt(i))) i++;
        int start = i;
        while (i < n && !asciiSpace(s.charAt(i))) i++;
        if (i > start) toks.add(s.substring(start, i));
      }
    } else {
      s.codePoints().forEach(cp -> toks.add(new String(Character.toChars(cp))));
    }
    if (ngrams == null) return toks;
    List<String> r = new ArrayList<>();
    for (int w : ngrams) {
      for (int i = 0; i + w <= toks.size(); i++) r.add(String.join(" ", toks.subList(i, i + w)));
    }
    return r;
  }

  private static boolean asciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  /**
   * Reads raw string data into rows: {@code String[]} or a list of strings (rank 1, one string per
   * row), {@code String[][]} or a list of lists (rank 2). Returns whether the data was rank 1.
   */
  static boolean stringRows(Object raw, List<List<String>> rows, String where) {
    if (raw instanceof String[] a) {
      for (String s : a) rows.add(List.of(nonNull(s, where)));
      return true;
    }
    if (raw instanceof String[][] a) {
      for (String[] r : a) {
        List<String> row = new ArrayList<>();
        for (String s : r) row.add(nonNull(s, where));
        rows.add(row);
      }
      return false;
    }
    if (raw instanceof List<?> l) {
      boolean rank1 = true;
      for (Object o : l) {
        if (o instanceof String s) {
          rows.add(List.of(s));
        } else if (o instanceof List<?> inner) {
          rank1 = false;
          List<String> row = new ArrayList<>();
          for (Object x : inner) {
            if (!(x instanceof String s)) throw new IllegalArgumentException(where + ": expected strings, got " + describe(x));
            row.add(s);
          }
          rows.add(row);
        } else {
          throw new IllegalArgumentException(where + ": expected strings, got " + describe(o));
        }
      }
      return rank1;
    }
    throw new IllegalArgumentException(where + ": expected text (String[], String[][] or a List of strings), got " + describe(raw));
  }

  private static String nonNull(String s, String where) {
    if (s == null) throw new IllegalArgumentException(where + ": a text is null");
    return s;
  }

  private static String describe(Object o) {
    return o == null ? "null" : o.getClass().getSimpleName();
  }

  /** The texts of raw data: one per row (a row of a String[][] must have exactly one text, as in Keras). */
  private List<String> texts(Object raw, boolean[] rank1) {
    List<List<String>> rows = new ArrayList<>();
    rank1[0] = stringRows(raw, rows, where());
    List<String> texts = new ArrayList<>(rows.size());
    for (List<String> r : rows) {
      if (r.size() != 1) {
        throw new IllegalArgumentException(where() + ": to tokenize strings, the input must have one text per row (shape"
            + " (batch,) or (batch, 1)); got a row of " + r.size());
      }
      texts.add(r.get(0));
    }
    return texts;
  }

  @Override
  public FloatArray encode(Object raw) {
    boolean[] rank1 = new boolean[1];
    List<String> texts = texts(raw, rank1);
    List<List<String>> rows = new ArrayList<>(texts.size());
    for (String t : texts) rows.add(tokens(t));
    if (!outputMode.equals("int")) return lookup.encodeRows(rows, 0, false);
    // Without splitting, Keras's output keeps the input's shape: (batch,) for rank-1 input.
    if (split == null && outputSequenceLength == null) return lookup.encodeRows(rows, 1, rank1[0]);
    int width;
    if (outputSequenceLength != null) {
      width = outputSequenceLength;
    } else {
      width = 1;
      for (List<String> r : rows) width = Math.max(width, r.size());
    }
    return lookup.encodeRows(rows, width, false);
  }

  /** Keras's {@code layer(texts)} for int mode as Java arrays: one row of ids per text. */
  public int[][] vectorize(List<String> texts) {
    FloatArray a = encode(texts);
    int n = texts.size();
    int w = n == 0 ? 0 : a.data().length / n;
    int[][] r = new int[n][w];
    for (int i = 0; i < n; i++) for (int j = 0; j < w; j++) r[i][j] = (int) a.data()[i * w + j];
    return r;
  }

  // ----- the layer -----

  /**
   * Keras's output shape for the string input ((batch, output_sequence_length) in int mode,
   * (batch, vocabulary size) otherwise). The graph is fed the encoded rows, whose shape passes
   * through: in int mode without output_sequence_length a rank-2 shape with a known batch or a
   * last dimension other than 1 is such a row shape.
   */
  @Override
  public long[] computeOutputShape(long[] inputShape) {
    long batch = inputShape[0];
    if (!outputMode.equals("int")) {
      long depth = lookup.padToMaxTokens ? lookup.maxTokens
          : (lookup.hasVocabulary() || lookup.frozenVocabularySize != null ? lookup.vocabularySize() : -1);
      return new long[] {batch, depth};
    }
    if (outputSequenceLength != null) return new long[] {batch, outputSequenceLength};
    if (split == null) return inputShape.clone();
    boolean rows = inputShape.length == 2 && inputShape[1] != -1 && (inputShape[1] != 1 || batch >= 0);
    return rows ? inputShape.clone() : new long[] {batch, -1};
  }

  @Override
  public Operand<TFloat32> call(CallContext ctx, Operand<TFloat32> inputs, Operand<TBool> mask) {
    return inputs; // the ids were computed in Java (encode)
  }

  // ----- assets -----

  /** Keras writes the vocabulary for the layer and again for its {@code _lookup_layer}, in a folder of its own. */
  @Override
  public Map<String, byte[]> saveAssets() {
    Map<String, byte[]> own = lookup.saveAssets();
    Map<String, byte[]> r = new java.util.LinkedHashMap<>(own);
    for (Map.Entry<String, byte[]> e : own.entrySet()) r.put("_lookup_layer/" + e.getKey(), e.getValue());
    return r;
  }

  @Override
  public void loadAssets(Map<String, byte[]> files, String where) {
    lookup.loadAssets(files, where);
  }

  /** The lookup layer inside (Keras's {@code _lookup_layer}), whose assets Keras also saves in their own folder. */
  StringLookup lookupLayer() {
    return lookup;
  }

  @Override
  protected void addConfig(Map<String, Object> c) {
    c.put("max_tokens", lookup.maxTokens);
    c.put("standardize", standardize);
    c.put("split", split);
    c.put("ngrams", ngramsArg);
    c.put("output_mode", outputMode);
    c.put("output_sequence_length", outputSequenceLength);
    c.put("pad_to_max_tokens", lookup.padToMaxTokens);
    c.put("sparse", false);
    c.put("ragged", false);
    c.put("vocabulary", lookup.configVocabulary());
    c.put("idf_weights", null);
    c.put("encoding", "utf-8");
    Integer size = lookup.configVocabularySize();
    c.put("vocabulary_size", size != null ? size : lookup.tokenStart());
  }
}
