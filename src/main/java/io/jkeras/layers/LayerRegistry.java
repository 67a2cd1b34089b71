package io.jkeras.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;
import io.jkeras.config.KerasObjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one registry of layer classes that configs may name (as tfjs-layers' serialization
 * registry): a fixed map from Keras class name to factory. Nothing outside it is ever
 * instantiated; Lambda and custom layers are refused with the place they occur.
 */
public final class LayerRegistry {
  private static final Map<String, Function<Config, Layer<?>>> FACTORIES = new LinkedHashMap<>();

  static {
    register("InputLayer", InputLayer::fromConfig);
    register("Dense", Dense::fromConfig);
    register("Activation", Activation::fromConfig);
    register("Dropout", Dropout::fromConfig);
    register("Embedding", Embedding::fromConfig);
    register("Flatten", Flatten::fromConfig);
    register("Masking", Masking::fromConfig);
    register("RepeatVector", RepeatVector::fromConfig);
    register("LSTM", LSTM::fromConfig);
    register("GRU", GRU::fromConfig);
    register("SimpleRNN", SimpleRNN::fromConfig);
    register("Bidirectional", Bidirectional::fromConfig);
    register("RNN", LayerRegistry::rnn);
    register("TimeDistributed", LayerRegistry::timeDistributed);
    register("TimeDistributedDense", LayerRegistry::timeDistributedDense);
    register("Add", Add::fromConfig);
    register("Subtract", Subtract::fromConfig);
    register("Multiply", Multiply::fromConfig);
    register("Average", Average::fromConfig);
    register("Maximum", Maximum::fromConfig);
    register("Minimum", Minimum::fromConfig);
    register("Concatenate", Concatenate::fromConfig);
    register("Dot", Dot::fromConfig);
    register("Conv1D", Conv1D::fromConfig);
    register("Convolution1D", Conv1D::fromConfig); // Keras 1's class name
    register("SeparableConv1D", SeparableConv1D::fromConfig);
    register("DepthwiseConv1D", DepthwiseConv1D::fromConfig);
    register("Conv1DTranspose", Conv1DTranspose::fromConfig);
    register("MaxPooling1D", MaxPooling1D::fromConfig);
    register("AveragePooling1D", AveragePooling1D::fromConfig);
    register("GlobalMaxPooling1D", GlobalMaxPooling1D::fromConfig);
    register("GlobalAveragePooling1D", GlobalAveragePooling1D::fromConfig);
    register("Cropping1D", Cropping1D::fromConfig);
    register("ZeroPadding1D", ZeroPadding1D::fromConfig);
    register("UpSampling1D", UpSampling1D::fromConfig);
    register("BatchNormalization", BatchNormalization::fromConfig);
    register("LayerNormalization", LayerNormalization::fromConfig);
    register("UnitNormalization", UnitNormalization::fromConfig);
    register("Reshape", Reshape::fromConfig);
    register("Permute", Permute::fromConfig);
    register("SpatialDropout1D", SpatialDropout1D::fromConfig);
    register("GaussianNoise", GaussianNoise::fromConfig);
    register("GaussianDropout", GaussianDropout::fromConfig);
    register("ActivityRegularization", ActivityRegularization::fromConfig);
    register("Identity", Identity::fromConfig);
    register("MultiHeadAttention", MultiHeadAttention::fromConfig);
    register("Attention", Attention::fromConfig);
    register("AdditiveAttention", AdditiveAttention::fromConfig);
    register("TextVectorization", TextVectorization::fromConfig);
    register("StringLookup", StringLookup::fromConfig);
    register("IntegerLookup", IntegerLookup::fromConfig);
  }

  private LayerRegistry() {}

  /** Adds a layer class to the registry (jkeras's own layers only). */
  public static synchronized void register(String className, Function<Config, Layer<?>> factory) {
    FACTORIES.put(className, factory);
  }

  public static synchronized Set<String> classNames() {
    return FACTORIES.keySet();
  }

  /** Deserializes {@code {"class_name": ..., "config": {...}}} found at {@code path}. */
  public static Layer<?> deserialize(JsonNode layer, String path, int kerasMajor) {
    if (layer == null || !layer.isObject()) throw new KerasFormatException(path + ": expected a layer object, got " + Config.describe(layer));
    JsonNode cn = layer.get("class_name");
    if (cn == null || !cn.isTextual()) throw new KerasFormatException(path + ": a layer needs a \"class_name\"");
    String className = cn.asText();
    JsonNode registered = layer.get("registered_name");
    if (registered != null && registered.isTextual() && !registered.asText().equals(className)
        && !registered.asText().startsWith("keras")) {
      throw new KerasFormatException(path + ": custom layer '" + registered.asText() + "' is not supported: jkeras only builds"
          + " its own registered layers and never runs code from a file");
    }
    if (className.equals("Lambda")) {
      throw new KerasFormatException(path + ": Lambda layers are refused: they hold Python code, which jkeras never runs");
    }
    Function<Config, Layer<?>> f;
    synchronized (LayerRegistry.class) {
      f = FACTORIES.get(className);
    }
    if (f == null) {
      throw new KerasFormatException(path + ": layer class '" + className + "' is not supported (yet); supported: "
          + String.join(", ", classNames()));
    }
    Config c = new Config(layer.get("config"), path + ".config", kerasMajor);
    Layer<?> l;
    try {
      l = f.apply(c);
    } catch (KerasFormatException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new KerasFormatException(c.path() + " (" + className + "): " + e.getMessage(), e);
    }
    c.ignore(Config.BASE_KEYS.toArray(new String[0]));
    c.checkAllUsed(className);
    return l;
  }

  /** Keras's serialized form of a layer: module, class_name, config, registered_name, build_config. */
  public static Map<String, Object> serialize(Layer<?> layer) {
    Map<String, Object> m = KerasObjects.serialize("keras.layers", layer.className(), layer.getConfig());
    Map<String, Object> bc = layer.buildConfig();
    if (bc != null) m.put("build_config", bc);
    return m;
  }

  /** The cells Keras's generic {@code RNN} layer may wrap, and the layer that is that RNN. */
  private static final Map<String, Function<Config, Layer<?>>> CELLS = Map.of(
      "LSTMCell", LSTM::fromConfig,
      "GRUCell", GRU::fromConfig,
      "SimpleRNNCell", SimpleRNN::fromConfig);

  /**
   * Keras's {@code RNN(cell)} around one built-in cell is the LSTM / GRU / SimpleRNN layer with
   * the cell's arguments and the RNN's own (return_sequences, go_backwards, stateful...): Keras's
   * LSTM is that same RNN subclass, with the same weights under {@code cell/}.
   */
  private static Layer<?> rnn(Config c) {
    JsonNode cell = c.getNode("cell");
    String where = c.path() + ".cell";
    if (cell == null || !cell.isObject() || !cell.path("config").isObject()) {
      throw new KerasFormatException(where + ": an RNN layer needs a cell {\"class_name\": ..., \"config\": {...}}");
    }
    String cls = cell.path("class_name").asText("");
    Function<Config, Layer<?>> f = CELLS.get(cls);
    if (f == null) {
      throw new KerasFormatException(where + ": RNN cell '" + cls + "' is not supported (yet); supported: "
          + String.join(", ", new TreeSet<>(CELLS.keySet()))
          + (cls.equals("StackedRNNCells") ? " (for a stack of cells, stack one RNN layer per cell)" : ""));
    }
    ObjectNode merged = ((ObjectNode) cell.get("config")).deepCopy();
    merged.remove(List.of("name", "trainable", "dtype")); // the RNN layer's own count
    c.raw().fields().forEachRemaining(e -> {
      if (!e.getKey().equals("cell")) merged.set(e.getKey(), e.getValue());
    });
    Config mc = new Config(merged, c.path(), c.kerasMajor());
    Layer<?> l = f.apply(mc);
    ((RNN<?>) l).readFrom("RNN");
    mc.ignore(Config.BASE_KEYS.toArray(new String[0]));
    mc.checkAllUsed("RNN(" + cls + ")");
    c.raw().fieldNames().forEachRemaining(c::ignore);
    return l;
  }

  private static Layer<?> timeDistributed(Config c) {
    Layer<?> inner = deserialize(c.getNode("layer"), c.path() + ".layer", c.kerasMajor());
    TimeDistributed td = new TimeDistributed(inner);
    td.readBaseConfigFrom(c);
    return td;
  }

  /** Keras 1's TimeDistributedDense: a Dense applied at each timestep. */
  private static Layer<?> timeDistributedDense(Config c) {
    long[] batchShape = c.getShape("batch_input_shape");
    Integer length = c.has("input_length") ? c.getInt("input_length") : null;
    Integer dim = c.has("input_dim") ? c.getInt("input_dim") : null;
    String name = c.getString("name", null);
    boolean trainable = c.getBool("trainable", true);
    c.ignore("input_length", "input_dim", "batch_input_shape");
    ((ObjectNode) c.raw()).remove(List.of(
        "name", "input_length", "input_dim", "batch_input_shape"));
    Dense d = Dense.fromConfig(c);
    TimeDistributed td = new TimeDistributed(d);
    if (name != null) td.name(name);
    td.trainable(trainable);
    if (batchShape != null) td.batchInputShape(batchShape);
    else if (dim != null) td.inputShape(length == null ? -1 : length, dim);
    return td;
  }
}
