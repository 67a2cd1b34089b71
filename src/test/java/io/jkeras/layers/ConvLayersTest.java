package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.config.KerasFormatException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Configs of the 1D convolution, pooling and shape layers: get_config round-trips, Keras 1 names
 * are read, and bad arguments and shapes are refused naming the layer and field (before any
 * TensorFlow op; the Keras comparisons are in ConvLayersInteropTest and the other Conv* tests).
 */
class ConvLayersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Layer<?> load(String className, String config, int kerasMajor) throws Exception {
    JsonNode n = JSON.readTree("{\"class_name\": \"" + className + "\", \"config\": " + config + "}");
    return LayerRegistry.deserialize(n, "layer", kerasMajor);
  }

  private static Layer<?> roundTrip(Layer<?> l) {
    JsonNode n = JSON.valueToTree(LayerRegistry.serialize(l));
    Layer<?> back = LayerRegistry.deserialize(n, "layer", 3);
    assertEquals(JSON.valueToTree(l.getConfig()), JSON.valueToTree(back.getConfig()), l.className() + " config round trip");
    return back;
  }

  @Test
  void configsRoundTrip() {
    List<Layer<?>> layers = List.of(
        new Conv1D(6, 3).strides(1).padding("causal").dilationRate(2).groups(3).activation("relu").useBias(false).name("c"),
        new SeparableConv1D(5, 2).depthMultiplier(2).strides(2).dilationRate(2).padding("same").name("s"),
        new DepthwiseConv1D(3).depthMultiplier(3).padding("same").activation("tanh").name("d"),
        new Conv1DTranspose(4, 3).strides(2).outputPadding(1).name("t"),
        new MaxPooling1D(3).strides(2).padding("same").name("mp"),
        new AveragePooling1D(2).name("ap"),
        new GlobalMaxPooling1D().keepdims(true).name("gm"),
        new GlobalAveragePooling1D().name("ga"),
        new Cropping1D(2, 0).name("cr"),
        new ZeroPadding1D(1, 3).name("zp"),
        new UpSampling1D(3).name("up"));
    for (Layer<?> l : layers) roundTrip(l);
  }

  @Test
  void readsKeras3ConfigsAsKerasWritesThem() throws Exception {
    Layer<?> l = load("Conv1D", "{\"name\": \"conv\", \"filters\": 4, \"kernel_size\": [3], \"strides\": [1],"
        + " \"padding\": \"same\", \"data_format\": \"channels_last\", \"dilation_rate\": [2], \"groups\": 1,"
        + " \"activation\": \"linear\", \"use_bias\": true, \"kernel_regularizer\": null, \"activity_regularizer\": null}", 3);
    assertArrayEquals(new long[] {-1, 10, 4}, l.computeOutputShape(new long[] {-1, 10, 2}));
    Layer<?> p = load("MaxPooling1D", "{\"pool_size\": [2], \"strides\": null, \"padding\": \"valid\"}", 3);
    assertArrayEquals(new long[] {-1, 5, 2}, p.computeOutputShape(new long[] {-1, 11, 2}));
  }

  @Test
  void readsKeras1Names() throws Exception {
    Layer<?> l = load("Convolution1D", "{\"name\": \"c1\", \"nb_filter\": 5, \"filter_length\": 3, \"border_mode\": \"valid\","
        + " \"subsample_length\": 2, \"init\": \"glorot_uniform\", \"activation\": \"relu\", \"W_regularizer\": null,"
        + " \"b_regularizer\": null, \"W_constraint\": null, \"b_constraint\": null, \"bias\": true,"
        + " \"input_dim\": 3, \"input_length\": 11}", 1);
    assertEquals("Conv1D", l.className());
    assertArrayEquals(new long[] {-1, 11, 3}, l.batchInputShape());
    assertArrayEquals(new long[] {-1, 5, 5}, l.computeOutputShape(new long[] {-1, 11, 3}));
    Layer<?> noLength = load("Convolution1D", "{\"nb_filter\": 2, \"filter_length\": 2, \"input_dim\": 4}", 1);
    assertArrayEquals(new long[] {-1, -1, 4}, noLength.batchInputShape());
    Layer<?> p = load("MaxPooling1D", "{\"pool_length\": 3, \"stride\": null, \"border_mode\": \"valid\"}", 1);
    assertEquals(Map.of("pool_size", List.of(3), "strides", List.of(3)),
        Map.of("pool_size", p.getConfig().get("pool_size"), "strides", p.getConfig().get("strides")));
    Layer<?> u = load("UpSampling1D", "{\"length\": 4}", 1);
    assertEquals(4, u.getConfig().get("size"));
  }

  @Test
  void refusesWhatItCannotComputeNamingLayerAndField() throws Exception {
    String e = assertThrows(KerasFormatException.class,
        () -> load("Conv1D", "{\"filters\": 2, \"kernel_size\": 3, \"data_format\": \"channels_first\"}", 3)).getMessage();
    assertTrue(e.contains("data_format") && e.contains("Conv1D"), e);
    e = assertThrows(KerasFormatException.class,
        () -> load("Conv1D", "{\"filters\": 3, \"kernel_size\": 3, \"groups\": 2}", 3)).getMessage();
    assertTrue(e.contains("groups") && e.contains("filters"), e);
    e = assertThrows(KerasFormatException.class,
        () -> load("Conv1D", "{\"filters\": 3, \"kernel_size\": 3, \"strides\": 2, \"dilation_rate\": 2}", 3)).getMessage();
    assertTrue(e.contains("dilation_rate"), e);
    e = assertThrows(KerasFormatException.class,
        () -> load("Conv1D", "{\"filters\": 3, \"kernel_size\": 3, \"activity_regularizer\": \"l2\"}", 3)).getMessage();
    assertTrue(e.contains("activity_regularizer"), e);
    e = assertThrows(KerasFormatException.class,
        () -> load("Conv1DTranspose", "{\"filters\": 3, \"kernel_size\": 3, \"strides\": 2, \"output_padding\": 2}", 3)).getMessage();
    assertTrue(e.contains("output_padding"), e);
    e = assertThrows(IllegalArgumentException.class, () -> new Conv1D(0, 3)).getMessage();
    assertTrue(e.contains("Conv1D") && e.contains("filters"), e);
    e = assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv1D(3).padding("causal")).getMessage();
    assertTrue(e.contains("DepthwiseConv1D") && e.contains("padding"), e);
    e = assertThrows(IllegalArgumentException.class, () -> new UpSampling1D(0)).getMessage();
    assertTrue(e.contains("size"), e);
  }

  @Test
  void refusesBadInputShapesBeforeTensorFlow() {
    Conv1D c = new Conv1D(2, 5).name("wide");
    String e = assertThrows(IllegalArgumentException.class, () -> c.checkInputShape(new long[] {-1, 4, 3})).getMessage();
    assertTrue(e.contains("wide") && e.contains("kernel_size 5"), e);
    Conv1D dil = new Conv1D(2, 3).dilationRate(3).name("dilated");
    e = assertThrows(IllegalArgumentException.class, () -> dil.checkInputShape(new long[] {-1, 6, 3})).getMessage();
    assertTrue(e.contains("dilated") && e.contains("7"), e); // span (3 - 1) * 3 + 1
    Conv1D g = new Conv1D(4, 2).groups(2).name("grouped");
    e = assertThrows(IllegalArgumentException.class, () -> g.checkInputShape(new long[] {-1, 6, 3})).getMessage();
    assertTrue(e.contains("grouped") && e.contains("groups"), e);
    Cropping1D cr = new Cropping1D(3, 3).name("crop");
    e = assertThrows(IllegalArgumentException.class, () -> cr.checkInputShape(new long[] {-1, 6, 3})).getMessage();
    assertTrue(e.contains("crop") && e.contains("cropping"), e);
    MaxPooling1D mp = new MaxPooling1D(4).name("pool");
    e = assertThrows(IllegalArgumentException.class, () -> mp.checkInputShape(new long[] {-1, 3, 2})).getMessage();
    assertTrue(e.contains("pool") && e.contains("pool_size"), e);
    e = assertThrows(IllegalArgumentException.class, () -> new GlobalAveragePooling1D().checkInputShape(new long[] {-1, 3})).getMessage();
    assertTrue(e.contains("rank 3"), e);
    // "same" and "causal" take any length.
    new Conv1D(2, 5).padding("same").checkInputShape(new long[] {-1, 2, 3});
    new Conv1D(2, 5).padding("causal").checkInputShape(new long[] {-1, 2, 3});
  }
}
