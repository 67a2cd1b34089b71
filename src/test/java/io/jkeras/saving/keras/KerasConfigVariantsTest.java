package io.jkeras.saving.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.layers.GRU;
import io.jkeras.layers.LSTM;
import io.jkeras.layers.Masking;
import io.jkeras.models.Sequential;
import org.junit.jupiter.api.Test;
import io.jkeras.config.Config;
import io.jkeras.config.KerasFormatException;

/**
 * Config shapes Keras 3.15 writes that the Python -> Java suite ({@code PythonToJavaTest}) found
 * jkeras refusing, pinned here without Python: Keras's generic {@code RNN(cell)}, the mask ops a
 * functional config records for Masking, and a {@code to_json()} compile_config without an optimizer.
 */
class KerasConfigVariantsTest {
  private static final String INPUT = "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 6, 3], \"name\": \"x\"}}";

  private static String sequential(String... layers) {
    return "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
        + INPUT + "," + String.join(",", layers) + "]}}";
  }

  @Test
  void rnnAroundACellIsThatRecurrentLayer() {
    String rnn = "{\"class_name\": \"RNN\", \"config\": {\"name\": \"rnn\", \"return_sequences\": true, \"go_backwards\": true,"
        + " \"stateful\": false, \"unroll\": false, \"zero_output_for_mask\": false, \"return_state\": false,"
        + " \"cell\": {\"class_name\": \"GRUCell\", \"config\": {\"name\": \"gru_cell\", \"units\": 3, \"reset_after\": false,"
        + " \"activation\": \"tanh\", \"recurrent_activation\": \"sigmoid\", \"use_bias\": true, \"dropout\": 0.0,"
        + " \"recurrent_dropout\": 0.0, \"seed\": null}}}}";
    try (Sequential m = KerasJson.read(sequential(rnn))) {
      GRU g = (GRU) m.layers().get(0);
      assertEquals("rnn", g.name());
      assertEquals(3, g.units());
      assertTrue(g.returnSequences());
      assertEquals("RNN", g.readFromClass(), "its weights sit under layers/rnn in a Keras 3 file");
      m.build(m.inputBatchShape());
      assertEquals(3 * (3 * 3 + 3 * 3 + 3), m.countParams(), "GRU(3), reset_after=false, on 3 features");
    }
  }

  @Test
  void stackedCellsAreRefusedWithTheirName() {
    String rnn = "{\"class_name\": \"RNN\", \"config\": {\"name\": \"rnn\", \"cell\": {\"class_name\": \"StackedRNNCells\","
        + " \"config\": {\"cells\": []}}}}";
    KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasJson.read(sequential(rnn)));
    assertTrue(e.getMessage().contains("config.layers[1].config.cell: RNN cell 'StackedRNNCells' is not supported (yet)"),
        e.getMessage());
  }

  /** A Keras 3 functional config: Input -> Masking(mask_value) -> LSTM, with the mask as op layers. */
  private static String functionalWithMaskOps(double notEqualConstant, int anyAxis) {
    String t = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 6, 3], \"keras_history\": [\"%s\", 0, 0]}}";
    return "{\"module\": \"keras\", \"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"name\": \"x\", \"config\": {\"batch_shape\": [null, 6, 3], \"name\": \"x\"}, \"inbound_nodes\": []},"
        + "{\"class_name\": \"NotEqual\", \"module\": \"keras.src.ops.numpy\", \"name\": \"ne\", \"config\": {\"name\": \"ne\"},"
        + " \"inbound_nodes\": [{\"args\": [" + String.format(t, "x") + ", " + notEqualConstant + "], \"kwargs\": {}}]},"
        + "{\"class_name\": \"Masking\", \"name\": \"masking\", \"config\": {\"name\": \"masking\", \"mask_value\": -1.0},"
        + " \"inbound_nodes\": [{\"args\": [" + String.format(t, "x") + "], \"kwargs\": {}}]},"
        + "{\"class_name\": \"Any\", \"module\": \"keras.src.ops.numpy\", \"name\": \"any\", \"config\": {\"name\": \"any\","
        + " \"axis\": " + anyAxis + ", \"keepdims\": false},"
        + " \"inbound_nodes\": [{\"args\": [" + String.format(t, "ne") + "], \"kwargs\": {}}]},"
        + "{\"class_name\": \"LSTM\", \"name\": \"lstm\", \"config\": {\"name\": \"lstm\", \"units\": 2},"
        + " \"inbound_nodes\": [{\"args\": [" + String.format(t, "masking") + "], \"kwargs\": {\"mask\": " + String.format(t, "any") + "}}]}"
        + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"lstm\", 0, 0]]}}";
  }

  @Test
  void functionalMaskOpsOfMaskingAreTheMaskingLayersOwnMask() {
    try (Sequential m = KerasJson.read(functionalWithMaskOps(-1.0, -1))) {
      assertEquals(2, m.layers().size());
      assertTrue(m.layers().get(0) instanceof Masking);
      assertTrue(m.layers().get(1) instanceof LSTM);
    }
  }

  @Test
  void functionalMaskOpsThatComputeAnotherMaskAreRefused() {
    for (String json : new String[] {functionalWithMaskOps(0.0, -1), functionalWithMaskOps(-1.0, 1)}) {
      KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasJson.read(json));
      assertTrue(e.getMessage().contains("layer 'lstm' gets mask='any', which is not the mask of a Masking or Embedding layer"),
          e.getMessage());
    }
  }

  @Test
  void compileConfigWithoutOptimizerCompilesWithRmspropAsKerasDoes() {
    try (Sequential m = KerasJson.read(sequential("{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 2}}"))) {
      KerasJson.compile(m, KerasJson.parse("{\"loss\": \"mse\", \"metrics\": [\"mae\"], \"loss_weights\": null}"));
      assertTrue(m.isCompiled());
      assertEquals("RMSprop", m.optimizer().className());
    }
  }
}
