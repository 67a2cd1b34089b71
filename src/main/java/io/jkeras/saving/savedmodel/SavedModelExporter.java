package io.jkeras.saving.savedmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import io.jkeras.Keras;
import io.jkeras.backend.CallContext;
import io.jkeras.backend.ModelRuntime;
import io.jkeras.backend.Weight;
import io.jkeras.config.KerasObjects;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.Layer;
import io.jkeras.layers.Preprocessing;
import io.jkeras.models.ExportOptions;
import io.jkeras.models.Functional;
import io.jkeras.models.Model;
import io.jkeras.models.Sequential;
import io.jkeras.saving.keras.KerasJson;
import io.jkeras.utils.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.OpList;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.VariableDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Writes a jkeras model as a TensorFlow SavedModel that TensorFlow's own loaders read: the C++
 * loader behind TensorFlow Serving and TensorFlow Java's {@code SavedModelBundle}, and Python's
 * {@code tf.saved_model.load} and {@code keras.layers.TFSMLayer}, which use it as they use Keras
 * 3's {@code model.export()} artifacts:
 *
 * <pre>
 * import tensorflow as tf
 * y = tf.saved_model.load("my_model").serve(x)
 * y = tf.saved_model.load("my_model").signatures["serving_default"](input_1=tf.constant(x))["dense"]
 * </pre>
 *
 * <p>What is written:
 * <ul>
 *   <li>{@code saved_model.pb}: one MetaGraph tagged {@code "serve"} with two halves. The TF1
 *       half, for the C++ loader: the inference graph (the forward pass from one placeholder
 *       per model input, of that input's dtype, with an unknown batch dimension), the
 *       variables as resource variables named by their Keras paths ({@code dense/kernel}),
 *       the save/restore ops and their {@code SaverDef} (checkpoint format V2), the
 *       {@code variables}/{@code trainable_variables} collections, and the signatures
 *       {@code serving_default} and {@code serve} (method {@code tensorflow/serving/predict})
 *       with one input per model input, keyed by its name ({@link Model#inputNames()}: the
 *       {@code Input}'s name, as Keras 3 keys them), and one output per model output, keyed by
 *       the output layer's name ({@link Model#outputNames()}), or, with
 *       {@link ExportOptions#keras3Names}, {@code output_0}, {@code output_1}, ... as Keras 3's
 *       {@code model.export()} keys them. The TF2 half, for Python
 *       ({@link SavedModelObjectGraph}): the forward pass as functions in the graph's library
 *       and an object graph with a {@code serve} function (one tensor in and out, or lists of
 *       them, as on Keras 3's exports) and the same two signatures;</li>
 *   <li>{@code variables/variables.index} and {@code variables.data-00000-of-00001}: the
 *       weights' current values in TensorFlow's standard checkpoint format, keyed by Keras path
 *       plus TF2's suffix ({@code dense/kernel/.ATTRIBUTES/VARIABLE_VALUE}), with the object
 *       graph TF2 restores by;</li>
 *   <li>{@code assets/keras_model.json}: the model's Keras 3 JSON config as
 *       {@code model.to_json()} writes it ({@link KerasJson#write}, a Sequential or Functional
 *       config), for {@code keras.models.model_from_json} and for
 *       {@link SavedModelImport#loadTrainableModel}. TensorFlow's loaders ignore it (it is not
 *       registered as an asset of the graph).</li>
 * </ul>
 * Training state (optimizer slots, metrics) is not exported. A stateful model is exported as
 * Keras exports one: with its fixed batch size, its RNN states as non-trainable variables (saved
 * at their current values, which is where a reload starts), and a serving function that
 * advances them on every call, so that successive calls continue the sequence as successive
 * {@code predict} calls do. There is no reset signature: a server that needs fresh state
 * reloads the model.
 */
public final class SavedModelExporter {
  public static final String TAG = "serve";
  public static final String SIGNATURE = "serving_default";
  /** The endpoint Keras 3's {@code model.export()} registers; also written as a signature. */
  public static final String SERVE = "serve";
  public static final String METHOD_PREDICT = "tensorflow/serving/predict";
  /** The model's Keras 3 JSON config ({@code model.to_json()}) in {@code assets/}. */
  public static final String CONFIG_ASSET = "keras_model.json";

  private static final String VARIABLE_VALUE_SUFFIX = "/Read/ReadVariableOp";
  private static final Map<ModelRuntime, Map<String, Forward>> BUILT = new WeakHashMap<>();

  private SavedModelExporter() {}

  /** The forward pass built once per model and input shapes in the model's graph. */
  private static final class Forward {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
  }

  /** A model's whole forward pass: every input to every output, in the model's order. */
  private interface ForwardAll extends BiFunction<CallContext, List<Operand<TFloat32>>, List<Operand<TFloat32>>> {}

  /**
   * Exports {@code model} (building it first if its input shape is declared) to {@code dir}:
   * Keras 3's {@code model.export(dir)} for any model, one named signature input per model
   * input and one named output per model output. An existing SavedModel in {@code dir} is
   * replaced; any other non-empty directory is refused.
   */
  public static void export(Model model, Path dir, ExportOptions options) throws IOException {
    if (model == null || dir == null || options == null) throw new IllegalArgumentException("model, dir and options are needed");
    exportAll(model, model.forwardAllFunction()::apply, dir, options);
  }

  /**
   * Exports a model of one input and one output with {@code forward} as its forward pass
   * ({@code Model.export} passes the model's own; see {@link #export(Model, Path, ExportOptions)}).
   */
  public static void export(Model model, BiFunction<CallContext, Operand<TFloat32>, Operand<TFloat32>> forward, Path dir)
      throws IOException {
    export(model, forward, dir, new ExportOptions());
  }

  public static void export(Model model, BiFunction<CallContext, Operand<TFloat32>, Operand<TFloat32>> forward, Path dir,
      ExportOptions options) throws IOException {
    if (model == null || forward == null || dir == null || options == null) {
      throw new IllegalArgumentException("model, forward, dir and options are needed");
    }
    if (model.inputCount() != 1 || model.outputCount() != 1) {
      throw new IllegalArgumentException("model " + model.name() + " has " + model.inputCount() + " inputs and "
          + model.outputCount() + " outputs: export it with export(model, dir, options)");
    }
    exportAll(model, (ctx, in) -> List.of(forward.apply(ctx, in.get(0))), dir, options);
  }

  private static void exportAll(Model model, ForwardAll forward, Path dir, ExportOptions options) throws IOException {
    if (model == null || forward == null || dir == null || options == null) {
      throw new IllegalArgumentException("model, forward, dir and options are needed");
    }
    List<Layer<?>> layers = model.layers();
    if (layers.isEmpty()) throw new IllegalStateException("model " + model.name() + " has no layers to export");
    boolean stateful = layers.stream().anyMatch(Layer::isStateful);
    List<long[]> declared = model.inputSpecs();
    List<String> inputKeys = model.inputNames();
    for (int i = 0; i < declared.size(); i++) {
      if (declared.get(i) == null) {
        throw new IllegalStateException("model " + model.name() + " has no known input shape"
            + (declared.size() > 1 ? " for input " + inputKeys.get(i) : "") + ": give its first layer an"
            + " inputShape, or build/fit/predict it before exporting");
      }
    }
    if (!model.isBuilt()) model.build(declared.get(0));
    List<long[]> specs = new ArrayList<>();
    for (int i = 0; i < declared.size(); i++) {
      long[] spec = declared.get(i).clone();
      // A preprocessing layer (TextVectorization...) runs in Java: the signature takes its output.
      if (model.firstLayerOf(i) instanceof Preprocessing p) spec = model.firstLayerOf(i).computeOutputShape(spec);
      // A stateful model keeps its fixed batch size: its states are (batch, units) variables.
      if (!stateful) spec[0] = -1;
      specs.add(spec);
    }
    List<long[]> outSpecs = model.computeOutputShapes(specs);
    for (long[] o : outSpecs) o[0] = specs.get(0)[0];

    List<String> outputKeys = outputKeys(model, options, inputKeys);
    List<DataType> inputTypes = new ArrayList<>();
    for (String dtype : inputDtypes(model)) inputTypes.add(dataType(dtype));
    if (!Files.exists(dir)) AtomicFiles.recover(dir);
    checkDir(dir);

    ModelRuntime rt = model.runtime();
    if (rt.isClosed()) throw new IllegalStateException("model " + model.name() + " has been closed");
    Forward f = forward(rt, forward, specs, inputTypes);
    GraphDef full = rt.graph().toGraphDef();

    // Keras paths of the model's weights, by variable op name.
    Map<String, Weight> weightsByOp = new HashMap<>();
    for (Weight w : rt.weights()) weightsByOp.put(w.variable().op().name(), w);

    Export e = prune(full, f, weightsByOp, inputKeys, outputKeys, model.name());
    GraphDef graphDef = e.graph.build();
    try (Graph check = new Graph()) {
      check.importGraphDef(graphDef);
    } catch (IllegalArgumentException ex) {
      throw new IllegalStateException("internal error: the export graph of model " + model.name()
          + " does not import into TensorFlow: " + ex.getMessage(), ex);
    }

    // The TF2 half for Python's tf.saved_model.load: a serve() method and TF2 signatures.
    List<SavedModelObjectGraph.Variable> tf2Vars = new ArrayList<>();
    for (Var v : e.vars) {
      Weight w = weightsByOp.get(v.op);
      tf2Vars.add(new SavedModelObjectGraph.Variable(v.name, checkpointKey(v.name), w != null ? w.path() : v.name, v.shape,
          v.trainable));
    }
    List<SavedModelObjectGraph.Tensor> tf2Inputs = new ArrayList<>();
    for (int i = 0; i < inputKeys.size(); i++) {
      tf2Inputs.add(new SavedModelObjectGraph.Tensor(e.inputNodes.get(i), inputKeys.get(i), inputTypes.get(i), specs.get(i)));
    }
    List<SavedModelObjectGraph.Tensor> tf2Outputs = new ArrayList<>();
    for (int i = 0; i < outputKeys.size(); i++) {
      tf2Outputs.add(new SavedModelObjectGraph.Tensor(e.outputNodes.get(i), outputKeys.get(i), DataType.DT_FLOAT, outSpecs.get(i)));
    }
    SavedModelObjectGraph.Parts tf2 = SavedModelObjectGraph.build(graphDef, tf2Vars, tf2Inputs, tf2Outputs);
    graphDef = graphDef.toBuilder().setLibrary(graphDef.getLibrary().toBuilder().addAllFunction(tf2.functions())).build();

    MetaGraphDef.Builder mg = MetaGraphDef.newBuilder();
    mg.getMetaInfoDefBuilder()
        .addTags(TAG)
        .setTensorflowVersion(TensorFlow.version())
        .setTensorflowGitVersion("unknown")
        .setStrippedOpList(strippedOps(graphDef))
        .setStrippedDefaultAttrs(false);
    mg.setGraphDef(graphDef);
    mg.setObjectGraphDef(tf2.objectGraph());
    mg.setSaverDef(SaverDef.newBuilder()
        .setFilenameTensorName("save/filename:0")
        .setSaveTensorName("save/control_dependency:0")
        .setRestoreOpName("save/restore_all")
        .setMaxToKeep(5)
        .setSharded(false)
        .setKeepCheckpointEveryNHours(10000f)
        .setVersion(SaverDef.CheckpointFormatVersion.V2));
    CollectionDef.BytesList.Builder all = CollectionDef.BytesList.newBuilder();
    CollectionDef.BytesList.Builder trainable = CollectionDef.BytesList.newBuilder();
    for (Var v : e.vars) {
      ByteString def = VariableDef.newBuilder()
          .setVariableName(v.name + ":0")
          .setInitialValueName(v.name + "/Initializer/zeros:0")
          .setInitializerName(v.name + "/Assign")
          .setSnapshotName(v.name + VARIABLE_VALUE_SUFFIX + ":0")
          .setIsResource(true)
          .setTrainable(v.trainable)
          .build().toByteString();
      all.addValue(def);
      if (v.trainable) trainable.addValue(def);
    }
    if (!e.vars.isEmpty()) {
      mg.putCollectionDef("variables", CollectionDef.newBuilder().setBytesList(all).build());
      if (trainable.getValueCount() > 0) {
        mg.putCollectionDef("trainable_variables", CollectionDef.newBuilder().setBytesList(trainable).build());
      }
    }
    // "serve" as Keras 3 names its endpoint (TFSMLayer's default call_endpoint), and the
    // default signature TF Serving needs; both run the same forward pass.
    SignatureDef.Builder sig = SignatureDef.newBuilder().setMethodName(METHOD_PREDICT);
    for (int i = 0; i < inputKeys.size(); i++) {
      sig.putInputs(inputKeys.get(i), tensorInfo(e.inputNodes.get(i) + ":0", inputTypes.get(i), specs.get(i)));
    }
    for (int i = 0; i < outputKeys.size(); i++) {
      sig.putOutputs(outputKeys.get(i), tensorInfo(e.outputNodes.get(i) + ":0", DataType.DT_FLOAT, outSpecs.get(i)));
    }
    SignatureDef signature = sig.build();
    mg.putSignatureDef(SIGNATURE, signature);
    mg.putSignatureDef(SERVE, signature);
    org.tensorflow.proto.SavedModel saved = org.tensorflow.proto.SavedModel.newBuilder()
        .setSavedModelSchemaVersion(1)
        .addMetaGraphs(mg)
        .build();

    // Files: a complete new SavedModel is written beside dir and swapped in (AtomicFiles), so a
    // kill at any moment leaves the previous export or the new one, never saved_model.pb
    // without its checkpoint. Files of an existing dir that an export does not write (a jkeras
    // model directory's model.json, weights.npz, ...) are carried over.
    String config = configJson(model, inputKeys.get(0));
    AtomicFiles.replaceDirectory(dir, tmp -> {
      carryOver(dir, tmp);
      Path variables = Files.createDirectories(tmp.resolve("variables"));
      writeCheckpoint(rt, e.vars, tf2.checkpointGraph().toByteArray(), variables.resolve("variables"));
      Path assets = Files.createDirectories(tmp.resolve("assets"));
      Files.writeString(assets.resolve(CONFIG_ASSET), config);
      try (OutputStream out = Files.newOutputStream(tmp.resolve(SavedModelFiles.SAVED_MODEL_PB))) {
        saved.writeTo(out);
      }
    });
  }

  /** The entries an export writes; everything else in an existing SavedModel directory is kept. */
  private static final Set<String> EXPORT_ENTRIES = Set.of(SavedModelFiles.SAVED_MODEL_PB, "variables", "assets", "fingerprint.pb");

  /** Links (or copies) into {@code tmp} what {@code dir} holds besides an export's own entries. */
  private static void carryOver(Path dir, Path tmp) throws IOException {
    if (!Files.isDirectory(dir)) return;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (EXPORT_ENTRIES.contains(p.getFileName().toString())) continue;
        copyTree(p, tmp.resolve(p.getFileName().toString()));
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(to);
      try (DirectoryStream<Path> s = Files.newDirectoryStream(from)) {
        for (Path p : s) copyTree(p, to.resolve(p.getFileName().toString()));
      }
    } else if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
      try {
        // jkeras never rewrites a file in place, so the two names can share the data
        Files.createLink(to, from);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /**
   * The model's input name as Keras names it ({@link Sequential#inputName()}: the InputLayer's
   * name, else the name Keras 3 gives the InputLayer it creates, "input_layer"...).
   */
  public static String inputName(Model model) {
    if (model instanceof Sequential) return ((Sequential) model).inputName();
    return model.inputNames().get(0);
  }

  /**
   * The signatures' output keys: the output layers' names (jkeras's default, as Keras 2's
   * SavedModels named them), or with {@link ExportOptions#keras3Names} Keras 3's
   * {@code output_0}, {@code output_1}, ... in the model's output order. A key that an input
   * already has, or an earlier output (a layer that gives several outputs), gets a suffix.
   */
  public static List<String> outputKeys(Model model, ExportOptions options, List<String> inputKeys) {
    List<String> names = model.outputNames();
    List<String> keys = new ArrayList<>();
    Set<String> taken = new HashSet<>(inputKeys);
    for (int i = 0; i < names.size(); i++) {
      String key = options.keras3Names() ? "output_" + i : names.get(i);
      if (taken.contains(key)) key = key + "_output";
      String k = key;
      for (int j = 1; taken.contains(k); j++) k = key + "_" + j;
      taken.add(k);
      keys.add(k);
    }
    return keys;
  }

  /**
   * Each input's dtype ("float32", "int32", "int64"), in the model's input order. An input taken
   * by a preprocessing layer is fed that layer's output: int64 ids (int mode), else float32 rows.
   */
  private static List<String> inputDtypes(Model model) {
    List<String> r = new ArrayList<>();
    if (!(model instanceof Functional)) {
      r.add(model.inputDtype());
    } else {
      for (KerasTensor t : ((Functional) model).inputs()) r.add(t.dtype() == null ? "float32" : t.dtype());
    }
    for (int i = 0; i < r.size(); i++) {
      if (model.firstLayerOf(i) instanceof Preprocessing p) r.set(i, p.encodesIds() ? "int64" : "float32");
    }
    return r;
  }

  private static void checkDir(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    if (!Files.isDirectory(dir)) throw new IOException("cannot export to " + dir + ": it is a file");
    if (Files.exists(dir.resolve(SavedModelFiles.SAVED_MODEL_PB))) return;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      if (s.iterator().hasNext()) {
        throw new IOException("cannot export to " + dir + ": the directory is not empty and holds no SavedModel"
            + " (refusing to write into it)");
      }
    }
  }


  private static Forward forward(ModelRuntime rt, ForwardAll fn, List<long[]> specs, List<DataType> inputTypes) {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < specs.size(); i++) key.append(Arrays.toString(specs.get(i))).append(inputTypes.get(i));
    synchronized (BUILT) {
      Map<String, Forward> m = BUILT.computeIfAbsent(rt, k -> new HashMap<>());
      Forward f = m.get(key.toString());
      if (f != null) return f;
      Ops tf = rt.tf().withSubScope("export");
      f = new Forward();
      List<Operand<TFloat32>> xs = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        Shape shape = Shape.of(specs.get(i));
        // Integer inputs (token ids) are cast to float32, the dtype jkeras computes in; the
        // Embedding casts them back, exactly for ids below 2^24.
        Operand<?> x;
        Operand<TFloat32> xf;
        if (inputTypes.get(i) == DataType.DT_INT32) {
          Placeholder<TInt32> p = tf.placeholder(TInt32.class, Placeholder.shape(shape));
          x = p;
          xf = tf.dtypes.cast(p, TFloat32.class);
        } else if (inputTypes.get(i) == DataType.DT_INT64) {
          Placeholder<TInt64> p = tf.placeholder(TInt64.class, Placeholder.shape(shape));
          x = p;
          xf = tf.dtypes.cast(p, TFloat32.class);
        } else {
          Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
          x = p;
          xf = p;
        }
        f.inputs.add(x.op().name());
        xs.add(xf);
      }
      CallContext ctx = new CallContext(rt, rt.tf(), false);
      List<Operand<TFloat32>> ys = fn.apply(ctx, xs);
      // Stateful layers: the outputs wait for the state updates, so each serving call advances
      // the states as each predict call does in Keras.
      Ops out = ctx.stateUpdates().isEmpty() ? tf : tf.withControlDependencies(ctx.stateUpdates());
      for (Operand<TFloat32> y : ys) f.outputs.add(out.identity(y).op().name());
      m.put(key.toString(), f);
      return f;
    }
  }

  // ----- the export graph -----

  private static final class Var {
    String op;      // the variable op in the model's graph
    String name;    // its node name (= checkpoint key) in the export
    long[] shape;
    boolean trainable;
  }

  private static final class Export {
    final GraphDef.Builder graph = GraphDef.newBuilder();
    final List<Var> vars = new ArrayList<>();
    final List<String> inputNodes = new ArrayList<>();
    final List<String> outputNodes = new ArrayList<>();
  }

  private static final Set<String> REF_WRITERS = Set.of("Assign", "AssignAdd", "AssignSub", "ScatterUpdate", "ScatterAdd",
      "ScatterSub", "ScatterMul", "ScatterDiv", "ScatterNdUpdate", "ScatterNdAdd", "ScatterNdSub", "CountUpTo");

  /**
   * The nodes the output needs, with the ref variables turned into resource variables
   * (VarHandleOp + ReadVariableOp) named by Keras path, plus their initializers and the
   * save/restore ops.
   */
  private static Export prune(GraphDef full, Forward f, Map<String, Weight> weightsByOp, List<String> inputKeys,
      List<String> outputKeys, String modelName) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : full.getNodeList()) byName.put(n.getName(), n);
    Set<String> keep = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.addAll(f.outputs);
    // Every input stays a placeholder of the signature, even one no output needs.
    todo.addAll(f.inputs);
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (!keep.add(n)) continue;
      NodeDef node = byName.get(n);
      if (node == null) throw new IllegalStateException("internal error: node " + n + " missing from the graph");
      for (String in : node.getInputList()) todo.add(SavedModelFiles.opName(in));
    }
    List<NodeDef> kept = new ArrayList<>();
    for (NodeDef n : full.getNodeList()) if (keep.contains(n.getName())) kept.add(n);

    Export e = new Export();
    // New names: Keras paths for variables, the signature's names for input and output.
    Set<String> taken = new HashSet<>(keep);
    Map<String, String> rename = new HashMap<>();
    List<NodeDef> variables = new ArrayList<>();
    for (NodeDef n : kept) {
      if (n.getOp().equals("VariableV2")) {
        variables.add(n);
      } else if (n.getOp().equals("Placeholder") || n.getOp().equals("PlaceholderV2")) {
        if (!f.inputs.contains(n.getName())) {
          throw new IllegalStateException("model " + modelName + ": the forward pass depends on placeholder " + n.getName()
              + " besides the inputs; it cannot be exported");
        }
      } else if (n.getOp().equals("Assign") && isVariable(byName, n.getInput(0))) {
        // A state update (stateful RNN): becomes an AssignVariableOp on the exported variable.
        continue;
      } else if (REF_WRITERS.contains(n.getOp())) {
        throw new UnsupportedOperationException("model " + modelName + ": the forward pass writes a variable (" + n.getOp()
            + " " + n.getName() + "); it cannot be exported");
      }
    }
    variables.sort((a, b) -> a.getName().compareTo(b.getName()));
    for (NodeDef v : variables) {
      Weight w = weightsByOp.get(v.getName());
      Var var = new Var();
      var.op = v.getName();
      var.name = unique(sanitize(w != null ? w.path() : v.getName().replace('.', '/')), taken);
      var.shape = CheckpointReader.dims(v.getAttrOrThrow("shape").getShape());
      var.trainable = w != null && w.trainable(); // RNN states are variables but not weights
      DataType dt = v.getAttrOrThrow("dtype").getType();
      if (dt != DataType.DT_FLOAT) {
        throw new UnsupportedOperationException("variable " + v.getName() + " has dtype " + dt + "; only float32 is exported");
      }
      rename.put(v.getName(), var.name + VARIABLE_VALUE_SUFFIX);
      e.vars.add(var);
    }
    taken.removeAll(f.inputs);
    taken.removeAll(f.outputs);
    for (int i = 0; i < f.inputs.size(); i++) {
      e.inputNodes.add(unique(sanitize("serving_default_" + inputKeys.get(i)), taken));
      rename.put(f.inputs.get(i), e.inputNodes.get(i));
    }
    for (int i = 0; i < f.outputs.size(); i++) {
      e.outputNodes.add(unique(sanitize("serving_default_output_" + outputKeys.get(i)), taken));
      rename.put(f.outputs.get(i), e.outputNodes.get(i));
    }

    for (Var v : e.vars) {
      e.graph.addNode(node(v.name, "VarHandleOp")
          .putAttr("dtype", type(DataType.DT_FLOAT))
          .putAttr("shape", AttrValue.newBuilder().setShape(shape(v.shape)).build())
          .putAttr("container", string(""))
          .putAttr("shared_name", string(v.name))
          .putAttr("allowed_devices", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()).build()));
      e.graph.addNode(node(v.name + VARIABLE_VALUE_SUFFIX, "ReadVariableOp").addInput(v.name)
          .putAttr("dtype", type(DataType.DT_FLOAT)));
      e.graph.addNode(node(v.name + "/Initializer/zeros", "Const")
          .putAttr("dtype", type(DataType.DT_FLOAT))
          .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
              .setTensorShape(shape(v.shape)).addFloatVal(0f)).build()));
      e.graph.addNode(node(v.name + "/Assign", "AssignVariableOp").addInput(v.name).addInput(v.name + "/Initializer/zeros")
          .putAttr("dtype", type(DataType.DT_FLOAT)));
    }
    Map<String, String> handleOf = new HashMap<>();
    for (int i = 0; i < variables.size(); i++) handleOf.put(variables.get(i).getName(), e.vars.get(i).name);
    for (NodeDef n : kept) {
      if (n.getOp().equals("VariableV2")) continue;
      if (n.getOp().equals("Assign") && handleOf.containsKey(SavedModelFiles.opName(n.getInput(0)))) {
        NodeDef.Builder a = node(n.getName(), "AssignVariableOp").addInput(handleOf.get(SavedModelFiles.opName(n.getInput(0))))
            .putAttr("dtype", type(DataType.DT_FLOAT));
        for (int i = 1; i < n.getInputCount(); i++) {
          String in = n.getInput(i);
          String r = rename.get(SavedModelFiles.opName(in));
          a.addInput(r == null ? in : (in.startsWith("^") ? "^" + r : r));
        }
        e.graph.addNode(a);
        continue;
      }
      NodeDef.Builder b = n.toBuilder().setName(rename.getOrDefault(n.getName(), n.getName())).setDevice("").clearInput();
      b.removeAttr("_class");
      for (String in : n.getInputList()) {
        boolean control = in.startsWith("^");
        String op = SavedModelFiles.opName(in);
        String renamed = rename.get(op);
        if (renamed == null) {
          b.addInput(in);
        } else if (control) {
          b.addInput("^" + renamed);
        } else {
          int colon = in.lastIndexOf(':');
          String index = colon > 0 && in.substring(colon + 1).matches("\\d+") ? in.substring(colon) : "";
          b.addInput(renamed + (index.equals(":0") ? "" : index));
        }
      }
      e.graph.addNode(b);
    }
    addSaver(e);
    e.graph.setVersions(full.getVersions());
    if (full.hasLibrary() && full.getLibrary().getFunctionCount() > 0) e.graph.setLibrary(full.getLibrary());
    return e;
  }

  private static boolean isVariable(Map<String, NodeDef> byName, String input) {
    NodeDef d = byName.get(SavedModelFiles.opName(input));
    return d != null && d.getOp().equals("VariableV2");
  }

  /** TF1's Saver layout: save/filename, save/SaveV2, save/control_dependency, save/RestoreV2, save/restore_all. */
  private static void addSaver(Export e) {
    GraphDef.Builder g = e.graph;
    g.addNode(node("save/filename/input", "Const").putAttr("dtype", type(DataType.DT_STRING))
        .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder().setDtype(DataType.DT_STRING)
            .setTensorShape(TensorShapeProto.getDefaultInstance()).addStringVal(ByteString.copyFromUtf8("model"))).build()));
    g.addNode(node("save/filename", "PlaceholderWithDefault").addInput("save/filename/input")
        .putAttr("dtype", type(DataType.DT_STRING))
        .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.getDefaultInstance()).build()));
    if (e.vars.isEmpty()) {
      g.addNode(node("save/control_dependency", "Identity").addInput("save/filename").putAttr("T", type(DataType.DT_STRING)));
      g.addNode(node("save/restore_all", "NoOp"));
      return;
    }
    TensorProto.Builder names = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(new long[] {e.vars.size()}));
    TensorProto.Builder slices = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(new long[] {e.vars.size()}));
    AttrValue.ListValue.Builder dtypes = AttrValue.ListValue.newBuilder();
    for (Var v : e.vars) {
      names.addStringVal(ByteString.copyFromUtf8(checkpointKey(v.name)));
      slices.addStringVal(ByteString.EMPTY);
      dtypes.addType(DataType.DT_FLOAT);
    }
    for (String op : List.of("SaveV2", "RestoreV2")) {
      g.addNode(node("save/" + op + "/tensor_names", "Const").putAttr("dtype", type(DataType.DT_STRING))
          .putAttr("value", AttrValue.newBuilder().setTensor(names).build()));
      g.addNode(node("save/" + op + "/shape_and_slices", "Const").putAttr("dtype", type(DataType.DT_STRING))
          .putAttr("value", AttrValue.newBuilder().setTensor(slices).build()));
    }
    NodeDef.Builder save = node("save/SaveV2", "SaveV2").addInput("save/filename").addInput("save/SaveV2/tensor_names")
        .addInput("save/SaveV2/shape_and_slices").putAttr("dtypes", AttrValue.newBuilder().setList(dtypes).build());
    for (Var v : e.vars) save.addInput(v.name + VARIABLE_VALUE_SUFFIX);
    g.addNode(save);
    g.addNode(node("save/control_dependency", "Identity").addInput("save/filename").addInput("^save/SaveV2")
        .putAttr("T", type(DataType.DT_STRING)));
    g.addNode(node("save/RestoreV2", "RestoreV2").addInput("save/filename").addInput("save/RestoreV2/tensor_names")
        .addInput("save/RestoreV2/shape_and_slices").putAttr("dtypes", AttrValue.newBuilder().setList(dtypes).build()));
    NodeDef.Builder restoreAll = node("save/restore_all", "NoOp");
    for (int i = 0; i < e.vars.size(); i++) {
      Var v = e.vars.get(i);
      String assign = "save/AssignVariableOp" + (i == 0 ? "" : "_" + i);
      g.addNode(node(assign, "AssignVariableOp").addInput(v.name).addInput("save/RestoreV2" + (i == 0 ? "" : ":" + i))
          .putAttr("dtype", type(DataType.DT_FLOAT)));
      restoreAll.addInput("^" + assign);
    }
    g.addNode(restoreAll);
  }

  /** Writes the variables' current values with SaveV2 in a scratch graph, keyed by export name. */
  private static void writeCheckpoint(ModelRuntime rt, List<Var> vars, byte[] objectGraph, Path prefix) throws IOException {
    Session.Runner read = rt.session().runner();
    for (Var v : vars) read.fetch(v.op);
    try (Result values = vars.isEmpty() ? null : read.run(); Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      String[] names = new String[vars.size() + 1];
      String[] slices = new String[vars.size() + 1];
      List<Operand<?>> inputs = new ArrayList<>();
      for (int i = 0; i < vars.size(); i++) {
        names[i] = checkpointKey(vars.get(i).name);
        slices[i] = "";
        inputs.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(vars.get(i).shape))));
      }
      // The object graph TF2 loaders match the checkpoint's values by (SavedModelObjectGraph).
      names[vars.size()] = SavedModelObjectGraph.OBJECT_GRAPH_KEY;
      slices[vars.size()] = "";
      Placeholder<TString> graphValue = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      inputs.add(graphValue);
      var save = tf.train.save(tf.constant(prefix.toAbsolutePath().toString()), tf.constant(StdArrays.ndCopyOf(names)),
          tf.constant(StdArrays.ndCopyOf(slices)), inputs);
      try (TString graphTensor = TString.tensorOfBytes(NdArrays.scalarOfObject(objectGraph))) {
        Session.Runner r = s.runner().addTarget(save);
        for (int i = 0; i < vars.size(); i++) r.feed(inputs.get(i), (Tensor) values.get(i));
        r.feed(graphValue, graphTensor);
        r.run();
      }
    } catch (TensorFlowException ex) {
      throw new IOException("writing the checkpoint " + prefix + " failed: " + ex.getMessage(), ex);
    }
  }

  // ----- config asset -----

  private static String configJson(Model model, String inputKey) throws IOException {
    if (model instanceof Sequential) return KerasJson.write((Sequential) model);
    if (model instanceof Functional) return KerasJson.write(model);
    // Other models: each layer's getConfig(), in the same Keras 3 shape.
    List<Object> layers = new ArrayList<>();
    // The InputLayer as Keras 3 writes it (batch_shape, dtype, sparse, name).
    Map<String, Object> input = new LinkedHashMap<>();
    List<Object> batchShape = new ArrayList<>();
    long[] s = model.inputBatchShape() != null ? model.inputBatchShape() : model.layers().get(0).builtInputShape();
    for (long d : s) batchShape.add(d < 0 ? null : d);
    input.put("batch_shape", batchShape);
    input.put("dtype", model.inputDtype());
    input.put("sparse", false);
    input.put("name", inputKey);
    layers.add(KerasObjects.serialize("keras.layers", "InputLayer", input));
    for (Layer<?> l : model.layers()) layers.add(KerasObjects.serialize("keras.layers", l.className(), l.getConfig()));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", model.name());
    config.put("trainable", true);
    config.put("layers", layers);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("module", "keras");
    root.put("class_name", model.getClass().getSimpleName());
    root.put("config", config);
    root.put("registered_name", null);
    root.put("keras_version", Keras.KERAS_VERSION);
    root.put("backend", "tensorflow");
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException ex) {
      throw new IOException("cannot write the config of model " + model.name() + " as JSON: " + ex.getOriginalMessage(), ex);
    }
  }

  // ----- proto helpers -----

  private static NodeDef.Builder node(String name, String op) {
    return NodeDef.newBuilder().setName(name).setOp(op);
  }

  private static AttrValue type(DataType t) {
    return AttrValue.newBuilder().setType(t).build();
  }

  private static AttrValue string(String s) {
    return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(s)).build();
  }

  private static TensorShapeProto shape(long[] dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) b.addDimBuilder().setSize(d);
    return b.build();
  }

  private static TensorInfo tensorInfo(String name, DataType dtype, long[] dims) {
    return TensorInfo.newBuilder().setName(name).setDtype(dtype).setTensorShape(shape(dims)).build();
  }

  private static DataType dataType(String kerasDtype) {
    switch (kerasDtype) {
      case "float32": return DataType.DT_FLOAT;
      case "int32": return DataType.DT_INT32;
      case "int64": return DataType.DT_INT64;
      default: throw new IllegalArgumentException("cannot export an input of dtype " + kerasDtype);
    }
  }

  private static OpList strippedOps(GraphDef g) {
    Set<String> used = new TreeSet<>();
    for (NodeDef n : g.getNodeList()) used.add(n.getOp());
    for (var fn : g.getLibrary().getFunctionList()) for (NodeDef n : fn.getNodeDefList()) used.add(n.getOp());
    OpList.Builder b = OpList.newBuilder();
    for (OpDef op : TensorFlow.registeredOpList().getOpList()) if (used.contains(op.getName())) b.addOp(op);
    return b.build();
  }

  /**
   * A variable's checkpoint key: its export name (the Keras path) with the suffix TF2
   * checkpoints use ({@code dense/kernel/.ATTRIBUTES/VARIABLE_VALUE}), which Python's TF2 loader
   * requires; the TF1 saver reads the same key, so the checkpoint holds each value once.
   */
  static String checkpointKey(String exportName) {
    return exportName + KerasSavedModelReader.VARIABLE_VALUE_SUFFIX;
  }

  static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_.\\-/]", "_");
    if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) && s.charAt(0) != '.') s = "x" + s;
    return s;
  }

  private static String unique(String name, Set<String> taken) {
    String n = name;
    for (int i = 1; taken.contains(n) || taken.contains(n + VARIABLE_VALUE_SUFFIX); i++) n = name + "_" + i;
    taken.add(n);
    return n;
  }
}
