package io.jkeras.testing;

import com.google.protobuf.ByteString;
import io.jkeras.layers.Dense;
import io.jkeras.layers.InputLayer;
import io.jkeras.models.Sequential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.tensorflow.proto.AssetFileDef;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Hostile SavedModels made at test time (nothing hostile is committed): a small jkeras export
 * whose {@code saved_model.pb} is then edited to hold file-system ops in a signature, the init op,
 * a library function or the restore path.
 */
public final class HostileSavedModels {
  private HostileSavedModels() {}

  /** A jkeras export of Dense(2) on 3 features into {@code dir} (input "x", one output). */
  public static Path benign(Path dir) {
    try (Sequential m = new Sequential(new InputLayer(3).name("x"), new Dense(2).name("dense"))) {
      m.build(new long[] {-1, 3});
      m.export(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** Rewrites the first MetaGraph of {@code dir/saved_model.pb}. */
  public static void edit(Path dir, Consumer<MetaGraphDef.Builder> change) {
    Path pb = dir.resolve("saved_model.pb");
    try {
      SavedModel.Builder sm = SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
      change.accept(sm.getMetaGraphsBuilder(0));
      Files.write(pb, sm.build().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static NodeDef stringConst(String name, String value) {
    TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(TensorShapeProto.getDefaultInstance())
        .addStringVal(ByteString.copyFromUtf8(value)).build();
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_STRING).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(t).build()).build();
  }

  public static NodeDef node(String name, String op, String... inputs) {
    NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp(op);
    for (String i : inputs) b.addInput(i);
    return b.build();
  }

  private static TensorInfo stringInfo(String tensor) {
    return TensorInfo.newBuilder().setName(tensor).setDtype(DataType.DT_STRING)
        .setTensorShape(TensorShapeProto.newBuilder().setUnknownRank(true)).build();
  }

  /** The init op (signature {@code __saved_model_init_op}) writes {@code content} to {@code target} when the model loads. */
  public static void writeFileInInitOp(Path dir, Path target, String content) {
    edit(dir, mg -> {
      mg.getGraphDefBuilder().addNode(stringConst("evil/path", target.toAbsolutePath().toString()))
          .addNode(stringConst("evil/content", content)).addNode(node("evil/write", "WriteFile", "evil/path", "evil/content"))
          .addNode(node("evil/init", "NoOp", "^evil/write"));
      mg.putSignatureDef("__saved_model_init_op", SignatureDef.newBuilder()
          .putOutputs("__saved_model_init_op", TensorInfo.newBuilder().setName("evil/init").build()).build());
    });
  }

  /** A signature "leak" whose output is the content of {@code file} ({@code ReadFile}). */
  public static void readFileInSignature(Path dir, Path file) {
    edit(dir, mg -> {
      mg.getGraphDefBuilder().addNode(stringConst("leak/path", file.toAbsolutePath().toString()))
          .addNode(node("leak/read", "ReadFile", "leak/path"));
      mg.putSignatureDef("leak", SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
          .putOutputs("content", stringInfo("leak/read:0")).build());
    });
  }

  /** A signature whose output lists files matching {@code pattern} ({@code MatchingFiles}) inside a library function. */
  public static void matchingFilesInFunction(Path dir, String pattern) {
    edit(dir, mg -> {
      FunctionDef f = FunctionDef.newBuilder()
          .setSignature(OpDef.newBuilder().setName("__inference_listing_1")
              .addOutputArg(OpDef.ArgDef.newBuilder().setName("files").setType(DataType.DT_STRING)))
          .addNodeDef(stringConst("pattern", pattern)).addNodeDef(node("glob", "MatchingFiles", "pattern:output:0"))
          .putRet("files", "glob:filenames:0").build();
      mg.getGraphDefBuilder().getLibraryBuilder().addFunction(f);
      mg.getGraphDefBuilder().addNode(NodeDef.newBuilder().setName("listing").setOp("StatefulPartitionedCall")
          .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName("__inference_listing_1")).build())
          .putAttr("Tin", AttrValue.newBuilder().setList(AttrValue.ListValue.getDefaultInstance()).build())
          .putAttr("Tout", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addType(DataType.DT_STRING)).build()));
      mg.putSignatureDef("listing", SignatureDef.newBuilder().putOutputs("files", stringInfo("listing:0")).build());
    });
  }

  /** A call node whose function attribute names the op {@code ReadFile} itself (TensorFlow runs it as a one-op function). */
  public static void opAsFunction(Path dir, Path file) {
    edit(dir, mg -> {
      mg.getGraphDefBuilder().addNode(stringConst("opfn/path", file.toAbsolutePath().toString()));
      mg.getGraphDefBuilder().addNode(NodeDef.newBuilder().setName("opfn/call").setOp("PartitionedCall").addInput("opfn/path")
          .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName("ReadFile")).build()));
    });
  }

  /** A RestoreV2 in a signature that reads tensors from another checkpoint ({@code prefix}). */
  public static void restoreOtherCheckpoint(Path dir, String prefix) {
    edit(dir, mg -> {
      mg.getGraphDefBuilder().addNode(stringConst("other/prefix", prefix)).addNode(stringConst("other/names", "w"))
          .addNode(stringConst("other/slices", "")).addNode(node("other/restore", "RestoreV2", "other/prefix", "other/names", "other/slices")
              .toBuilder().putAttr("dtypes", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addType(DataType.DT_FLOAT)).build()).build());
      mg.putSignatureDef("other", SignatureDef.newBuilder().putOutputs("w", TensorInfo.newBuilder().setName("other/restore:0")
          .setDtype(DataType.DT_FLOAT).build()).build());
    });
  }

  /** The saver's own RestoreV2 rewired to read a constant path instead of the filename the loader feeds. */
  public static void restoreFromConstant(Path dir, String prefix) {
    edit(dir, mg -> {
      var g = mg.getGraphDefBuilder();
      g.addNode(stringConst("evil/prefix", prefix));
      for (int i = 0; i < g.getNodeCount(); i++) {
        if (g.getNode(i).getOp().equals("RestoreV2")) g.setNode(i, g.getNode(i).toBuilder().setInput(0, "evil/prefix"));
      }
    });
  }

  /** PrintV2 of a constant to a file:// stream (appends to the file). */
  public static void printToFile(Path dir, Path target) {
    edit(dir, mg -> mg.getGraphDefBuilder().addNode(stringConst("p/msg", "owned"))
        .addNode(node("p/print", "PrintV2", "p/msg").toBuilder()
            .putAttr("output_stream", AttrValue.newBuilder().setS(ByteString.copyFromUtf8("file://" + target.toAbsolutePath())).build()).build()));
  }

  /** An unreferenced node of op {@code op} (e.g. EagerPyFunc): refused even when nothing runs it. */
  public static void deadNode(Path dir, String op) {
    edit(dir, mg -> mg.getGraphDefBuilder().addNode(node("dead/" + op, op)));
  }

  /** An asset whose file name leaves assets/. */
  public static void assetOutside(Path dir, String filename) {
    edit(dir, mg -> {
      mg.getGraphDefBuilder().addNode(stringConst("asset/path", "x"));
      mg.addAssetFileDef(AssetFileDef.newBuilder().setFilename(filename).setTensorInfo(TensorInfo.newBuilder().setName("asset/path:0")));
    });
  }
}
