package io.jkeras.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.data.FloatArray;
import io.jkeras.testing.KerasPython;
import io.jkeras.utils.Shapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * The merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot) run
 * directly in a ModelRuntime on constant inputs, some masked, against real Keras 3 on the same
 * inputs (src/test/python/merge_reference.py): outputs, output masks, declared output shapes and
 * get_config; the shapes Keras accepts or refuses when called symbolically; finite-difference
 * gradients through Add, Concatenate, Dot and a masked Maximum; and the errors Java gives first.
 */
class MergeLayersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A layer on constant inputs; mask entries are null for unmasked inputs. */
  private record Run(String id, Supplier<Merge<?>> layer, List<FloatArray> inputs, List<boolean[][]> masks) {}

  /** A symbolic call on inputs of these batch shapes (-1 for None), which Keras accepts or refuses. */
  private record ShapeCase(String id, Supplier<Merge<?>> layer, List<long[]> shapes) {}

  private static final Random RND = new Random(13);
  private static final boolean[][] M0 = {{true, false, true}, {false, false, true}};
  private static final boolean[][] M1 = {{true, true, false}, {false, true, true}};
  private static final boolean[][] M2 = {{false, true, true}, {false, true, false}};

  private static FloatArray x(long... shape) {
    float[] v = new float[(int) Shapes.product(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) RND.nextGaussian();
    return new FloatArray(v, shape);
  }

  private static Run run(String id, Supplier<Merge<?>> layer, List<boolean[][]> masks, FloatArray... inputs) {
    return new Run(id, () -> layer.get().name(id), List.of(inputs), masks == null ? null : masks);
  }

  private static Run run(String id, Supplier<Merge<?>> layer, FloatArray... inputs) {
    return run(id, layer, null, inputs);
  }

  private static final List<Run> RUNS = List.of(
      run("add3", Add::new, x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("add_broadcast", Add::new, x(2, 3, 4), x(2, 4), x(2, 1, 4)),
      run("subtract", Subtract::new, x(2, 3, 4), x(2, 3, 4)),
      run("multiply3", Multiply::new, x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("multiply_broadcast", Multiply::new, x(2, 3, 4), x(2, 3, 1)),
      run("average3", Average::new, x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("average_broadcast", Average::new, x(2, 3, 4), x(2, 4)),
      run("maximum3", Maximum::new, x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("minimum3", Minimum::new, x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("minimum_broadcast", Minimum::new, x(2, 5), x(2, 3, 5)),
      run("concat_last", Concatenate::new, x(2, 3, 2), x(2, 3, 4), x(2, 3, 1)),
      run("concat_axis1", () -> new Concatenate(1), x(2, 2, 3), x(2, 4, 3)),
      run("concat_axis_neg2", () -> new Concatenate(-2), x(2, 3, 2, 2), x(2, 3, 1, 2), x(2, 3, 3, 2)),
      run("concat_rank2", Concatenate::new, x(2, 3), x(2, 5)),
      run("dot_rank2", () -> new Dot(1), x(2, 5), x(2, 5)),
      run("dot_rank2_neg", () -> new Dot(-1), x(2, 5), x(2, 5)),
      run("dot_axes2", () -> new Dot(2), x(2, 3, 4), x(2, 5, 4)),
      run("dot_pair", () -> new Dot(-1, 1), x(2, 3, 4), x(2, 4, 5)),
      run("dot_rank3_rank2", () -> new Dot(-1), x(2, 3, 4), x(2, 4)),
      run("dot_rank2_rank3", () -> new Dot(1, 1), x(2, 4), x(2, 4, 5)),
      run("dot_normalize", () -> new Dot(1, 1).normalize(true), x(2, 3, 4), x(2, 3, 5)),
      run("dot_normalize_rank2", () -> new Dot(1).normalize(true), x(2, 6), x(2, 6)),
      run("dot_rank4", () -> new Dot(1, 2), x(2, 3, 2, 4), x(2, 5, 3)),
      // masks: (batch 2, time 3)
      run("add_mask_one", Add::new, Arrays.asList(M0, null), x(2, 3, 4), x(2, 3, 4)),
      run("add_mask_all", Add::new, List.of(M0, M1), x(2, 3, 4), x(2, 3, 4)),
      run("subtract_mask_one", Subtract::new, Arrays.asList(null, M1), x(2, 3, 4), x(2, 3, 4)),
      run("average_mask_all", Average::new, List.of(M0, M1, M2), x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("maximum_mask_one", Maximum::new, Arrays.asList(M0, null, null), x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("maximum_mask_second", Maximum::new, Arrays.asList(null, M1), x(2, 3, 4), x(2, 3, 4)),
      run("maximum_mask_mixed", Maximum::new, Arrays.asList(M0, null, M2), x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("maximum_mask_all", Maximum::new, List.of(M0, M1, M2), x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("minimum_mask_all", Minimum::new, List.of(M0, M1), x(2, 3, 4), x(2, 3, 4)),
      run("minimum_mask_broadcast", Minimum::new, List.of(M0, M1), x(2, 3, 4), x(2, 3, 1)),
      run("multiply_mask_one", Multiply::new, Arrays.asList(M0, null), x(2, 3, 4), x(2, 3, 4)),
      run("multiply_mask_all", Multiply::new, List.of(M0, M1, M2), x(2, 3, 4), x(2, 3, 4), x(2, 3, 4)),
      run("concat_mask_one", Concatenate::new, Arrays.asList(M0, null), x(2, 3, 2), x(2, 3, 4)),
      run("concat_mask_all", Concatenate::new, List.of(M0, M1), x(2, 3, 2), x(2, 3, 4)),
      run("concat_axis1_mask_one", () -> new Concatenate(1), Arrays.asList(M0, null), x(2, 3, 2), x(2, 4, 2)),
      run("concat_axis1_mask_all", () -> new Concatenate(1), List.of(M0, M2), x(2, 3, 2), x(2, 3, 2)),
      run("dot_masked", () -> new Dot(2), List.of(M0, M1), x(2, 3, 4), x(2, 3, 4)));

  private static ShapeCase shapes(String id, Supplier<Merge<?>> layer, long[]... shapes) {
    return new ShapeCase(id, () -> layer.get().name(id), List.of(shapes));
  }

  private static long[] s(long... dims) {
    return dims;
  }

  private static final long N = -1;

  private static final List<ShapeCase> SHAPE_CASES = List.of(
      shapes("add_unknown", Add::new, s(N, N, 4), s(N, 3, 4)),
      shapes("add_ones", Add::new, s(N, 3, 1), s(N, 1, 4)),
      shapes("add_rank", Add::new, s(N, 4), s(N, 3, 4), s(N, 2, 1, 4)),
      shapes("add_scalar_samples", Add::new, s(N), s(N, 3)),
      shapes("add_one_vs_unknown", Average::new, s(N, 1), s(N, N)),
      shapes("add_mismatch", Add::new, s(N, 3), s(N, 4)),
      shapes("add_mismatch_inner", Maximum::new, s(N, 2, 3), s(N, 3, 3)),
      shapes("add_batch_sizes", Add::new, s(2, 3), s(5, 3)),
      shapes("add_batch_known", Multiply::new, s(2, 3), s(N, 3)),
      shapes("subtract_three", Subtract::new, s(N, 3), s(N, 3), s(N, 3)),
      shapes("concat_unknown", Concatenate::new, s(N, N, 3), s(N, 4, 5)),
      shapes("concat_axis1_unknown", () -> new Concatenate(1), s(N, 2, 3), s(N, N, 3)),
      shapes("concat_mismatch", Concatenate::new, s(N, 2, 3), s(N, 4, 5)),
      shapes("concat_ranks", Concatenate::new, s(N, 2, 3), s(N, 5)),
      shapes("concat_batch_sizes", () -> new Concatenate(1), s(2, 3), s(4, 3)),
      shapes("concat_batch_axis", () -> new Concatenate(0), s(N, 3), s(N, 3)),
      shapes("dot_none_vs_known", () -> new Dot(-1), s(N, N), s(N, 3)),
      shapes("dot_none_none", () -> new Dot(1), s(N, N), s(N, N)),
      shapes("dot_mismatch", () -> new Dot(2), s(N, 3, 4), s(N, 3, 5)),
      shapes("dot_unknown_time", () -> new Dot(2, 2), s(N, N, 4), s(N, 5, 4)),
      shapes("dot_three", () -> new Dot(1), s(N, 3), s(N, 3), s(N, 3)));

  private static JsonNode oracle;

  /** Keras's answers for every run and shape case, from one Python run. */
  private static synchronized JsonNode oracle() throws Exception {
    if (oracle == null) {
      KerasPython.python();
      Path dir = KerasPython.work("merge");
      ObjectNode cases = JSON.createObjectNode();
      ArrayNode runs = cases.putArray("runs");
      for (Run r : RUNS) {
        ObjectNode o = runs.addObject();
        o.put("id", r.id());
        o.set("layer", builtAndSerialized(r.layer().get(), r.inputs()));
        ArrayNode in = o.putArray("inputs");
        for (FloatArray a : r.inputs()) in.add(arrayJson(a));
        ArrayNode ms = o.putArray("masks");
        for (int i = 0; i < r.inputs().size(); i++) {
          boolean[][] m = r.masks() == null ? null : r.masks().get(i);
          if (m == null) {
            ms.addNull();
            continue;
          }
          ObjectNode mj = ms.addObject();
          mj.putArray("shape").add(m.length).add(m[0].length);
          ArrayNode d = mj.putArray("data");
          for (boolean[] row : m) for (boolean b : row) d.add(b);
        }
      }
      ArrayNode sc = cases.putArray("shapes");
      for (ShapeCase c : SHAPE_CASES) {
        ObjectNode o = sc.addObject();
        o.put("id", c.id());
        o.set("layer", JSON.valueToTree(LayerRegistry.serialize(c.layer().get())));
        ArrayNode ss = o.putArray("shapes");
        for (long[] s : c.shapes()) ss.add(shapeJson(s));
      }
      Path in = dir.resolve("cases.json");
      Path out = dir.resolve("results.json");
      JSON.writeValue(in.toFile(), cases);
      KerasPython.run("merge_reference.py", in.toString(), out.toString());
      oracle = JSON.readTree(out.toFile());
    }
    return oracle;
  }

  /** The layer as a .keras file holds it, built_config included, after building it for the inputs' shapes. */
  private static JsonNode builtAndSerialized(Merge<?> layer, List<FloatArray> inputs) {
    try (ModelRuntime rt = new ModelRuntime()) {
      List<long[]> shapes = new ArrayList<>();
      for (FloatArray a : inputs) shapes.add(noneBatch(a.shape()));
      layer.build(rt, shapes);
    }
    return JSON.valueToTree(LayerRegistry.serialize(layer));
  }

  private static ObjectNode arrayJson(FloatArray a) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode s = o.putArray("shape");
    for (long d : a.shape()) s.add(d);
    ArrayNode d = o.putArray("data");
    for (float v : a.data()) d.add((double) v);
    return o;
  }

  private static ArrayNode shapeJson(long[] shape) {
    ArrayNode a = JSON.createArrayNode();
    for (long d : shape) {
      if (d < 0) a.addNull();
      else a.add(d);
    }
    return a;
  }

  private static long[] shapeOf(JsonNode a) {
    long[] s = new long[a.size()];
    for (int i = 0; i < s.length; i++) s[i] = a.get(i).isNull() ? -1 : a.get(i).asLong();
    return s;
  }

  private static long[] noneBatch(long[] shape) {
    long[] s = shape.clone();
    s[0] = -1;
    return s;
  }

  /** What jkeras computes for one run: the output and its mask (null when none). */
  private record Outcome(FloatArray output, long[] maskShape, boolean[] mask) {}

  private static Operand<TFloat32> constant(Ops tf, FloatArray a) {
    return tf.constant(Shape.of(a.shape()), DataBuffers.of(a.data(), true, false));
  }

  private static Operand<TBool> maskConstant(Ops tf, boolean[][] m) {
    boolean[] flat = new boolean[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
    return tf.constant(Shape.of(m.length, m[0].length), DataBuffers.of(flat, true, false));
  }

  private static List<Operand<TBool>> maskConstants(Ops tf, List<boolean[][]> masks, int n) {
    List<Operand<TBool>> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean[][] m = masks == null ? null : masks.get(i);
      ms.add(m == null ? null : maskConstant(tf, m));
    }
    return ms;
  }

  /** Builds {@code layer} for the inputs' shapes (batch unknown) in a fresh runtime and runs it on them. */
  private static Outcome runJava(Merge<?> layer, List<FloatArray> inputs, List<boolean[][]> masks) {
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      List<long[]> shapes = new ArrayList<>();
      for (FloatArray a : inputs) shapes.add(noneBatch(a.shape()));
      layer.build(rt, shapes);
      CallContext ctx = new CallContext(rt, tf, false);
      List<Operand<TFloat32>> in = new ArrayList<>();
      for (FloatArray a : inputs) in.add(constant(tf, a));
      List<Operand<TBool>> ms = maskConstants(tf, masks, inputs.size());
      Operand<TFloat32> y = layer.apply(ctx, in, ms).get(0);
      Operand<TBool> m = layer.computeMasks(ctx, in, ms).get(0);
      Session.Runner r = rt.session().runner().fetch(y);
      if (m != null) r.fetch(m);
      try (Result res = r.run()) {
        FloatArray out = FloatArray.fromTensor((TFloat32) res.get(0));
        if (m == null) return new Outcome(out, null, null);
        TBool t = (TBool) res.get(1);
        boolean[] mv = new boolean[(int) t.size()];
        t.copyTo(DataBuffers.of(mv, false, false));
        return new Outcome(out, t.shape().asArray(), mv);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> outputsMasksShapesAndConfigsMatchKeras() throws Exception {
    JsonNode results = oracle().get("runs");
    return RUNS.stream().map(r -> DynamicTest.dynamicTest(r.id(), () -> {
      JsonNode k = results.get(r.id());
      Merge<?> layer = r.layer().get();
      // get_config, key for key (Keras's dtype policy object included)
      assertEquals(k.get("config"), JSON.valueToTree(layer.getConfig()), r.id() + ": get_config");
      // the declared output shape, batch unknown
      List<long[]> none = new ArrayList<>();
      for (FloatArray a : r.inputs()) none.add(noneBatch(a.shape()));
      assertArrayEquals(shapeOf(k.get("output_shape")), layer.computeOutputShapes(none).get(0),
          r.id() + ": compute_output_shape");
      Outcome o = runJava(layer, r.inputs(), r.masks());
      long[] kShape = shapeOf(k.at("/output/shape"));
      assertArrayEquals(kShape, o.output().shape(), r.id() + ": output shape");
      JsonNode kd = k.at("/output/data");
      float[] d = o.output().data();
      assertEquals(kd.size(), d.length);
      for (int i = 0; i < d.length; i++) {
        double want = kd.get(i).asDouble();
        assertTrue(Math.abs(want - d[i]) <= 1e-6, r.id() + " output[" + i + "]: keras " + want + ", jkeras " + d[i]);
      }
      JsonNode km = k.get("mask");
      if (km.isNull()) {
        assertNull(o.mask(), r.id() + ": Keras gives no mask");
      } else {
        assertTrue(o.mask() != null, r.id() + ": Keras gives a mask, jkeras none");
        assertArrayEquals(shapeOf(km.get("shape")), o.maskShape(), r.id() + ": mask shape");
        boolean[] want = new boolean[km.get("data").size()];
        for (int i = 0; i < want.length; i++) want[i] = km.get("data").get(i).asBoolean();
        assertArrayEquals(want, o.mask(), r.id() + ": mask");
      }
    }));
  }

  /** Keras's own config reads back through the registry into the same config. */
  @TestFactory
  Stream<DynamicTest> kerasConfigsLoadThroughTheRegistry() throws Exception {
    JsonNode results = oracle().get("runs");
    return RUNS.stream().map(r -> DynamicTest.dynamicTest(r.id(), () -> {
      JsonNode kc = results.get(r.id()).get("config");
      ObjectNode ser = JSON.createObjectNode();
      ser.put("class_name", r.layer().get().className());
      ser.set("config", kc);
      Layer<?> l = LayerRegistry.deserialize(ser, "layers[0]", 3);
      assertEquals(kc, JSON.valueToTree(l.getConfig()));
    }));
  }

  @TestFactory
  Stream<DynamicTest> symbolicShapesAcceptedAndRefusedAsKerasDoes() throws Exception {
    JsonNode results = oracle().get("shapes");
    return SHAPE_CASES.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
      JsonNode k = results.get(c.id());
      Merge<?> layer = c.layer().get();
      if (k.has("error")) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.computeOutputShapes(c.shapes()),
            c.id() + ": Keras refuses (" + k.get("error").asText() + ")");
        assertTrue(e.getMessage().contains(c.id()), "the error names the layer: " + e.getMessage());
      } else {
        assertArrayEquals(shapeOf(k.get("shape")), layer.computeOutputShapes(c.shapes()).get(0), c.id());
        // and the same through a symbolic call on Inputs
        KerasTensor[] ins = c.shapes().stream().map(s -> InputLayer.withBatchShape(s).output())
            .toArray(KerasTensor[]::new);
        assertArrayEquals(shapeOf(k.get("shape")), c.layer().get().apply(ins).shape(), c.id() + " (symbolic)");
      }
    }));
  }

  // ----- errors Java gives before TensorFlow sees anything -----

  @Test
  void oneInputIsRefusedNamingTheLayer() {
    long[] s = {-1, 3};
    for (Merge<?> m : List.of(new Add(), new Multiply(), new Concatenate(), new Average(), new Maximum(), new Minimum())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.computeOutputShape(s));
      assertTrue(e.getMessage().startsWith(m.className() + " needs a list of at least 2 inputs"), e.getMessage());
      assertTrue(e.getMessage().contains(m.name()), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.computeOutputShapes(List.<long[]>of(s)));
    }
    for (Merge<?> m : List.of(new Subtract(), new Dot(1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.computeOutputShapes(List.<long[]>of(s)));
      assertTrue(e.getMessage().startsWith(m.className() + " needs a list of exactly 2 inputs"), e.getMessage());
    }
    Add add = new Add();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add.apply(Input.of(3)));
    assertTrue(e.getMessage().contains("Add needs a list of at least 2 inputs"), e.getMessage());
    try (ModelRuntime rt = new ModelRuntime()) {
      assertThrows(IllegalArgumentException.class, () -> new Add().build(rt, s));
      Ops tf = rt.tf();
      Operand<TFloat32> c = tf.constant(new float[][] {{1, 2, 3}});
      CallContext ctx = new CallContext(rt, tf, false);
      assertThrows(IllegalArgumentException.class, () -> new Add().apply(ctx, c, null));
      assertThrows(IllegalArgumentException.class, () -> new Add().apply(ctx, List.of(c), Arrays.asList((Operand<TBool>) null)));
    }
  }

  @Test
  void mismatchedShapesAreRefusedNamingLayerAndShapes() {
    Add add = new Add().name("residual");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> add.apply(Input.of(5, 3), Input.of(5, 4)));
    assertTrue(e.getMessage().contains("residual") && e.getMessage().contains("(None, 5, 3)")
        && e.getMessage().contains("(None, 5, 4)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(0).computeOutputShapes(List.of(s(N, 3), s(N, 3))));
    assertTrue(e.getMessage().contains("batch axis"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(2).computeOutputShapes(List.of(s(N, 3), s(N, 3))));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Dot(1).computeOutputShapes(List.of(s(N), s(N))));
    assertTrue(e.getMessage().contains("rank 2 or more"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Concatenate(3).computeOutputShapes(List.of(s(N, 3), s(N, 3))));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
  }

  @Test
  void symbolicCallRecordsOneNodeWithTheListOfInputs() {
    KerasTensor a = Input.of(4);
    KerasTensor b = Input.of(4);
    Concatenate c = new Concatenate();
    KerasTensor y = c.apply(a, b);
    assertArrayEquals(new long[] {-1, 8}, y.shape());
    Node n = c.inboundNodes().get(0);
    assertEquals(List.of(List.of(a, b)), n.args());
    assertEquals(List.of(a, b), n.inputs());
  }

  @Test
  void dotAxesReadFromEveryConfigForm() {
    ObjectNode tuple = JSON.createObjectNode();
    tuple.put("class_name", "__tuple__");
    tuple.putArray("items").add(1).add(2);
    for (JsonNode axes : List.<JsonNode>of(JSON.valueToTree(-1), JSON.valueToTree(List.of(1, 2)), tuple)) {
      ObjectNode cfg = JSON.createObjectNode();
      cfg.put("name", "d");
      cfg.set("axes", axes);
      ObjectNode ser = JSON.createObjectNode();
      ser.put("class_name", "Dot");
      ser.set("config", cfg);
      Dot d = (Dot) LayerRegistry.deserialize(ser, "layers[1]", 3);
      assertEquals(axes.isObject() ? axes.get("items") : axes, JSON.valueToTree(d.getConfig().get("axes")));
      assertEquals(false, d.getConfig().get("normalize"));
    }
  }

  // ----- gradients -----

  /**
   * Central finite differences of {@code sum(w * layer(inputs))} in every input entry against
   * TensorFlow's symbolic gradient of the same graph. The inputs are placeholders of
   * {@code declared} shapes (-1 for unknown dimensions), fed {@code inputs}.
   */
  private static void gradientCheck(Merge<?> layer, List<long[]> declared, List<FloatArray> inputs, List<boolean[][]> masks) {
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      layer.build(rt, declared);
      List<Placeholder<TFloat32>> ps = new ArrayList<>();
      for (long[] s : declared) ps.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(s))));
      List<Operand<TFloat32>> in = new ArrayList<>(ps);
      List<Operand<TBool>> ms = maskConstants(tf, masks, in.size());
      Operand<TFloat32> y = layer.apply(new CallContext(rt, tf, false), in, ms).get(0);
      List<long[]> concrete = new ArrayList<>();
      for (FloatArray a : inputs) concrete.add(a.shape());
      long[] outShape = layer.computeOutputShapes(concrete).get(0);
      Operand<TFloat32> w = constant(tf, x(outShape));
      int[] all = new int[outShape.length];
      for (int i = 0; i < all.length; i++) all[i] = i;
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(y, w), tf.constant(all));
      Output<?>[] wrt = new Output<?>[ps.size()];
      for (int i = 0; i < wrt.length; i++) wrt[i] = ps.get(i).asOutput();
      Output<?>[] grads = rt.graph().addGradients(loss.asOutput(), wrt);
      List<Operand<?>> gradOps = new ArrayList<>();
      for (Output<?> o : grads) gradOps.add(o);
      List<FloatArray> g = runFed(rt, ps, inputs, gradOps);
      double eps = 1e-2;
      double largest = 0;
      for (int i = 0; i < inputs.size(); i++) {
        for (int j = 0; j < inputs.get(i).data().length; j++) {
          double fd = (lossAt(rt, ps, inputs, i, j, eps, loss) - lossAt(rt, ps, inputs, i, j, -eps, loss)) / (2 * eps);
          double gr = g.get(i).data()[j];
          double tol = 2e-3 + 2e-2 * Math.max(Math.abs(fd), Math.abs(gr));
          assertTrue(Math.abs(fd - gr) <= tol,
              layer + " input " + i + "[" + j + "]: finite difference " + fd + " vs graph gradient " + gr);
          largest = Math.max(largest, Math.abs(fd));
        }
      }
      assertTrue(largest > 0.1, layer + ": gradients too small to test: " + largest);
    }
  }

  /** Runs {@code fetches} with {@code inputs} fed to {@code ps}; returns the fetched values. */
  static List<FloatArray> runFed(ModelRuntime rt, List<Placeholder<TFloat32>> ps, List<FloatArray> inputs,
      List<? extends Operand<?>> fetches) {
    List<TFloat32> fed = new ArrayList<>();
    try {
      Session.Runner r = rt.session().runner();
      for (int i = 0; i < ps.size(); i++) {
        FloatArray a = inputs.get(i);
        TFloat32 t = TFloat32.tensorOf(Shape.of(a.shape()), DataBuffers.of(a.data(), true, false));
        fed.add(t);
        r.feed(ps.get(i), t);
      }
      for (Operand<?> f : fetches) r.fetch(f);
      try (Result res = r.run()) {
        List<FloatArray> out = new ArrayList<>();
        for (int i = 0; i < fetches.size(); i++) out.add(FloatArray.fromTensor((TFloat32) res.get(i)));
        return out;
      }
    } finally {
      fed.forEach(TFloat32::close);
    }
  }

  static double lossAt(ModelRuntime rt, List<Placeholder<TFloat32>> ps, List<FloatArray> inputs, int i, int j,
      double delta, Operand<TFloat32> loss) {
    List<FloatArray> moved = new ArrayList<>(inputs);
    float[] d = inputs.get(i).data().clone();
    d[j] += (float) delta;
    moved.set(i, new FloatArray(d, inputs.get(i).shape()));
    return runFed(rt, ps, moved, List.of(loss)).get(0).data()[0];
  }

  @Test
  void gradientThroughAddMatchesFiniteDifferences() {
    gradientCheck(new Add(), List.of(s(N, 3, 4), s(N, 4), s(N, 1, 4)), List.of(x(2, 3, 4), x(2, 4), x(2, 1, 4)), null);
  }

  @Test
  void gradientThroughConcatenateMatchesFiniteDifferences() {
    gradientCheck(new Concatenate(), List.of(s(N, 3, 2), s(N, 3, 4)), List.of(x(2, 3, 2), x(2, 3, 4)), null);
    // along an axis of unknown size
    gradientCheck(new Concatenate(1), List.of(s(N, N, 2), s(N, N, 2)), List.of(x(2, 3, 2), x(2, 1, 2)), null);
  }

  @Test
  void gradientThroughDotMatchesFiniteDifferences() {
    gradientCheck(new Dot(2), List.of(s(N, N, 4), s(N, 5, 4)), List.of(x(2, 3, 4), x(2, 5, 4)), null);
    gradientCheck(new Dot(1), List.of(s(N, 4), s(N, 4)), List.of(x(2, 4), x(2, 4)), null);
    gradientCheck(new Dot(1, 1).normalize(true), List.of(s(N, 3, 2), s(N, 3, 4)), List.of(x(2, 3, 2), x(2, 3, 4)), null);
  }

  @Test
  void gradientThroughMaskedMaximumMatchesFiniteDifferences() {
    gradientCheck(new Maximum(), List.of(s(N, 3, 4), s(N, 3, 4)), List.of(x(2, 3, 4), x(2, 3, 4)), List.of(M0, M1));
  }

  // ----- a merge in the declared shapes it leaves downstream -----

  @Test
  void unknownDimensionsFlowThroughAtRunTime() {
    Map<String, long[]> got = new LinkedHashMap<>();
    try (ModelRuntime rt = new ModelRuntime()) {
      Ops tf = rt.tf();
      Dot dot = new Dot(2, 2);
      List<long[]> declared = List.of(s(N, N, 4), s(N, 5, 4));
      dot.build(rt, declared);
      Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(declared.get(0))));
      Placeholder<TFloat32> b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(declared.get(1))));
      Operand<TFloat32> y = dot.apply(new CallContext(rt, tf, false), List.of(a, b), null).get(0);
      // TensorFlow still knows the static dims the output shape declares (Dense downstream needs the last one).
      got.put("static", y.shape().asArray());
      got.put("run", runFed(rt, List.of(a, b), List.of(x(3, 7, 4), x(3, 5, 4)), List.of(y)).get(0).shape());
    }
    assertArrayEquals(s(N, N, 5), got.get("static"));
    assertArrayEquals(s(3, 7, 5), got.get("run"));
  }
}
