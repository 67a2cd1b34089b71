package io.jkeras.saving.savedmodel;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Signature;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.FunctionSpec;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedBareConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedUserObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedVariable;
import org.tensorflow.proto.Struct.DictValue;
import org.tensorflow.proto.Struct.ListValue;
import org.tensorflow.proto.Struct.NamedTupleValue;
import org.tensorflow.proto.Struct.NoneValue;
import org.tensorflow.proto.Struct.PairValue;
import org.tensorflow.proto.Struct.StructuredValue;
import org.tensorflow.proto.Struct.TensorSpecProto;
import org.tensorflow.proto.Struct.TupleValue;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;
import org.tensorflow.proto.VersionDef;

/**
 * The TF2 half of a jkeras SavedModel: what Python's {@code tf.saved_model.load} needs to give
 * the loaded object a {@code serve} method and TF2 signatures, as Keras 3's
 * {@code model.export()} artifacts have. TensorFlow Java writes no object graph, so it is built
 * here from protos:
 * <ul>
 *   <li>the forward pass as a function ({@code FunctionDef}, made by TensorFlow from the export
 *       graph with each variable handle turned into a resource argument), once as the
 *       {@code serve} function (one positional argument: the input, or the list of inputs; the
 *       output, or the list of outputs) and once as the signature function (keyword inputs, a
 *       dict of outputs);</li>
 *   <li>a {@code SavedObjectGraph}: root with {@code serve}, {@code signatures}
 *       ({@code serving_default}, {@code serve}) and the variables;</li>
 *   <li>the checkpoint's {@code TrackableObjectGraph} with the same nodes, whose variables point
 *       at the checkpoint keys the TF1 half already writes (Keras paths), so both halves restore
 *       the same values.</li>
 * </ul>
 * The TF1 half (graph, SaverDef, SignatureDefs) is what the C++ loader (TF Serving, TensorFlow
 * Java) reads; it ignores the object graph. Python's loader reads only the object graph and the
 * function library.
 */
final class SavedModelObjectGraph {
  /** The checkpoint key TF2 checkpoints keep their object graph under. */
  static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  private SavedModelObjectGraph() {}

  /** A variable of the export: its node, checkpoint key, Keras path, shape, trainability. */
  record Variable(String node, String key, String path, long[] shape, boolean trainable) {}

  /** What the export adds: the functions, the object graph, the checkpoint's object graph. */
  record Parts(List<FunctionDef> functions, SavedObjectGraph objectGraph, TrackableObjectGraph checkpointGraph) {}

  /** A signature input or output: its node in the export graph, its key, dtype and shape. */
  record Tensor(String node, String key, DataType dtype, long[] shape) {}

  /**
   * The object graph of an export with {@code inputs} and {@code outputs} in the model's order.
   * As in Keras 3's export: {@code serve} takes one tensor, or a list of tensors for several
   * inputs, and returns one tensor, or a list for several outputs; the signatures take the
   * inputs by keyword and return a dict by output key.
   */
  static Parts build(GraphDef export, List<Variable> vars, List<Tensor> inputs, List<Tensor> outputs) {
    // TensorFlow flattens a dict by sorted key: the signature function takes its inputs and
    // gives its outputs in that order, serve in the model's.
    List<Tensor> sortedIn = byKey(inputs);
    List<Tensor> sortedOut = byKey(outputs);
    FunctionDef body = forwardFunction(export, vars, inputs, outputs);
    FunctionDef signatureBody = sortedIn.equals(inputs) && sortedOut.equals(outputs) ? body
        : forwardFunction(export, vars, sortedIn, sortedOut);
    String serveName = "__inference_serve_" + Math.abs(body.getSignature().getName().hashCode());
    String signatureName = "__inference_signature_wrapper_" + Math.abs(signatureBody.getSignature().getName().hashCode());
    FunctionDef serve = rename(body, serveName);
    FunctionDef signature = rename(signatureBody, signatureName);
    boolean oneInput = inputs.size() == 1;
    List<String> keywords = new ArrayList<>();
    for (Tensor t : sortedIn) keywords.add(t.key());

    // Node ids: 0 root, 1 serve, 2 signatures, 3 signatures.serving_default, 4 signatures.serve,
    // 5 the variables list, 6.. the variables.
    final int root = 0;
    final int serveId = 1;
    final int signaturesId = 2;
    final int firstVar = 6;
    SavedObjectGraph.Builder og = SavedObjectGraph.newBuilder();
    TrackableObjectGraph.Builder cg = TrackableObjectGraph.newBuilder();
    List<Integer> bound = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) bound.add(firstVar + i);

    SavedObject.Builder r = SavedObject.newBuilder().setUserObject(userObject("_generic_user_object"))
        .addChildren(ref(serveId, SavedModelExporter.SERVE))
        .addChildren(ref(signaturesId, "signatures"))
        .addChildren(ref(5, "variables"));
    og.addNodes(r);
    cg.addNodes(TrackableObject.newBuilder().addAllChildren(r.getChildrenList()));

    // serve's one positional argument: the input tensor, or the list of them (Keras 3's args_0).
    List<StructuredValue> inSpecs = new ArrayList<>();
    for (Tensor t : inputs) inSpecs.add(StructuredValue.newBuilder().setTensorSpecValue(tensorSpec(t)).build());
    StructuredValue serveArg = oneInput ? inSpecs.get(0) : list(inSpecs);
    og.addNodes(SavedObject.newBuilder().setFunction(SavedFunction.newBuilder().addConcreteFunctions(serveName)
        .setFunctionSpec(FunctionSpec.newBuilder()
            .setFullargspec(fullArgSpec(List.of(oneInput ? inputs.get(0).key() : "args_0"), List.of()))
            .setInputSignature(tuple(serveArg)))));
    cg.addNodes(TrackableObject.getDefaultInstance());

    SavedObject.Builder sigs = SavedObject.newBuilder().setUserObject(userObject("signature_map"))
        .addChildren(ref(3, SavedModelExporter.SIGNATURE))
        .addChildren(ref(4, SavedModelExporter.SERVE));
    og.addNodes(sigs);
    cg.addNodes(TrackableObject.newBuilder().addAllChildren(sigs.getChildrenList()));
    for (int i = 0; i < 2; i++) {
      og.addNodes(SavedObject.newBuilder().setBareConcreteFunction(SavedBareConcreteFunction.newBuilder()
          .setConcreteFunctionName(signatureName)
          .addAllArgumentKeywords(keywords)
          // TFSMLayer calls signatures with one positional input; several go by keyword, as in Keras's exports.
          .setAllowedPositionalArguments(oneInput ? 1 : 0)
          .setFunctionSpec(FunctionSpec.newBuilder()
              .setFullargspec(fullArgSpec(List.of(), keywords))
              .setInputSignature(none()))));
      cg.addNodes(TrackableObject.getDefaultInstance());
    }

    SavedObject.Builder vlist = SavedObject.newBuilder().setUserObject(userObject("_generic_user_object"));
    for (int i = 0; i < vars.size(); i++) vlist.addChildren(ref(firstVar + i, Integer.toString(i)));
    og.addNodes(vlist);
    cg.addNodes(TrackableObject.newBuilder().addAllChildren(vlist.getChildrenList()));
    for (Variable v : vars) {
      og.addNodes(SavedObject.newBuilder().setVariable(SavedVariable.newBuilder()
          .setDtype(DataType.DT_FLOAT).setShape(shape(v.shape())).setTrainable(v.trainable()).setName(v.path())));
      cg.addNodes(TrackableObject.newBuilder().addAttributes(SerializedTensor.newBuilder()
          .setName("VARIABLE_VALUE").setFullName(v.path()).setCheckpointKey(v.key())));
    }

    List<StructuredValue> outSpecs = new ArrayList<>();
    Map<String, StructuredValue> outDict = new HashMap<>();
    for (Tensor t : outputs) {
      StructuredValue v = StructuredValue.newBuilder().setTensorSpecValue(tensorSpec(t)).build();
      outSpecs.add(v);
      outDict.put(t.key(), v);
    }
    Map<String, StructuredValue> inDict = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) inDict.put(inputs.get(i).key(), inSpecs.get(i));
    og.putConcreteFunctions(serveName, SavedConcreteFunction.newBuilder().addAllBoundInputs(bound)
        .setCanonicalizedInputSignature(tuple(tuple(serveArg), dict(Map.of())))
        .setOutputSignature(outputs.size() == 1 ? outSpecs.get(0) : list(outSpecs))
        .build());
    og.putConcreteFunctions(signatureName, SavedConcreteFunction.newBuilder().addAllBoundInputs(bound)
        .setCanonicalizedInputSignature(tuple(tuple(), dict(inDict)))
        .setOutputSignature(dict(outDict))
        .build());
    return new Parts(List.of(serve, signature), og.build(), cg.build());
  }

  private static List<Tensor> byKey(List<Tensor> ts) {
    List<Tensor> r = new ArrayList<>(ts);
    r.sort((a, b) -> a.key().compareTo(b.key()));
    return r;
  }

  /**
   * The forward pass from the {@code inputs} to the {@code outputs} nodes as a function of the
   * inputs and of one resource handle per variable, in {@code vars} order (the order of the
   * concrete functions' bound inputs). Stateful layers' state updates come along: the outputs
   * depend on them.
   */
  private static FunctionDef forwardFunction(GraphDef export, List<Variable> vars, List<Tensor> inputs, List<Tensor> outputs) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : export.getNodeList()) byName.put(n.getName(), n);
    Set<String> keep = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (Tensor t : outputs) todo.add(t.node());
    for (Tensor t : inputs) todo.add(t.node());
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (!keep.add(n)) continue;
      for (String in : byName.get(n).getInputList()) todo.add(SavedModelFiles.opName(in));
    }
    Set<String> handles = new HashSet<>();
    for (Variable v : vars) handles.add(v.node());
    GraphDef.Builder g = GraphDef.newBuilder().setVersions(export.getVersions());
    if (export.hasLibrary()) g.setLibrary(export.getLibrary());
    for (NodeDef n : export.getNodeList()) {
      if (!keep.contains(n.getName()) && !handles.contains(n.getName())) continue;
      if (handles.contains(n.getName())) {
        g.addNode(NodeDef.newBuilder().setName(n.getName()).setOp("Placeholder")
            .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_RESOURCE).build())
            .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.getDefaultInstance()).build()));
      } else {
        g.addNode(n);
      }
    }
    try (Graph graph = new Graph()) {
      graph.importGraphDef(g.build());
      Signature.Builder s = Signature.builder().key(SavedModelExporter.SERVE);
      int n = inputs.size();
      for (int i = 0; i < n; i++) s.input(argName(i, inputs.get(i).key()), graph.operation(inputs.get(i).node()).output(0));
      for (int i = 0; i < vars.size(); i++) s.input(argName(n + i, vars.get(i).node()), graph.operation(vars.get(i).node()).output(0));
      // Output names sort in the outputs' order, whichever order TensorFlow lists them in.
      for (int i = 0; i < outputs.size(); i++) {
        s.output(outputs.size() == 1 ? "output_0" : String.format("output_%05d", i), graph.operation(outputs.get(i).node()).output(0));
      }
      try (ConcreteFunction f = ConcreteFunction.create(s.build(), graph)) {
        FunctionDef fd = f.getFunctionDef();
        if (fd.getSignature().getInputArgCount() != vars.size() + n) {
          throw new IllegalStateException("internal error: the serving function takes " + fd.getSignature().getInputArgCount()
              + " arguments, expected " + (vars.size() + n));
        }
        if (fd.getSignature().getOutputArgCount() != outputs.size()) {
          throw new IllegalStateException("internal error: the serving function gives " + fd.getSignature().getOutputArgCount()
              + " outputs, expected " + outputs.size());
        }
        return fd;
      }
    }
  }

  private static String argName(int i, String name) {
    return String.format("a%05d_%s", i, name.replaceAll("[^A-Za-z0-9_]", "_"));
  }

  private static FunctionDef rename(FunctionDef f, String name) {
    return f.toBuilder().setSignature(f.getSignature().toBuilder().setName(name)).build();
  }

  // ----- proto helpers -----

  private static ObjectReference ref(int id, String name) {
    return ObjectReference.newBuilder().setNodeId(id).setLocalName(name).build();
  }

  private static SavedUserObject userObject(String identifier) {
    return SavedUserObject.newBuilder().setIdentifier(identifier)
        .setVersion(VersionDef.newBuilder().setProducer(1).setMinConsumer(1)).build();
  }

  private static TensorShapeProto shape(long[] dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) b.addDimBuilder().setSize(d);
    return b.build();
  }

  private static TensorSpecProto tensorSpec(Tensor t) {
    return TensorSpecProto.newBuilder().setName(t.key()).setDtype(t.dtype()).setShape(shape(t.shape())).build();
  }

  private static StructuredValue none() {
    return StructuredValue.newBuilder().setNoneValue(NoneValue.getDefaultInstance()).build();
  }

  private static StructuredValue tuple(StructuredValue... values) {
    return StructuredValue.newBuilder().setTupleValue(TupleValue.newBuilder().addAllValues(List.of(values))).build();
  }

  private static StructuredValue list(List<StructuredValue> values) {
    return StructuredValue.newBuilder().setListValue(ListValue.newBuilder().addAllValues(values)).build();
  }

  private static StructuredValue dict(Map<String, StructuredValue> fields) {
    return StructuredValue.newBuilder().setDictValue(DictValue.newBuilder().putAllFields(fields)).build();
  }

  private static StructuredValue strings(List<String> values) {
    ListValue.Builder l = ListValue.newBuilder();
    for (String v : values) l.addValues(StructuredValue.newBuilder().setStringValue(v));
    return StructuredValue.newBuilder().setListValue(l).build();
  }

  /** Python's {@code inspect.FullArgSpec} as TensorFlow stores it for a function's arguments. */
  private static StructuredValue fullArgSpec(List<String> args, List<String> kwonlyargs) {
    NamedTupleValue.Builder t = NamedTupleValue.newBuilder().setName("FullArgSpec");
    t.addValues(PairValue.newBuilder().setKey("args").setValue(strings(args)));
    t.addValues(PairValue.newBuilder().setKey("varargs").setValue(none()));
    t.addValues(PairValue.newBuilder().setKey("varkw").setValue(none()));
    t.addValues(PairValue.newBuilder().setKey("defaults").setValue(none()));
    t.addValues(PairValue.newBuilder().setKey("kwonlyargs").setValue(strings(kwonlyargs)));
    t.addValues(PairValue.newBuilder().setKey("kwonlydefaults").setValue(none()));
    t.addValues(PairValue.newBuilder().setKey("annotations").setValue(dict(Map.of())));
    return StructuredValue.newBuilder().setNamedTupleValue(t).build();
  }

  /** The serialized TrackableObjectGraph as the string tensor a checkpoint stores it in. */
  static ByteString checkpointValue(TrackableObjectGraph g) {
    return g.toByteString();
  }
}
