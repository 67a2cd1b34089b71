package io.jkeras.layers;

import io.jkeras.testing.PythonModels;
import java.util.List;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Python -> Java for the attention layers, real Keras 3 as the oracle:
 * {@code src/test/python/layers_attention_models.py} builds sequence models with
 * MultiHeadAttention (self- and cross-attention, a separate key, causal and Embedding masks, an
 * attention_mask input, output_shape, value_dim, no biases, dropout, returned scores), Attention
 * (dot and concat scores, scales, causal masks) and AdditiveAttention; {@link PythonModels} loads
 * each from .keras, .h5, JSON + weights and SavedModel and compares predictions within
 * {@link PythonModels#TOLERANCE}, parameter counts and per-layer output shapes.
 */
class AttentionLayersInteropTest {
  @TestFactory
  List<DynamicNode> attentionKerasModelsPredictInJava() throws Exception {
    return PythonModels.loadAndPredict("layers_attention_models.py", "layers_attention");
  }
}
