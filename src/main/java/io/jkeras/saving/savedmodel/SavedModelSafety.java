package io.jkeras.saving.savedmodel;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * SavedModel safe mode: refuses a graph that could touch the file system, start processes or
 * reach the network when TensorFlow loads or runs it. TensorFlow itself runs whatever ops a
 * SavedModel holds: its loader runs the graph's restore op and init op, and every signature call
 * runs the ops it depends on, so a {@code ReadFile}, {@code WriteFile}, {@code MatchingFiles},
 * {@code RestoreV2} of another path, {@code PrintV2} to a {@code file://} stream,
 * {@code ImmutableConst} (maps a file), a table initializer from a text file or a
 * {@code PyFunc} runs with the rights of the JVM.
 *
 * <p>The check reads {@code saved_model.pb} in Java before TensorFlow sees it. Every node of the
 * graph and of every function in its library (also functions named by call ops' function
 * attributes, a function's gradient, and op names used as functions) must be an op of
 * {@link #ALLOWED_OPS}: arithmetic, array, control-flow, variable and RNN ops that compute on
 * tensors only. Checkpoint ops ({@link #CHECKPOINT_OPS}) are allowed only where the loader needs
 * them: a restore op ({@code RestoreV2}, ...) reached from the SaverDef's restore op, whose
 * file prefix is the SaverDef's filename tensor (the loader feeds {@code variables/variables}
 * there), and save ops reached from the SaverDef's save tensor (the loader never runs them); and
 * neither may be reachable from a signature, the init op or a table initializer. Asset files
 * must be plain names inside {@code assets/}. The first problem found is reported with the op
 * and the node (and function) that holds it.
 */
public final class SavedModelSafety {
  /** Ops that compute on tensors only (no files, processes, network or Python). */
  public static final Set<String> ALLOWED_OPS = Set.of(
      // graph plumbing, variables and calls
      "Const", "Placeholder", "PlaceholderWithDefault", "Identity", "IdentityN", "NoOp", "StopGradient",
      "PreventGradient", "Snapshot", "EnsureShape", "CheckNumerics", "Assert", "Print",
      "VarHandleOp", "ReadVariableOp", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
      "VarIsInitializedOp", "DestroyResourceOp", "DisableCopyOnRead", "ResourceGather", "VariableV2", "Variable",
      "Assign", "AssignAdd", "AssignSub", "IsVariableInitialized",
      "PartitionedCall", "StatefulPartitionedCall", "While", "StatelessWhile", "If", "StatelessIf", "Case",
      "StatelessCase", "Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "ControlTrigger",
      "TensorListFromTensor", "TensorListGetItem", "TensorListReserve", "TensorListSetItem", "TensorListStack",
      "TensorListLength", "TensorListElementShape", "TensorListPushBack", "TensorListPopBack", "TensorListConcatV2",
      "TensorListSplit", "TensorListGather", "TensorListScatterIntoExistingList", "EmptyTensorList",
      "TensorArrayV3", "TensorArrayReadV3", "TensorArrayWriteV3", "TensorArrayGatherV3", "TensorArrayScatterV3",
      "TensorArraySizeV3", "TensorArrayCloseV3",
      // arithmetic
      "Add", "AddV2", "AddN", "Sub", "Mul", "Div", "DivNoNan", "RealDiv", "FloorDiv", "FloorMod", "Mod",
      "TruncateDiv", "Maximum", "Minimum", "Neg", "Abs", "Sign", "Square", "Sqrt", "Rsqrt", "Reciprocal", "Inv",
      "Exp", "Expm1", "Log", "Log1p", "Pow", "SquaredDifference", "Tanh", "Sigmoid", "Relu", "Relu6", "Elu",
      "Selu", "LeakyRelu", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Erf", "Erfc", "Sin", "Cos", "Tan",
      "Atan", "Atan2", "Asin", "Acos", "Sinh", "Cosh", "Floor", "Ceil", "Round", "Rint", "IsNan", "IsInf",
      "IsFinite", "ClipByValue", "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "BiasAdd", "Einsum",
      "Sum", "Mean", "Max", "Min", "Prod", "All", "Any", "ArgMax", "ArgMin", "Cumsum", "Cumprod", "Equal",
      "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalNot",
      "Select", "SelectV2", "Cast", "L2Loss", "SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
      // arrays
      "Shape", "ShapeN", "Size", "Rank", "Reshape", "ExpandDims", "Squeeze", "Transpose", "ConcatV2", "Concat",
      "ConcatOffset", "Split", "SplitV", "Slice", "StridedSlice", "StridedSliceGrad", "Pack", "Unpack", "Tile",
      "Fill", "ZerosLike", "OnesLike", "Range", "LinSpace", "GatherV2", "Gather", "GatherNd", "ScatterNd",
      "TensorScatterUpdate", "Pad", "PadV2", "MirrorPad", "ReverseV2", "ReverseSequence", "InvertPermutation",
      "BroadcastTo", "BroadcastArgs", "BroadcastGradientArgs", "OneHot", "Where", "Unique", "TopKV2",
      "DynamicStitch", "DynamicPartition", "UnsortedSegmentSum", "SegmentSum",
      // convolutions, normalization, recurrent kernels
      "Conv2D", "Conv3D", "DepthwiseConv2dNative", "MaxPool", "MaxPoolV2", "AvgPool", "FusedBatchNormV3",
      "FusedBatchNorm", "FusedBatchNormV2", "Conv2DBackpropInput", "Conv3DBackpropInputV2",
      "DepthwiseConv2dNativeBackpropInput", "MaxPool3D", "AvgPool3D", "SpaceToBatchND", "BatchToSpaceND",
      "SpaceToDepth", "DepthToSpace", "MatrixBandPart", "MatrixDiagV3", "MatrixDiagPartV3", "MatrixSetDiagV3",
      "Bucketize", "Xlogy", "Xdivy",
      "CudnnRNN", "CudnnRNNV2", "CudnnRNNV3", "CudnnRNNBackprop", "CudnnRNNBackpropV2", "CudnnRNNBackpropV3",
      "CudnnRNNParamsSize", "CudnnRNNParamsToCanonical", "CudnnRNNCanonicalToParams", "BlockLSTM", "BlockLSTMV2",
      "LSTMBlockCell", "GRUBlockCell",
      // randomness
      "RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal", "StatelessRandomUniformV2",
      "StatelessRandomNormalV2", "StatelessTruncatedNormalV2", "StatelessRandomUniformIntV2",
      "StatelessRandomGetKeyCounter", "StatelessRandomGetKeyCounterAlg", "StatelessRandomGetAlg",
      "StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
      // strings and tf.Example parsing (in memory); the save graph builds checkpoint paths with these
      "StringJoin", "StaticRegexFullMatch", "RegexFullMatch", "ShardedFilename", "ShardedFilespec", "StringFormat",
      "AsString", "ParseExample", "ParseExampleV2", "ParseSingleExample",
      // text preprocessing in memory (lookup tables filled from constants; table initializers that
      // read a file are not here)
      "HashTableV2", "MutableHashTableV2", "LookupTableImportV2", "LookupTableFindV2", "LookupTableSizeV2",
      "StringLower", "StringUpper", "StaticRegexReplace", "RegexReplace", "StringSplitV2", "StringStrip",
      "StringLength", "Substr", "RaggedTensorToTensor",
      // PrintV2: allowed unless its output_stream is a file (checked below)
      "PrintV2");

  /** Checkpoint ops that read or write files: allowed only on the SaverDef's own restore and save paths. */
  public static final Set<String> CHECKPOINT_OPS = Set.of(
      "RestoreV2", "Restore", "RestoreSlice", "SaveV2", "Save", "SaveSlices", "MergeV2Checkpoints");

  private static final Set<String> RESTORE_OPS = Set.of("RestoreV2", "Restore", "RestoreSlice");
  private static final Set<String> CALL_OPS = Set.of("PartitionedCall", "StatefulPartitionedCall");
  private static final String INIT_OP_SIGNATURE = "__saved_model_init_op";

  private final Path pb;
  private final MetaGraphDef mg;
  private final Map<String, NodeDef> graphNodes = new HashMap<>();
  private final Map<String, FunctionDef> functions = new HashMap<>();
  private final Map<String, String> gradients = new HashMap<>();

  private SavedModelSafety(Path dir, MetaGraphDef mg) {
    this.pb = dir.resolve(SavedModelFiles.SAVED_MODEL_PB);
    this.mg = mg;
    for (NodeDef n : mg.getGraphDef().getNodeList()) graphNodes.put(n.getName(), n);
    for (FunctionDef f : mg.getGraphDef().getLibrary().getFunctionList()) functions.put(f.getSignature().getName(), f);
    for (var g : mg.getGraphDef().getLibrary().getGradientList()) gradients.put(g.getFunctionName(), g.getGradientFunc());
  }

  /**
   * Checks the MetaGraph that {@code dir} will be loaded with; throws {@link UnsafeSavedModelException}
   * naming the op, the node and the function (or signature) of the first disallowed op.
   */
  public static void check(Path dir, MetaGraphDef mg) {
    new SavedModelSafety(dir, mg).run();
  }

  private void run() {
    // 1. Every op, everywhere, is allowed or a checkpoint op.
    for (NodeDef n : mg.getGraphDef().getNodeList()) checkOp(n, null);
    for (FunctionDef f : functions.values()) for (NodeDef n : f.getNodeDefList()) checkOp(n, f.getSignature().getName());
    for (var g : gradients.entrySet()) checkFunctionName(g.getValue(), "the gradient of function " + g.getKey(), null);
    // 2. Checkpoint ops only on the saver's paths, and never reachable from what the loader or a call runs.
    Set<String> exposedFunctions = new HashSet<>();
    for (var e : mg.getSignatureDefMap().entrySet()) {
      String what = e.getKey().equals(INIT_OP_SIGNATURE) ? "the init op" : "signature '" + e.getKey() + "'";
      List<String> roots = new ArrayList<>();
      for (TensorInfo t : e.getValue().getInputsMap().values()) roots.addAll(tensorNames(t));
      for (TensorInfo t : e.getValue().getOutputsMap().values()) roots.addAll(tensorNames(t));
      exposed(roots, what, exposedFunctions);
    }
    for (String key : List.of("saved_model_main_op", "legacy_init_op", "table_initializer", "init_op")) {
      CollectionDef c = mg.getCollectionDefMap().get(key);
      if (c != null && c.hasNodeList()) exposed(c.getNodeList().getValueList(), "the '" + key + "' collection", exposedFunctions);
    }
    Set<String> savedFunctions = new HashSet<>();
    Set<String> savedNodes = new HashSet<>();
    String filename = mg.hasSaverDef() ? SavedModelFiles.opName(mg.getSaverDef().getFilenameTensorName()) : null;
    if (mg.hasSaverDef()) {
      walk(List.of(mg.getSaverDef().getRestoreOpName(), mg.getSaverDef().getSaveTensorName()), savedNodes, savedFunctions);
    }
    for (NodeDef n : mg.getGraphDef().getNodeList()) {
      if (!CHECKPOINT_OPS.contains(n.getOp())) continue;
      if (!savedNodes.contains(n.getName())) {
        throw refuse(n, null, "outside the SaverDef's save and restore ops");
      }
      if (RESTORE_OPS.contains(n.getOp()) && (n.getInputCount() == 0 || !filename.equals(source(n.getInput(0))))) {
        throw refuse(n, null, "restoring from " + (n.getInputCount() == 0 ? "nowhere" : n.getInput(0))
            + ", not from the SaverDef's filename tensor " + mg.getSaverDef().getFilenameTensorName());
      }
    }
    for (FunctionDef f : functions.values()) {
      String fn = f.getSignature().getName();
      for (NodeDef n : f.getNodeDefList()) {
        if (!CHECKPOINT_OPS.contains(n.getOp())) continue;
        if (exposedFunctions.contains(fn)) throw refuse(n, fn, "in a function that a signature or the init op calls");
        if (!savedFunctions.contains(fn)) throw refuse(n, fn, "outside the SaverDef's save and restore ops");
        if (RESTORE_OPS.contains(n.getOp())) checkRestorePrefix(n, f, filename);
      }
    }
    // 3. Asset files: plain names under assets/ (the loader feeds their paths to the init op).
    List<AssetFileDef> assets = new ArrayList<>(mg.getAssetFileDefList());
    for (AssetFileDef a : assets) {
      String f = a.getFilename();
      if (f.isEmpty() || f.startsWith("/") || f.startsWith("\\") || f.contains("..") || f.contains(":")) {
        throw new UnsafeSavedModelException(pb + ": refused by safe mode: asset file '" + f + "' (tensor "
            + a.getTensorInfo().getName() + ") is not a plain name inside assets/; load with safe mode off to allow it");
      }
    }
  }

  /** A restore op in a function of the restore path must read from the argument the SaverDef's filename is passed to. */
  private void checkRestorePrefix(NodeDef n, FunctionDef f, String filename) {
    String fn = f.getSignature().getName();
    if (n.getInputCount() == 0) throw refuse(n, fn, "restoring from nowhere");
    String src = functionSource(f, n.getInput(0));
    int arg = -1;
    for (int i = 0; i < f.getSignature().getInputArgCount(); i++) if (f.getSignature().getInputArg(i).getName().equals(src)) arg = i;
    if (arg < 0) throw refuse(n, fn, "restoring from " + n.getInput(0) + ", not from the file prefix the loader passes");
    // Every caller must pass the SaverDef's filename tensor in that position.
    for (NodeDef call : mg.getGraphDef().getNodeList()) {
      if (!calls(call).contains(fn)) continue;
      if (call.getInputCount() <= arg || !filename.equals(source(call.getInput(arg)))) {
        throw refuse(n, fn, "restoring from argument " + src + ", which node '" + call.getName()
            + "' does not feed from the SaverDef's filename tensor");
      }
    }
    for (FunctionDef g : functions.values()) {
      for (NodeDef call : g.getNodeDefList()) {
        if (calls(call).contains(fn)) {
          throw refuse(n, fn, "a restore function called from function " + g.getSignature().getName() + " (only the SaverDef's"
              + " restore op may call it)");
        }
      }
    }
  }

  private void checkOp(NodeDef n, String function) {
    String op = n.getOp();
    if (functions.containsKey(op)) {
      // A direct call of a library function: that function's ops are checked on their own.
    } else if (!ALLOWED_OPS.contains(op) && !CHECKPOINT_OPS.contains(op)) {
      throw refuse(n, function, "not on safe mode's list of allowed ops");
    }
    if (op.equals("PrintV2")) {
      AttrValue s = n.getAttrMap().get("output_stream");
      String stream = s == null ? "stderr" : s.getS().toStringUtf8();
      if (!(stream.isEmpty() || stream.equals("stderr") || stream.equals("stdout") || stream.startsWith("log("))) {
        throw refuse(n, function, "printing to '" + stream + "' (only stderr, stdout and the log are allowed)");
      }
    }
    for (var a : n.getAttrMap().entrySet()) {
      for (String f : funcNames(a.getValue())) checkFunctionName(f, "attribute '" + a.getKey() + "' of node '" + n.getName() + "'", function);
    }
  }

  /** A function attribute may name a library function, or an op (TensorFlow then runs that single op): only an allowed one. */
  private void checkFunctionName(String f, String where, String function) {
    if (functions.containsKey(f)) return;
    if (!ALLOWED_OPS.contains(f)) {
      throw new UnsafeSavedModelException(pb + ": refused by safe mode: " + where + (function == null ? "" : " in function " + function)
          + " calls '" + f + "', which is neither a function of the graph's library nor an allowed op; load with safe mode off"
          + " to allow it");
    }
  }

  private UnsafeSavedModelException refuse(NodeDef n, String function, String why) {
    return new UnsafeSavedModelException(pb + ": refused by safe mode: op " + n.getOp() + " (node '" + n.getName() + "'"
        + (function == null ? " of the graph" : " in function " + function) + ") " + why
        + "; such ops can read or write files, run code or reach the network: load with safe mode off (CLI --no-safe-mode) only"
        + " for a model you trust");
  }

  /** Marks every function reached from {@code roots}; throws if a checkpoint op of the main graph is among the nodes. */
  private void exposed(List<String> roots, String what, Set<String> exposedFunctions) {
    Set<String> nodes = new HashSet<>();
    Set<String> fns = new HashSet<>();
    walk(roots, nodes, fns);
    for (String name : nodes) {
      NodeDef n = graphNodes.get(name);
      if (n != null && CHECKPOINT_OPS.contains(n.getOp())) throw refuse(n, null, "reachable from " + what);
    }
    exposedFunctions.addAll(fns);
  }

  /** The main-graph nodes {@code roots} depend on (data and control inputs), and every function they call, transitively. */
  private void walk(List<String> roots, Set<String> nodes, Set<String> fns) {
    Deque<String> todo = new ArrayDeque<>();
    for (String r : roots) todo.add(SavedModelFiles.opName(r));
    Deque<String> fnTodo = new ArrayDeque<>();
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!nodes.add(name)) continue;
      NodeDef n = graphNodes.get(name);
      if (n == null) continue;
      for (String in : n.getInputList()) todo.add(SavedModelFiles.opName(in));
      fnTodo.addAll(calls(n));
    }
    while (!fnTodo.isEmpty()) {
      String f = fnTodo.pop();
      if (!fns.add(f)) continue;
      FunctionDef def = functions.get(f);
      if (def == null) continue;
      for (NodeDef n : def.getNodeDefList()) fnTodo.addAll(calls(n));
      if (gradients.containsKey(f)) fnTodo.add(gradients.get(f));
    }
  }

  /** The library functions a node calls: by its op name or through function attributes. */
  private List<String> calls(NodeDef n) {
    List<String> r = new ArrayList<>();
    if (functions.containsKey(n.getOp())) r.add(n.getOp());
    for (AttrValue a : n.getAttrMap().values()) for (String f : funcNames(a)) if (functions.containsKey(f)) r.add(f);
    return r;
  }

  private static List<String> funcNames(AttrValue a) {
    List<String> r = new ArrayList<>();
    if (a.hasFunc()) r.add(a.getFunc().getName());
    if (a.hasList()) for (var f : a.getList().getFuncList()) r.add(f.getName());
    return r;
  }

  private static List<String> tensorNames(TensorInfo t) {
    List<String> r = new ArrayList<>();
    if (!t.getName().isEmpty()) r.add(t.getName());
    if (t.hasCooSparse()) {
      r.add(t.getCooSparse().getValuesTensorName());
      r.add(t.getCooSparse().getIndicesTensorName());
      r.add(t.getCooSparse().getDenseShapeTensorName());
    }
    if (t.hasCompositeTensor()) for (TensorInfo c : t.getCompositeTensor().getComponentsList()) r.addAll(tensorNames(c));
    return r;
  }

  /** The main-graph node a tensor comes from, through Identity nodes. */
  private String source(String tensor) {
    String name = SavedModelFiles.opName(tensor);
    for (int i = 0; i < 100; i++) {
      NodeDef n = graphNodes.get(name);
      if (n == null || !n.getOp().equals("Identity") || n.getInputCount() == 0) return name;
      name = SavedModelFiles.opName(n.getInput(0));
    }
    return name;
  }

  /** Inside a function: the node or argument a tensor ("node:out:0" or "arg") comes from, through Identity nodes. */
  private static String functionSource(FunctionDef f, String tensor) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : f.getNodeDefList()) byName.put(n.getName(), n);
    String name = tensor.startsWith("^") ? tensor.substring(1) : tensor;
    for (int i = 0; i < 100; i++) {
      int colon = name.indexOf(':');
      String node = colon < 0 ? name : name.substring(0, colon);
      NodeDef n = byName.get(node);
      if (n == null || !n.getOp().equals("Identity") || n.getInputCount() == 0) return node;
      name = n.getInput(0);
    }
    return name;
  }
}
