package io.jkeras.layers;

import io.jkeras.testing.PythonModels;
import java.util.List;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Python -> Java for BatchNormalization (trained and assigned moving statistics, masked sequences,
 * the time axis, no center / no scale), LayerNormalization (between LSTMs, several axes,
 * rms_scaling), UnitNormalization, Reshape, Permute, SpatialDropout1D, GaussianNoise,
 * GaussianDropout, ActivityRegularization and Identity, real Keras 3 as the oracle:
 * {@code src/test/python/layers_norm_models.py} builds the models; {@link PythonModels} loads each
 * from every format Keras writes and compares predictions, parameter counts and per-layer output
 * shapes.
 */
class NormalizationLayersInteropTest {
  @TestFactory
  List<DynamicNode> normalizationKerasModelsPredictInJava() throws Exception {
    return PythonModels.loadAndPredict("layers_norm_models.py", "layers_norm");
  }
}
