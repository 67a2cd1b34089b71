package io.jkeras.interop;

import io.jkeras.testing.PythonModels;
import java.util.List;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Python -> Java for Functional models, real Keras 3 as the oracle:
 * {@code src/test/python/functional_make_models.py} builds models with every merge layer, masks
 * through merges, shared layers, residuals, encoder-decoders with return_state/initial_state,
 * several outputs and a stateful model; {@link PythonModels} loads each from every format Keras
 * writes and compares predictions within {@link PythonModels#TOLERANCE}.
 */
class FunctionalInteropTest {
  @TestFactory
  List<DynamicNode> functionalKerasModelsPredictInJava() throws Exception {
    return PythonModels.loadAndPredict("functional_make_models.py", "functional");
  }
}
