package io.jkeras.cli;

import io.jkeras.data.FloatArray;
import io.jkeras.layers.Preprocessing;
import io.jkeras.layers.TextVectorization;
import io.jkeras.models.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw text for a model whose input goes to a {@link TextVectorization} layer, as a Keras user
 * feeds one: the layer is adapted on the training text when it has no vocabulary yet (Keras's
 * {@code vectorize_layer.adapt(texts)}), and it turns the text into ids, so the job has no
 * tokenizer of its own. Two forms: labelled texts (one text per sample, a class id each:
 * data.source "labeled_text"), or a corpus for a language model (data.source "text" with
 * encoding "text": windows of seq_length tokens every step tokens, each target the same window
 * shifted by one token, as ids).
 */
final class TextData {
  final List<String> texts; // labelled texts, or null
  final FloatArray labels;
  final String corpus; // a language model's corpus, or null
  final int seqLength;
  final int step;
  final int maxSamples;

  private TextData(List<String> texts, FloatArray labels, String corpus, int seqLength, int step, int maxSamples) {
    this.texts = texts;
    this.labels = labels;
    this.corpus = corpus;
    this.seqLength = seqLength;
    this.step = step;
    this.maxSamples = maxSamples;
  }

  static TextData labeled(List<String> texts, FloatArray labels) {
    return new TextData(texts, labels, null, 0, 0, 0);
  }

  static TextData corpus(String text, int seqLength, int step, int maxSamples) {
    return new TextData(null, null, text, seqLength, step, maxSamples);
  }

  /** x (the ids the model's TextVectorization gives) and y, after adapting the layer if need be. */
  FloatArray[] prepare(Model model, String source) {
    if (model.inputCount() != 1 || !(model.firstLayerOf(0) instanceof TextVectorization tv)) {
      throw new ConfigException(source + ": field 'data': text data needs a model whose one input goes to a TextVectorization layer"
          + " (an InputLayer of dtype \"string\" followed by TextVectorization)");
    }
    if (texts != null) {
      adapt(tv, texts);
      return new FloatArray[] {((Preprocessing) tv).encode(texts), labels};
    }
    if (tv.outputSequenceLength() == null || tv.outputSequenceLength() != seqLength) {
      throw new ConfigException(source + ": field 'data.seq_length' (" + seqLength + ") must equal the TextVectorization layer's"
          + " output_sequence_length (" + tv.outputSequenceLength() + ")");
    }
    // The layer's own tokens; joined by spaces they tokenize to themselves again (standardized, no whitespace).
    List<String> tokens = tv.tokens(corpus);
    if (tokens.size() <= seqLength) {
      throw new ConfigException(source + ": field 'data': the text has " + tokens.size() + " tokens, too few for seq_length " + seqLength);
    }
    adapt(tv, List.of(corpus));
    int available = (tokens.size() - seqLength - 1) / step + 1;
    int n = maxSamples > 0 ? Math.min(available, maxSamples) : available;
    List<String> xs = new ArrayList<>(n);
    List<String> ys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      xs.add(String.join(" ", tokens.subList(i * step, i * step + seqLength)));
      ys.add(String.join(" ", tokens.subList(i * step + 1, i * step + seqLength + 1)));
    }
    return new FloatArray[] {tv.encode(xs), tv.encode(ys)};
  }

  /**
   * Adapts the layer when it has no vocabulary, and keeps the vocabulary in the layer's config (as
   * a vocabulary given to the constructor), so that the model's JSON config alone carries it
   * (model.json, to_json-style exports); Keras reads it from there as well.
   */
  private static void adapt(TextVectorization tv, List<String> texts) {
    if (tv.hasVocabulary()) return;
    tv.adapt(texts);
    tv.vocabulary(tv.getVocabulary());
    System.out.println("Adapted " + tv.name() + " on the training text: vocabulary of " + tv.vocabularySize()
        + " (with padding and [UNK])");
  }
}
