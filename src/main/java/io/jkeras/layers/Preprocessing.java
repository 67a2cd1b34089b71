package io.jkeras.layers;

import io.jkeras.data.FloatArray;
import java.util.Map;

/**
 * A preprocessing layer whose work runs in Java before the TensorFlow graph: {@link
 * TextVectorization}, {@link StringLookup} and {@link IntegerLookup}. Keras runs these layers
 * with TensorFlow's string and lookup-table ops; jkeras computes the same ids in Java (checked
 * against Keras) and feeds them to the graph, where the layer passes them through. Such a layer
 * therefore has to take a model input directly: the model encodes the raw data given to
 * {@code fit}/{@code predict} for that input with {@link #encode} (so {@code predict} takes
 * {@code String[]} for a text input).
 *
 * <p>The vocabulary travels as Keras's does: in the config when it was given to the constructor,
 * otherwise as the {@code vocabulary.txt} asset of a {@code .keras} archive ({@link #saveAssets},
 * {@link #loadAssets}).
 */
public interface Preprocessing {
  /**
   * The ids (or multi-hot/count/one-hot rows) the layer outputs for {@code raw}, one row per
   * sample: what Keras's layer returns, as float32.
   */
  FloatArray encode(Object raw);

  /** The asset files Keras's {@code save_assets} writes for this layer (file name -> bytes); empty if none. */
  Map<String, byte[]> saveAssets();

  /**
   * Keras's {@code load_assets}: reads the files saved by {@link #saveAssets} ({@code where} names
   * the archive and folder in messages). Does nothing when the vocabulary came with the config.
   */
  void loadAssets(Map<String, byte[]> files, String where);

  /** Whether the output is integer ids (output_mode "int"), rather than one/multi-hot or count rows. */
  boolean encodesIds();

  /** Whether the layer has a vocabulary (given, adapted or loaded) and can {@link #encode}. */
  boolean hasVocabulary();
}
