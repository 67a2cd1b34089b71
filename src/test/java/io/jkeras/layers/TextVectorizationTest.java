package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.data.FloatArray;
import io.jkeras.testing.KerasPython;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TextVectorization, StringLookup and IntegerLookup give the ids (and vocabularies) real Keras
 * 3 gives, on texts with punctuation, mixed case, unknown words, long and short lines, ASCII and
 * non-ASCII whitespace and letters (é, ß, Greek, CJK, emoji, combining marks), checked case by
 * case against {@code src/test/python/text_check.py}; the configs Keras refuses are refused.
 */
class TextVectorizationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final List<String> ADAPT = List.of(
      "Hello, World! This is jkeras. Hello again, world.",
      "ÉCOLE école Straße STRASSE ΣΊΣΥΦΟΣ σίσυφος Ελληνικά 東京タワー 😀👍🏽 naïve café école",
      "don't stop—it's “quoted” «guillemets» (parens) [brackets] {braces} a_b a-b a.b a/b #tag @user $5 100% ~tilde `tick` ^caret |pipe \\back",
      "the cat sat on the mat; the dog sat on the log. The END",
      "tabs\tand\nnewlines\rand\u000bvertical\u000cform feeds",
      "nbsp\u00a0space ideographic\u3000space nel\u0085line ls\u2028sep",
      "İstanbul ǅ ﬁne Ⅻ ＡＢＣ combining e\u0301 vs é",
      "b a b a c c d",
      "zeta alpha zeta alpha beta beta");

  static final List<String> TEXTS = List.of(
      "Hello, world!",
      "",
      "   ",
      "...!!!???",
      "short",
      "The cat and the unknownword sat with ANOTHERUNKNOWN words; the the the end. " + "a long line of many words ".repeat(8),
      "École ÉCOLE école straße Σίσυφος 東京タワー 😀 café naïve",
      "tabs\tand\nnewlines\rand\u000bvertical\u000cform",
      "nbsp\u00a0space nel\u0085line ideographic\u3000space",
      "don't it's a_b a-b #tag @user «guillemets» —dash");

  private static ObjectNode tv(Object... kv) {
    ObjectNode c = JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) c.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
    return c;
  }

  private static ObjectNode textCase(ArrayNode cases, String name, String layer, ObjectNode config, Object adapt, Object inputs) {
    ObjectNode c = cases.addObject();
    c.put("name", name);
    c.put("layer", layer);
    c.set("config", config);
    c.set("adapt", JSON.valueToTree(adapt));
    c.set("inputs", JSON.valueToTree(inputs));
    return c;
  }

  private static List<List<String>> columns(List<String> texts) {
    List<List<String>> r = new ArrayList<>();
    for (String t : texts) r.add(List.of(t));
    return r;
  }

  private static ArrayNode cases() {
    ArrayNode cs = JSON.createArrayNode();
    textCase(cs, "default", "TextVectorization", tv(), ADAPT, TEXTS);
    textCase(cs, "default_column", "TextVectorization", tv("output_sequence_length", 12), ADAPT, columns(TEXTS));
    textCase(cs, "max_tokens_len8", "TextVectorization", tv("max_tokens", 20, "output_sequence_length", 8), ADAPT, TEXTS);
    textCase(cs, "lower", "TextVectorization", tv("standardize", "lower", "output_sequence_length", 20), ADAPT, TEXTS);
    textCase(cs, "strip", "TextVectorization", tv("standardize", "strip_punctuation", "output_sequence_length", 20), ADAPT, TEXTS);
    textCase(cs, "no_standardize", "TextVectorization", tv("standardize", null, "output_sequence_length", 20), ADAPT, TEXTS);
    textCase(cs, "characters", "TextVectorization", tv("split", "character", "max_tokens", 60, "output_sequence_length", 40),
        ADAPT, TEXTS);
    textCase(cs, "no_split", "TextVectorization", tv("split", null), ADAPT, TEXTS);
    textCase(cs, "no_split_column", "TextVectorization", tv("split", null, "standardize", null), ADAPT, columns(TEXTS));
    textCase(cs, "ngrams2", "TextVectorization", tv("ngrams", 2, "output_sequence_length", 30), ADAPT, TEXTS);
    textCase(cs, "ngrams_1_3", "TextVectorization", tv("ngrams", List.of(3, 1), "max_tokens", 50, "output_sequence_length", 30),
        ADAPT, TEXTS);
    textCase(cs, "multi_hot", "TextVectorization", tv("output_mode", "multi_hot"), ADAPT, TEXTS);
    textCase(cs, "multi_hot_padded", "TextVectorization", tv("output_mode", "multi_hot", "max_tokens", 15, "pad_to_max_tokens", true),
        ADAPT, TEXTS);
    textCase(cs, "count", "TextVectorization", tv("output_mode", "count", "max_tokens", 25), ADAPT, TEXTS);
    textCase(cs, "count_ngrams", "TextVectorization", tv("output_mode", "count", "ngrams", 2), ADAPT, TEXTS);
    textCase(cs, "given_vocabulary", "TextVectorization",
        tv("vocabulary", List.of("the", "cat", "école", "école", "東京タワー", "😀", "hello").subList(0, 3)), null, TEXTS);
    textCase(cs, "given_vocabulary_with_specials", "TextVectorization",
        tv("vocabulary", List.of("", "[UNK]", "world", "hello", "σίσυφος", "😀"), "output_sequence_length", 6), null, TEXTS);
    textCase(cs, "given_vocabulary_multi_hot", "TextVectorization",
        tv("vocabulary", List.of("the", "world", "hello", "école"), "output_mode", "count"), null, TEXTS);
    // refused by Keras as by jkeras
    textCase(cs, "err_repeated", "TextVectorization", tv("vocabulary", List.of("a", "b", "a")), null, TEXTS);
    textCase(cs, "err_empty_token", "TextVectorization", tv("vocabulary", List.of("a", "", "b")), null, TEXTS);
    textCase(cs, "err_max_tokens_1", "TextVectorization", tv("max_tokens", 1), ADAPT, TEXTS);
    textCase(cs, "err_too_many", "TextVectorization", tv("vocabulary", List.of("a", "b", "c"), "max_tokens", 4), null, TEXTS);
    textCase(cs, "err_seq_len_multi_hot", "TextVectorization", tv("output_mode", "multi_hot", "output_sequence_length", 3), ADAPT, TEXTS);
    textCase(cs, "err_pad_without_max", "TextVectorization", tv("output_mode", "multi_hot", "pad_to_max_tokens", true), ADAPT, TEXTS);

    List<List<String>> words = List.of(List.of("b", "a", "zz"), List.of("c", "a", "a"), List.of("", "É", "d"), List.of("Ω", "b", "[UNK]"));
    List<String> adaptWords = List.of("a", "b", "b", "c", "c", "É", "é", "Ω", "", "", "", "[UNK]", "d", "a");
    textCase(cs, "string_lookup", "StringLookup", tv(), adaptWords, words);
    textCase(cs, "string_lookup_mask", "StringLookup", tv("mask_token", ""), adaptWords, words);
    textCase(cs, "string_lookup_max", "StringLookup", tv("max_tokens", 4, "oov_token", "?"), adaptWords, words);
    textCase(cs, "string_lookup_multi_hot", "StringLookup", tv("output_mode", "multi_hot", "mask_token", ""), adaptWords, words);
    textCase(cs, "string_lookup_count", "StringLookup", tv("output_mode", "count"), adaptWords, words);
    textCase(cs, "string_lookup_one_hot", "StringLookup", tv("output_mode", "one_hot"), adaptWords, List.of("a", "b", "x"));
    textCase(cs, "string_lookup_vocab", "StringLookup", tv("vocabulary", List.of("a", "b", "c"), "num_oov_indices", 1), null, words);
    textCase(cs, "err_string_lookup_no_oov", "StringLookup", tv("vocabulary", List.of("a", "b"), "num_oov_indices", 0), null, words);

    List<List<Long>> ints = List.of(List.of(3L, 7L, -2L), List.of(0L, 9L, 3L), List.of(12L, 7L, 7L));
    long[] adaptInts = {7, 7, 3, 3, 9, 12, 12, -2, 0, 0, -1, 5};
    textCase(cs, "integer_lookup", "IntegerLookup", tv(), adaptInts, ints);
    textCase(cs, "integer_lookup_mask_oov2", "IntegerLookup", tv("mask_token", 0, "num_oov_indices", 2, "max_tokens", 6), adaptInts, ints);
    textCase(cs, "integer_lookup_multi_hot", "IntegerLookup", tv("output_mode", "multi_hot", "max_tokens", 5), adaptInts, ints);
    textCase(cs, "integer_lookup_count", "IntegerLookup", tv("output_mode", "count", "vocabulary", List.of(3, 7, 100)), null, ints);
    textCase(cs, "integer_lookup_invert", "IntegerLookup", tv("invert", true, "vocabulary", List.of(3, 7, 100)), null,
        List.of(List.of(0L, 1L, 2L), List.of(3L, 4L, 9L)));
    return cs;
  }

  /** Makes the jkeras layer from the case's config (as a Keras file would), adapts it and encodes the inputs. */
  private static Object[] jkeras(JsonNode c) {
    ObjectNode layer = JSON.createObjectNode();
    layer.put("class_name", c.get("layer").asText());
    layer.set("config", c.get("config").deepCopy());
    Layer<?> l = LayerRegistry.deserialize(layer, c.get("name").asText(), 3);
    JsonNode adapt = c.get("adapt");
    if (adapt != null && !adapt.isNull()) {
      if (l instanceof TextVectorization t) t.adapt(strings(adapt));
      else if (l instanceof StringLookup s) s.adapt(strings(adapt));
      else {
        long[] a = new long[adapt.size()];
        for (int i = 0; i < a.length; i++) a[i] = adapt.get(i).asLong();
        ((IntegerLookup) l).adapt(a);
      }
    }
    Object raw = rawInputs(c.get("inputs"), l instanceof IntegerLookup);
    FloatArray out = ((Preprocessing) l).encode(raw);
    List<String> vocab = l instanceof TextVectorization t ? t.getVocabulary() : ((IndexLookup<?>) l).getVocabulary();
    return new Object[] {vocab, out};
  }

  private static List<String> strings(JsonNode a) {
    List<String> r = new ArrayList<>();
    for (JsonNode s : a) r.add(s.asText());
    return r;
  }

  private static Object rawInputs(JsonNode in, boolean integers) {
    boolean rank2 = in.get(0).isArray();
    if (integers) {
      float[][] r = new float[in.size()][];
      for (int i = 0; i < r.length; i++) {
        r[i] = new float[in.get(i).size()];
        for (int j = 0; j < r[i].length; j++) r[i][j] = in.get(i).get(j).floatValue();
      }
      return r;
    }
    if (!rank2) return strings(in).toArray(new String[0]);
    String[][] r = new String[in.size()][];
    for (int i = 0; i < r.length; i++) r[i] = strings(in.get(i)).toArray(new String[0]);
    return r;
  }

  @Test
  void sameIdsAndVocabulariesAsKeras() throws Exception {
    Path dir = KerasPython.work("text_vectorization");
    ArrayNode cases = cases();
    ObjectNode spec = JSON.createObjectNode();
    spec.set("cases", cases);
    Path specFile = dir.resolve("spec.json");
    Files.writeString(specFile, JSON.writeValueAsString(spec), StandardCharsets.UTF_8);
    Path outFile = dir.resolve("keras_ids.json");
    KerasPython.run("text_check.py", "ids", specFile.toString(), outFile.toString());
    JsonNode keras = JSON.readTree(Files.readString(outFile, StandardCharsets.UTF_8));
    List<String> failures = new ArrayList<>();
    int compared = 0;
    for (JsonNode c : cases) {
      String name = c.get("name").asText();
      JsonNode k = keras.get(name);
      Object[] mine;
      try {
        mine = jkeras(c);
      } catch (IllegalArgumentException | IllegalStateException e) {
        if (!k.has("error")) failures.add(name + ": jkeras refused (" + e.getMessage() + ") but Keras computed it");
        else compared++;
        continue;
      }
      if (k.has("error")) {
        failures.add(name + ": Keras refused (" + k.get("error").asText() + ") but jkeras computed it");
        continue;
      }
      List<String> kv = new ArrayList<>();
      for (JsonNode v : k.get("vocabulary")) kv.add(v.isNumber() ? Long.toString(v.asLong()) : v.asText());
      if (!kv.equals(mine[0])) failures.add(name + ": vocabulary\n  keras  " + kv + "\n  jkeras " + mine[0]);
      FloatArray out = (FloatArray) mine[1];
      long[] ks = JSON.convertValue(k.get("shape"), long[].class);
      float[] kd = new float[k.get("output").size()];
      for (int i = 0; i < kd.length; i++) kd[i] = (float) k.get("output").get(i).asDouble();
      if (!java.util.Arrays.equals(ks, out.shape()) || !java.util.Arrays.equals(kd, out.data())) {
        failures.add(name + ": output\n  keras  " + java.util.Arrays.toString(ks) + " " + java.util.Arrays.toString(kd)
            + "\n  jkeras " + java.util.Arrays.toString(out.shape()) + " " + java.util.Arrays.toString(out.data()));
      }
      compared++;
    }
    if (!failures.isEmpty()) fail(failures.size() + " of " + cases.size() + " cases differ from Keras:\n" + String.join("\n", failures));
    assertEquals(cases.size(), compared);
  }

  @Test
  void refusalsNameTheLayerAndField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TextVectorization().name("tv").vocabulary(List.of("a", "b", "a")));
    assertTrue(e.getMessage().contains("layer tv (TextVectorization)") && e.getMessage().contains("'a'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TextVectorization().name("tv").vocabulary(List.of("a", "")));
    assertTrue(e.getMessage().contains("mask token"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TextVectorization().name("tv").maxTokens(2));
    assertTrue(e.getMessage().contains("max_tokens 2") && e.getMessage().contains("layer tv"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TextVectorization().outputMode("tf_idf"));
    assertTrue(e.getMessage().contains("tf_idf"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new StringLookup().name("sl").numOovIndices(2));
    assertTrue(e.getMessage().contains("layer sl (StringLookup)") && e.getMessage().contains("num_oov_indices"), e.getMessage());
  }

  @Test
  void javaSideStepsMatchKerasSpelling() {
    TextVectorization t = new TextVectorization();
    assertEquals(List.of("École", "straße", "ΣΊΣ", "hello", "nbsp\u00a0x"), t.tokens("École STRAßE ΣΊΣ HeLLo, nbsp\u00a0x!"));
    t.vocabulary(List.of("hello", "world"));
    assertArrayEquals(new int[][] {{2, 3, 1}, {1, 0, 0}}, t.vectorize(List.of("Hello WORLD unknown", "x")));
    assertEquals(Map.of(), t.saveAssets(), "a given vocabulary travels in the config, as in Keras");
    TextVectorization a = new TextVectorization().adapt(List.of("b a b"));
    assertEquals("\n[UNK]\nb\na", new String(a.saveAssets().get("vocabulary.txt"), StandardCharsets.UTF_8));
  }
}
