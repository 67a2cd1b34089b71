package io.jkeras.layers;

import io.jkeras.testing.PythonModels;
import java.util.List;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Python -> Java for the 1D convolution, pooling and shape layers, real Keras 3 as the oracle:
 * {@code src/test/python/layers_conv_models.py} builds sequence models with Conv1D (same, causal,
 * valid, strides, dilation, groups), SeparableConv1D, DepthwiseConv1D, Conv1DTranspose, the 1D
 * pooling layers (global ones after masked LSTMs and Embeddings), Cropping1D, ZeroPadding1D and
 * UpSampling1D; {@link PythonModels} loads each from every format Keras writes and compares
 * predictions, parameter counts and per-layer output shapes with Keras's.
 */
class ConvLayersInteropTest {
  @TestFactory
  List<DynamicNode> convKerasModelsPredictInJava() throws Exception {
    return PythonModels.loadAndPredict("layers_conv_models.py", "layers_conv");
  }
}
