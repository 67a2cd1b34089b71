package io.jkeras.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jkeras.Keras;
import io.jkeras.data.FloatArray;
import io.jkeras.data.Npy;
import io.jkeras.layers.Concatenate;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.LSTM;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.testing.KerasPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A jkeras Functional model with two inputs and two outputs, exported as a SavedModel and run by
 * Python's TensorFlow and Keras 3 ({@code src/test/python/j2p_multi_io.py}): one named signature
 * input per model input, one named output per model output (Keras 3's {@code output_0},
 * {@code output_1} with {@link ExportOptions#keras3Names}), {@code serve} taking the list of
 * inputs, all within 1e-5 of jkeras's predictions.
 */
class MultiIoSavedModelTest {
  private static JsonNode python;

  @BeforeAll
  static void exportAndRunInPython() throws Exception {
    KerasPython.python();
    Path work = KerasPython.work("j2p-multi-io");
    JavaToPythonTest.deleteTree(work);
    Files.createDirectories(work);
    Keras.setRandomSeed(21);
    FloatArray seq = JavaToPythonTest.ids(23, 6, 10);
    FloatArray feats = JavaToPythonTest.gaussian(4, 23, 3);
    KerasTensor s = new InputLayer(6).name("seq").dtype("int32").output();
    KerasTensor f = new InputLayer(3).name("feats").output();
    KerasTensor h = new LSTM(5).apply(new Embedding(10, 4).apply(s));
    KerasTensor g = new Dense(5).activation("tanh").apply(f);
    KerasTensor zout = new Dense(2).name("zout").apply(new Concatenate().apply(h, g));
    KerasTensor aux = new Dense(1).activation("sigmoid").name("aux").apply(g);
    try (Functional m = Model.of(List.of(s, f), List.of(zout, aux))) {
      List<FloatArray> y = m.predictMulti(Map.of("seq", seq, "feats", feats));
      m.export(work.resolve("default"));
      m.export(work.resolve("keras3"), new ExportOptions().keras3Names(true));
      Npy.write(work.resolve("seq.npy"), seq);
      Npy.write(work.resolve("feats.npy"), feats);
      Npy.write(work.resolve("zout.npy"), y.get(0));
      Npy.write(work.resolve("aux.npy"), y.get(1));
    }
    KerasPython.run("j2p_multi_io.py", work.toString());
    python = new ObjectMapper().readTree(work.resolve("python.json").toFile());
  }

  @Test
  void keras3NamesAreThoseOfKerasOwnExport() {
    JsonNode own = python.get("keras_own");
    JsonNode ours = python.get("keras3").get("signatures");
    for (String sig : List.of("serving_default", "serve")) {
      assertEquals("[\"feats\",\"seq\"]", own.get(sig).get("inputs").toString(), python.toString());
      assertEquals("[\"output_0\",\"output_1\"]", own.get(sig).get("outputs").toString(), python.toString());
      assertEquals(own.get(sig).get("inputs"), ours.get(sig).get("inputs"), sig);
      assertEquals(own.get(sig).get("input_dtypes"), ours.get(sig).get("input_dtypes"), sig);
      assertEquals(own.get(sig).get("outputs"), ours.get(sig).get("outputs"), sig);
      JsonNode byLayer = python.get("default").get("signatures").get(sig);
      assertEquals("[\"feats\",\"seq\"]", byLayer.get("inputs").toString());
      assertEquals("[\"aux\",\"zout\"]", byLayer.get("outputs").toString());
    }
  }

  @Test
  void tensorflowRunsTheExportsAsJkerasPredicts() {
    for (String export : List.of("default", "keras3")) {
      JsonNode r = python.get(export);
      assertEquals("list", r.get("serve_returns").asText(), r.toString());
      for (String k : List.of("serving_default_err", "serve_signature_err", "serve_err", "tfsm_serve_err")) {
        assertTrue(r.get(k).asDouble() <= 1e-5, export + " " + k + " " + r);
      }
    }
  }
}
