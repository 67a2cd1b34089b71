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
 *       {@code serve} function (positional input, one output) and once as the signature
 *       function (keyword input, a dict of outputs);</li>
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

  static Parts build(GraphDef export, List<Variable> vars, String inputNode, String outputNode, String inputKey,
      String outputKey, DataType inputType, long[] inSpec, long[] outSpec) {
    FunctionDef body = forwardFunction(export, vars, inputNode, outputNode, inputKey);
    String serveName = "__inference_serve_" + Math.abs(body.getSignature().getName().hashCode());
    String signatureName = "__inference_signature_wrapper_" + Math.abs(body.getSignature().getName().hashCode());
    FunctionDef serve = rename(body, serveName);
    FunctionDef signature = rename(body, signatureName);

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

    TensorSpecProto in = tensorSpec(inputKey, inputType, inSpec);
    og.addNodes(SavedObject.newBuilder().setFunction(SavedFunction.newBuilder().addConcreteFunctions(serveName)
        .setFunctionSpec(FunctionSpec.newBuilder()
            .setFullargspec(fullArgSpec(List.of(inputKey), List.of()))
            .setInputSignature(tuple(StructuredValue.newBuilder().setTensorSpecValue(in).build())))));
    cg.addNodes(TrackableObject.getDefaultInstance());

    SavedObject.Builder sigs = SavedObject.newBuilder().setUserObject(userObject("signature_map"))
        .addChildren(ref(3, SavedModelExporter.SIGNATURE))
        .addChildren(ref(4, SavedModelExporter.SERVE));
    og.addNodes(sigs);
    cg.addNodes(TrackableObject.newBuilder().addAllChildren(sigs.getChildrenList()));
    for (int i = 0; i < 2; i++) {
      og.addNodes(SavedObject.newBuilder().setBareConcreteFunction(SavedBareConcreteFunction.newBuilder()
          .setConcreteFunctionName(signatureName)
          .addArgumentKeywords(inputKey)
          .setAllowedPositionalArguments(1) // TFSMLayer calls signatures with one positional input
          .setFunctionSpec(FunctionSpec.newBuilder()
              .setFullargspec(fullArgSpec(List.of(), List.of(inputKey)))
              .setInputSignature(none()))));
      cg.addNodes(TrackableObject.getDefaultInstance());
    }

    SavedObject.Builder list = SavedObject.newBuilder().setUserObject(userObject("_generic_user_object"));
    for (int i = 0; i < vars.size(); i++) list.addChildren(ref(firstVar + i, Integer.toString(i)));
    og.addNodes(list);
    cg.addNodes(TrackableObject.newBuilder().addAllChildren(list.getChildrenList()));
    for (Variable v : vars) {
      og.addNodes(SavedObject.newBuilder().setVariable(SavedVariable.newBuilder()
          .setDtype(DataType.DT_FLOAT).setShape(shape(v.shape())).setTrainable(v.trainable()).setName(v.path())));
      cg.addNodes(TrackableObject.newBuilder().addAttributes(SerializedTensor.newBuilder()
          .setName("VARIABLE_VALUE").setFullName(v.path()).setCheckpointKey(v.key())));
    }

    TensorSpecProto out = tensorSpec(outputKey, DataType.DT_FLOAT, outSpec);
    og.putConcreteFunctions(serveName, SavedConcreteFunction.newBuilder().addAllBoundInputs(bound)
        .setCanonicalizedInputSignature(tuple(tuple(StructuredValue.newBuilder().setTensorSpecValue(in).build()),
            dict(Map.of())))
        .setOutputSignature(StructuredValue.newBuilder().setTensorSpecValue(out))
        .build());
    og.putConcreteFunctions(signatureName, SavedConcreteFunction.newBuilder().addAllBoundInputs(bound)
        .setCanonicalizedInputSignature(tuple(tuple(), dict(Map.of(inputKey,
            StructuredValue.newBuilder().setTensorSpecValue(in).build()))))
        .setOutputSignature(dict(Map.of(outputKey, StructuredValue.newBuilder().setTensorSpecValue(out).build())))
        .build());
    return new Parts(List.of(serve, signature), og.build(), cg.build());
  }

  /**
   * The forward pass from {@code inputNode} to {@code outputNode} as a function of the input
   * and of one resource handle per variable, in {@code vars} order (the order of the concrete
   * functions' bound inputs). Stateful layers' state updates come along: the output depends on them.
   */
  private static FunctionDef forwardFunction(GraphDef export, List<Variable> vars, String inputNode, String outputNode,
      String inputKey) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : export.getNodeList()) byName.put(n.getName(), n);
    Set<String> keep = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(outputNode));
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
      s.input(argName(0, inputKey), graph.operation(inputNode).output(0));
      for (int i = 0; i < vars.size(); i++) s.input(argName(i + 1, vars.get(i).node()), graph.operation(vars.get(i).node()).output(0));
      s.output("output_0", graph.operation(outputNode).output(0));
      try (ConcreteFunction f = ConcreteFunction.create(s.build(), graph)) {
        FunctionDef fd = f.getFunctionDef();
        if (fd.getSignature().getInputArgCount() != vars.size() + 1) {
          throw new IllegalStateException("internal error: the serving function takes " + fd.getSignature().getInputArgCount()
              + " arguments, expected " + (vars.size() + 1));
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

  private static TensorSpecProto tensorSpec(String name, DataType dtype, long[] dims) {
    return TensorSpecProto.newBuilder().setName(name).setDtype(dtype).setShape(shape(dims)).build();
  }

  private static StructuredValue none() {
    return StructuredValue.newBuilder().setNoneValue(NoneValue.getDefaultInstance()).build();
  }

  private static StructuredValue tuple(StructuredValue... values) {
    return StructuredValue.newBuilder().setTupleValue(TupleValue.newBuilder().addAllValues(List.of(values))).build();
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
