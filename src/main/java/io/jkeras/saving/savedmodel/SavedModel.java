package io.jkeras.saving.savedmodel;

import io.jkeras.backend.ModelRuntime;
import io.jkeras.data.FloatArray;
import io.jkeras.models.NonFinite;
import io.jkeras.utils.Shapes;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.BooleanNdArray;
import org.tensorflow.ndarray.DoubleNdArray;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.ndarray.IntNdArray;
import org.tensorflow.ndarray.LongNdArray;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * A TensorFlow SavedModel loaded for inference: any SavedModel that Python (Keras, tf.Module,
 * Estimator) or jkeras wrote, run through its signatures.
 *
 * <pre>{@code
 * try (SavedModel m = SavedModel.load(Path.of("my_model"))) {
 *   System.out.println(m.signatures());                 // names, dtypes, shapes
 *   FloatArray y = m.predict(x);                        // serving_default, one input, one output
 *   Map<String, FloatArray> out = m.signature("regress").predict(Map.of("x", x));
 * }
 * }</pre>
 *
 * <p>Everything a caller passes is checked in Java first (input names, dtypes, ranks and
 * dimensions against the signature), and the directory itself is checked before TensorFlow's
 * loader sees it ({@code saved_model.pb} parses, the tag set exists, the checkpoint index and
 * data are complete and checksum-clean), so mistakes surface as Java exceptions with the
 * expected and given values, never as a native failure.
 *
 * <p>One TensorFlow session serves every call: {@code predict} is safe to call from many threads
 * at once (the runs go on concurrently), and {@link #close} waits for the runs in flight.
 * Inputs whose batch dimension is unknown in the signature are split into batches of
 * {@link #DEFAULT_BATCH_SIZE} (or the size given) and the outputs joined again. A signature with
 * a fixed batch size ({@link Signature#fixedBatchSize}: a stateful model, exported by Keras or
 * jkeras) runs exactly that many samples at a time, in order, whatever size is asked for; the
 * sample count must be a multiple of it. Such a model's state carries from batch to batch and
 * from call to call, as in Keras's {@code predict}; a fresh load starts from the state saved in
 * the SavedModel. Concurrent calls on a stateful model interleave their batches' state.
 */
public final class SavedModel implements AutoCloseable {
  public static final String DEFAULT_TAG = "serve";
  public static final String DEFAULT_SIGNATURE = "serving_default";
  public static final int DEFAULT_BATCH_SIZE = 32;
  private static final String INIT_OP_SIGNATURE = "__saved_model_init_op";

  private final Path dir;
  private final List<String> tags;
  private final MetaGraphDef metaGraph;
  private final SavedModelBundle bundle;
  private final Map<String, Signature> signatures = new TreeMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private SavedModel(Path dir, String[] tags, MetaGraphDef metaGraph, SavedModelBundle bundle) {
    this.dir = dir;
    this.tags = List.of(tags);
    this.metaGraph = metaGraph;
    this.bundle = bundle;
    for (Map.Entry<String, SignatureDef> e : metaGraph.getSignatureDefMap().entrySet()) {
      if (e.getKey().equals(INIT_OP_SIGNATURE)) continue;
      signatures.put(e.getKey(), new Signature(e.getKey(), e.getValue()));
    }
  }

  /** Loads the MetaGraph tagged {@code "serve"} of the SavedModel in {@code dir}, in safe mode. */
  public static SavedModel load(Path dir) {
    return load(dir, LoadOptions.DEFAULT);
  }

  /** Loads the MetaGraph whose tag set is exactly {@code tags}, in safe mode. */
  public static SavedModel load(Path dir, String... tags) {
    return load(dir, LoadOptions.DEFAULT.withTags(tags));
  }

  /**
   * Loads with {@code options}: the tag set, and whether safe mode ({@link SavedModelSafety})
   * refuses graphs with ops that can touch files, processes or the network (on by default;
   * {@link UnsafeSavedModelException} names the op and node). Safe mode is checked before
   * TensorFlow sees the graph, so a refused graph never runs its restore or init op.
   */
  public static SavedModel load(Path dir, LoadOptions options) {
    String[] tags = options.tags();
    org.tensorflow.proto.SavedModel proto = SavedModelFiles.readSavedModel(dir);
    MetaGraphDef mg = SavedModelFiles.metaGraph(proto, dir, tags);
    if (options.safeMode()) SavedModelSafety.check(dir, mg);
    SavedModelFiles.validate(dir, mg);
    SavedModelBundle b;
    try {
      b = SavedModelBundle.loader(dir.toAbsolutePath().toString())
          .withTags(tags)
          .withConfigProto(ConfigProto.newBuilder().setAllowSoftPlacement(true).build())
          .load();
    } catch (TensorFlowException | IllegalArgumentException | IllegalStateException e) {
      throw new SavedModelException("TensorFlow could not load SavedModel " + dir + ": " + e.getMessage(), e);
    }
    try {
      return new SavedModel(dir, tags, mg, b);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
  }

  /**
   * How {@link #load(Path, LoadOptions)} loads: the MetaGraph's tag set ({@code "serve"} by
   * default) and safe mode (on by default). Safe mode is the library default too, because a
   * service loads SavedModels that others made and TensorFlow runs any op a graph holds;
   * {@code withSafeMode(false)} is for models you trust that need other ops (a lookup table
   * initialized from a text asset, custom file readers).
   */
  public static final class LoadOptions {
    /** Tag "serve", safe mode on. */
    public static final LoadOptions DEFAULT = new LoadOptions(new String[] {DEFAULT_TAG}, true);

    private final String[] tags;
    private final boolean safeMode;

    private LoadOptions(String[] tags, boolean safeMode) {
      this.tags = tags;
      this.safeMode = safeMode;
    }

    /** The same options with this tag set. */
    public LoadOptions withTags(String... tags) {
      return new LoadOptions(tags == null ? null : tags.clone(), safeMode);
    }

    /** The same options with safe mode on or off. */
    public LoadOptions withSafeMode(boolean on) {
      return new LoadOptions(tags, on);
    }

    public String[] tags() {
      return tags == null ? null : tags.clone();
    }

    public boolean safeMode() {
      return safeMode;
    }
  }

  public Path directory() {
    return dir;
  }

  public List<String> tags() {
    return tags;
  }

  /** The loaded MetaGraph, as stored in {@code saved_model.pb}. */
  public MetaGraphDef metaGraphDef() {
    return metaGraph;
  }

  /** The TensorFlow version that wrote the MetaGraph ("" when not recorded). */
  public String tensorflowVersion() {
    return metaGraph.getMetaInfoDef().getTensorflowVersion();
  }

  /** Every signature by name (sorted), the internal init-op signature left out. */
  public Map<String, Signature> signatures() {
    return Collections.unmodifiableMap(signatures);
  }

  /** The signature called {@code name}; the message lists the available ones otherwise. */
  public Signature signature(String name) {
    Signature s = signatures.get(name);
    if (s == null) {
      throw new IllegalArgumentException("SavedModel " + dir + " has no signature '" + name + "'; available signatures: "
          + signatures.keySet());
    }
    return s;
  }

  /** {@code serving_default}, or the only signature when there is just one. */
  public Signature defaultSignature() {
    Signature s = signatures.get(DEFAULT_SIGNATURE);
    if (s != null) return s;
    if (signatures.size() == 1) return signatures.values().iterator().next();
    throw new IllegalArgumentException("SavedModel " + dir + " has no '" + DEFAULT_SIGNATURE + "' signature; pick one of "
        + signatures.keySet() + " with signature(name)");
  }

  /** The default signature's output for one input (e.g. a {@code float[][][]}), in batches of 32. */
  public FloatArray predict(Object x) {
    return defaultSignature().predict(x);
  }

  public FloatArray predict(Object x, int batchSize) {
    return defaultSignature().predict(x, batchSize);
  }

  /** The default signature's outputs for named inputs. */
  public Map<String, FloatArray> predict(Map<String, ?> inputs) {
    return defaultSignature().predict(inputs);
  }

  public Map<String, FloatArray> predict(Map<String, ?> inputs, int batchSize) {
    return defaultSignature().predict(inputs, batchSize);
  }

  /** The session that runs the graph (shared by every call; do not close it). */
  public Session session() {
    return bundle.session();
  }

  private volatile NonFinite.Policy nonFinitePolicy = NonFinite.Policy.fromSystemProperty();

  /** What predict does about NaN/infinite inputs (default: warn, or {@code -Djkeras.nonFinite}); see {@link NonFinite}. */
  public SavedModel nonFinitePolicy(NonFinite.Policy policy) {
    if (policy == null) throw new IllegalArgumentException("policy is null");
    this.nonFinitePolicy = policy;
    return this;
  }

  /** Frees the graph and session; waits for the runs in flight. Later calls throw. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) return;
      closed = true;
      bundle.close();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("SavedModel ").append(dir).append(" tags ").append(tags);
    for (Signature s : signatures.values()) b.append("\n  ").append(s);
    return b.toString();
  }

  // ----- signatures -----

  /** A tensor of a signature: its key, graph tensor, dtype and shape ({@code -1} = unknown, null = unknown rank). */
  public static final class TensorSpec {
    private final String name;
    private final String tensorName;
    private final DataType dtype;
    private final long[] shape;

    TensorSpec(String name, TensorInfo info) {
      this.name = name;
      this.tensorName = info.getName();
      this.dtype = info.getDtype();
      TensorShapeProto s = info.getTensorShape();
      this.shape = !info.hasTensorShape() || s.getUnknownRank() ? null : CheckpointReader.dims(s);
    }

    public String name() {
      return name;
    }

    /** The graph tensor, e.g. {@code serving_default_input_1:0}. */
    public String tensorName() {
      return tensorName;
    }

    public DataType dtype() {
      return dtype;
    }

    /** The shape with -1 for unknown dimensions, or null when even the rank is unknown. */
    public long[] shape() {
      return shape == null ? null : shape.clone();
    }

    boolean batched() {
      return shape != null && shape.length >= 1 && shape[0] < 0;
    }

    /** Whether the tensor has a first (batch) dimension at all, known or not. */
    boolean hasBatch() {
      return shape != null && shape.length >= 1;
    }

    @Override
    public String toString() {
      return name + ": " + dtype + " " + describe(shape);
    }
  }

  static String describe(long[] shape) {
    return shape == null ? "(unknown rank)" : Shapes.toString(shape);
  }

  /** One signature of the SavedModel, callable with named inputs. */
  public final class Signature {
    private final String name;
    private final String methodName;
    private final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
    private final Map<String, TensorSpec> outputs = new LinkedHashMap<>();

    Signature(String name, SignatureDef def) {
      this.name = name;
      this.methodName = def.getMethodName();
      for (var e : new TreeMap<>(def.getInputsMap()).entrySet()) inputs.put(e.getKey(), new TensorSpec(e.getKey(), e.getValue()));
      for (var e : new TreeMap<>(def.getOutputsMap()).entrySet()) outputs.put(e.getKey(), new TensorSpec(e.getKey(), e.getValue()));
    }

    public String name() {
      return name;
    }

    /** E.g. {@code tensorflow/serving/predict}. */
    public String methodName() {
      return methodName;
    }

    public Map<String, TensorSpec> inputs() {
      return Collections.unmodifiableMap(inputs);
    }

    public Map<String, TensorSpec> outputs() {
      return Collections.unmodifiableMap(outputs);
    }

    /**
     * The batch size this signature runs at, when it fixes one (0 otherwise): the first
     * dimension its inputs declare, or, where those leave it open, the one every output
     * declares (Keras 3 exports a stateful model with an open input and fixed outputs). Only
     * tensors of rank 2 or more count as batched here.
     * {@code predict} then runs exactly that many samples at a time, in order.
     */
    public int fixedBatchSize() {
      long fixed = 0;
      boolean open = false;
      for (TensorSpec s : inputs.values()) {
        // Rank 1 and scalars: a fixed first dimension there is a shape, not a batch size.
        if (s.shape == null || s.shape.length < 2) return 0;
        if (s.shape[0] > 0) {
          if (fixed > 0 && fixed != s.shape[0]) return 0; // inputs disagree: not a batch dimension
          fixed = s.shape[0];
        } else {
          open = true;
        }
      }
      if (fixed == 0 && open && !outputs.isEmpty()) {
        for (TensorSpec o : outputs.values()) {
          if (o.shape == null || o.shape.length < 2 || o.shape[0] <= 0 || fixed > 0 && o.shape[0] != fixed) return 0;
          fixed = o.shape[0];
        }
      }
      return (int) fixed;
    }

    /** For a signature of one input and one output: the output for {@code x}, batches of 32. */
    public FloatArray predict(Object x) {
      return predict(x, DEFAULT_BATCH_SIZE);
    }

    public FloatArray predict(Object x, int batchSize) {
      if (inputs.size() != 1) {
        throw new IllegalArgumentException("signature '" + name + "' takes " + inputs.size() + " inputs " + inputs.keySet()
            + ": pass them by name with predict(Map)");
      }
      if (outputs.size() != 1) {
        throw new IllegalArgumentException("signature '" + name + "' has " + outputs.size() + " outputs " + outputs.keySet()
            + ": use predict(Map) to get them all by name");
      }
      Map<String, Object> in = new LinkedHashMap<>();
      in.put(inputs.keySet().iterator().next(), x);
      return predict(in, batchSize).values().iterator().next();
    }

    /** Every output by name for named inputs, in batches of 32 where the signature allows it. */
    public Map<String, FloatArray> predict(Map<String, ?> feeds) {
      return predict(feeds, DEFAULT_BATCH_SIZE);
    }

    /**
     * Every output by name. Inputs whose signature has an unknown batch dimension are run
     * {@code batchSize} samples at a time ({@code batchSize <= 0}: all at once); outputs of
     * numeric dtypes come back as float32 arrays (a scalar as shape (1)).
     */
    public Map<String, FloatArray> predict(Map<String, ?> feeds, int batchSize) {
      if (feeds == null) throw new IllegalArgumentException("inputs are null");
      for (String k : feeds.keySet()) {
        if (!inputs.containsKey(k)) {
          throw new IllegalArgumentException("signature '" + name + "' has no input '" + k + "'; its inputs are "
              + inputs.values());
        }
      }
      for (String k : inputs.keySet()) {
        if (!feeds.containsKey(k) || feeds.get(k) == null) {
          throw new IllegalArgumentException("signature '" + name + "' needs input '" + k + "' (" + inputs.get(k)
              + "); given " + feeds.keySet());
        }
      }
      for (TensorSpec o : outputs.values()) {
        if (outputKind(o.dtype) == null) {
          throw new IllegalArgumentException("signature '" + name + "' output '" + o.name + "' is " + o.dtype
              + "; predict returns numeric outputs only");
        }
      }
      // Convert and check every input in Java before anything reaches TensorFlow.
      int fixed = fixedBatchSize();
      Map<String, Feed> converted = new LinkedHashMap<>();
      for (TensorSpec spec : inputs.values()) converted.put(spec.name, Feed.of(spec, feeds.get(spec.name), name, fixed));
      if (nonFinitePolicy != NonFinite.Policy.IGNORE) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Feed> e : converted.entrySet()) problems.add(e.getValue().nonFinite("input '" + e.getKey() + "'"));
        NonFinite.report(nonFinitePolicy, "predict on SavedModel " + dir + " (signature '" + name + "')", problems);
      }
      long n = -1;
      boolean canBatch = batchSize > 0 && !outputs.isEmpty();
      for (TensorSpec spec : inputs.values()) {
        Feed f = converted.get(spec.name);
        if (!spec.batched() && !(fixed > 0 && spec.hasBatch())) {
          canBatch = false;
          continue;
        }
        if (n < 0) {
          n = f.shape[0];
        } else if (f.shape[0] != n) {
          throw new IllegalArgumentException("signature '" + name + "': inputs differ in batch size (" + describeFeeds(converted)
              + "); every batched input needs the same number of samples");
        }
      }
      if (fixed <= 0) for (TensorSpec o : outputs.values()) if (!o.batched()) canBatch = false;
      if (n == 0) throw new IllegalArgumentException("signature '" + name + "': the inputs hold no samples");
      if (fixed > 0) {
        // A fixed batch dimension (a stateful model): exactly that many samples per run, in
        // order, so that the model's state carries from one batch to the next as in Keras.
        if (n % fixed != 0) {
          throw new IllegalArgumentException("signature '" + name + "' runs exactly " + fixed + " samples at a time (its"
              + " fixed batch size, as a stateful model has): " + n + " samples do not divide into batches of " + fixed
              + "; give a multiple of " + fixed);
        }
        batchSize = fixed;
        canBatch = true;
      }
      if (!canBatch || n <= batchSize) return run(converted, -1, -1);
      Map<String, float[]> joined = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (long from = 0; from < n; from += batchSize) {
        long to = Math.min(n, from + batchSize);
        Map<String, FloatArray> part = run(converted, from, to);
        for (Map.Entry<String, FloatArray> e : part.entrySet()) {
          long[] s = e.getValue().shape();
          if (s[0] != to - from) {
            throw new IllegalStateException("signature '" + name + "' output '" + e.getKey() + "' has shape "
                + Shapes.toString(s) + " for a batch of " + (to - from) + ": it does not follow the batch dimension;"
                + " call predict with batchSize 0 to run all samples at once");
          }
          if (!joined.containsKey(e.getKey())) {
            long[] total = s.clone();
            total[0] = n;
            shapes.put(e.getKey(), total);
            joined.put(e.getKey(), new float[Math.toIntExact(Shapes.product(total))]);
          }
          int row = (int) (e.getValue().data().length / s[0]);
          System.arraycopy(e.getValue().data(), 0, joined.get(e.getKey()), Math.toIntExact(from * row), e.getValue().data().length);
        }
      }
      Map<String, FloatArray> out = new LinkedHashMap<>();
      for (String k : joined.keySet()) out.put(k, new FloatArray(joined.get(k), shapes.get(k)));
      return out;
    }

    private Map<String, FloatArray> run(Map<String, Feed> feeds, long from, long to) {
      lock.readLock().lock();
      try {
        if (closed) throw new IllegalStateException("SavedModel " + dir + " has been closed");
        List<Tensor> tensors = new ArrayList<>();
        try {
          Session.Runner r = ModelRuntime.runner(bundle.session(), from < 0 ? Long.MAX_VALUE : to - from);
          for (TensorSpec spec : inputs.values()) {
            Feed f = feeds.get(spec.name);
            boolean slice = from >= 0 && (spec.batched() || fixedBatchSize() > 0 && spec.hasBatch());
            Tensor t = slice ? f.tensor(from, to, true) : f.tensor(0, f.shape.length == 0 ? 1 : f.shape[0], false);
            tensors.add(t);
            r.feed(spec.tensorName, t);
          }
          for (TensorSpec o : outputs.values()) r.fetch(o.tensorName);
          try (Result res = r.run()) {
            Map<String, FloatArray> out = new LinkedHashMap<>();
            int i = 0;
            for (TensorSpec o : outputs.values()) out.put(o.name, toFloatArray(res.get(i++)));
            return out;
          }
        } catch (TensorFlowException e) {
          throw new SavedModelException("signature '" + name + "' of " + dir + " failed in TensorFlow: " + e.getMessage(), e);
        } finally {
          for (Tensor t : tensors) t.close();
        }
      } finally {
        lock.readLock().unlock();
      }
    }

    @Override
    public String toString() {
      return name + (methodName.isEmpty() ? "" : " [" + methodName + "]") + ": " + inputs.values() + " -> " + outputs.values();
    }
  }

  private static String describeFeeds(Map<String, Feed> feeds) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Feed> e : feeds.entrySet()) {
      if (b.length() > 0) b.append(", ");
      b.append(e.getKey()).append(' ').append(Shapes.toString(e.getValue().shape));
    }
    return b.toString();
  }

  // ----- outputs -----

  private static Class<?> outputKind(DataType dt) {
    switch (dt) {
      case DT_FLOAT: return TFloat32.class;
      case DT_DOUBLE: return TFloat64.class;
      case DT_INT32: return TInt32.class;
      case DT_INT64: return TInt64.class;
      case DT_BOOL: return TBool.class;
      default: return null;
    }
  }

  private static FloatArray toFloatArray(Tensor t) {
    long[] s = t.shape().asArray();
    int size = Math.toIntExact(t.shape().size());
    float[] out = new float[size];
    if (t instanceof TFloat32) {
      ((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
    } else if (t instanceof TFloat64) {
      double[] d = new double[size];
      ((TFloat64) t).copyTo(DataBuffers.of(d, false, false));
      for (int i = 0; i < size; i++) out[i] = (float) d[i];
    } else if (t instanceof TInt32) {
      int[] d = new int[size];
      ((TInt32) t).copyTo(DataBuffers.of(d, false, false));
      for (int i = 0; i < size; i++) out[i] = d[i];
    } else if (t instanceof TInt64) {
      long[] d = new long[size];
      ((TInt64) t).copyTo(DataBuffers.of(d, false, false));
      for (int i = 0; i < size; i++) out[i] = d[i];
    } else if (t instanceof TBool) {
      boolean[] d = new boolean[size];
      ((TBool) t).copyTo(DataBuffers.of(d, false, false));
      for (int i = 0; i < size; i++) out[i] = d[i] ? 1f : 0f;
    } else {
      throw new IllegalStateException("unsupported output dtype " + t.dataType());
    }
    return new FloatArray(out, s.length == 0 ? new long[] {1} : s);
  }

  // ----- inputs -----

  /** One input, converted to the signature's dtype and checked against its shape. */
  static final class Feed {
    final DataType dtype;
    final long[] shape;
    final Object data; // float[], double[], int[], long[], boolean[] or byte[][], row-major

    private Feed(DataType dtype, long[] shape, Object data) {
      this.dtype = dtype;
      this.shape = shape;
      this.data = data;
    }

    /** NonFinite's description of the NaN/infinite values of a float feed, or null. */
    String nonFinite(String what) {
      float[] f;
      if (data instanceof float[]) {
        f = (float[]) data;
      } else if (data instanceof double[]) {
        double[] d = (double[]) data;
        f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = Double.isFinite(d[i]) ? 0f : Float.NaN;
      } else {
        return null;
      }
      return NonFinite.describe(what, new FloatArray(f, shape.length == 0 ? new long[] {f.length} : shape));
    }

    static Feed of(TensorSpec spec, Object value, String signature, int fixedBatch) {
      String what = "input '" + spec.name + "' of signature '" + signature + "'";
      Source src = Source.of(value, spec.dtype == DataType.DT_STRING, what);
      Object data;
      switch (spec.dtype) {
        case DT_FLOAT: {
          float[] d = new float[src.size()];
          if (src.flat instanceof float[]) d = (float[]) src.flat; else for (int i = 0; i < d.length; i++) d[i] = (float) src.number(i, what, spec);
          data = d;
          break;
        }
        case DT_DOUBLE: {
          double[] d = new double[src.size()];
          for (int i = 0; i < d.length; i++) d[i] = src.number(i, what, spec);
          data = d;
          break;
        }
        case DT_INT32: {
          int[] d = new int[src.size()];
          for (int i = 0; i < d.length; i++) {
            long v = src.integer(i, what, spec);
            if (v != (int) v) throw new IllegalArgumentException(what + " expects DT_INT32 values but element " + i + " is " + v);
            d[i] = (int) v;
          }
          data = d;
          break;
        }
        case DT_INT64: {
          long[] d = new long[src.size()];
          for (int i = 0; i < d.length; i++) d[i] = src.integer(i, what, spec);
          data = d;
          break;
        }
        case DT_BOOL: {
          if (!(src.flat instanceof boolean[])) throw src.dtypeError(what, spec);
          data = src.flat;
          break;
        }
        case DT_STRING: {
          if (!(src.flat instanceof byte[][])) throw src.dtypeError(what, spec);
          data = src.flat;
          break;
        }
        default:
          throw new IllegalArgumentException(what + " has dtype " + spec.dtype + ", which predict does not support"
              + " (supported: DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_BOOL, DT_STRING)");
      }
      if (src.shape.length > 0 && src.shape[0] == 0) throw new IllegalArgumentException(what + ": the input holds no samples");
      checkShape(spec, src.shape, what, fixedBatch);
      return new Feed(spec.dtype, src.shape, data);
    }

    private static void checkShape(TensorSpec spec, long[] given, String what, int fixedBatch) {
      long[] want = spec.shape;
      if (want == null) return;
      String expected = what + " expects " + spec.dtype + " of shape " + Shapes.toString(want);
      if (given.length != want.length) {
        throw new IllegalArgumentException(expected + " (rank " + want.length + ") but got shape " + Shapes.toString(given)
            + " (rank " + given.length + ")");
      }
      for (int i = 0; i < want.length; i++) {
        if (i == 0 && fixedBatch > 0) continue; // any number of samples; split into fixed batches (checked there)
        if (want[i] >= 0 && want[i] != given[i]) {
          throw new IllegalArgumentException(expected + " but got shape " + Shapes.toString(given) + " (dimension " + i
              + " is " + given[i] + ", expected " + want[i] + ")");
        }
      }
    }

    /** Rows [from, to) as a tensor of the signature's dtype. */
    Tensor tensor(long from, long to, boolean slice) {
      long[] s = shape.clone();
      int lo = 0;
      int hi = Array.getLength(data);
      if (slice) {
        long row = s.length == 0 || s[0] == 0 ? 0 : Shapes.product(s) / s[0];
        s[0] = to - from;
        lo = Math.toIntExact(from * row);
        hi = Math.toIntExact(to * row);
      }
      Shape shp = Shape.of(s);
      switch (dtype) {
        case DT_FLOAT: return TFloat32.tensorOf(shp, DataBuffers.of(Arrays.copyOfRange((float[]) data, lo, hi), true, false));
        case DT_DOUBLE: return TFloat64.tensorOf(shp, DataBuffers.of(Arrays.copyOfRange((double[]) data, lo, hi), true, false));
        case DT_INT32: return TInt32.tensorOf(shp, DataBuffers.of(Arrays.copyOfRange((int[]) data, lo, hi), true, false));
        case DT_INT64: return TInt64.tensorOf(shp, DataBuffers.of(Arrays.copyOfRange((long[]) data, lo, hi), true, false));
        case DT_BOOL: return TBool.tensorOf(shp, DataBuffers.of(Arrays.copyOfRange((boolean[]) data, lo, hi), true, false));
        case DT_STRING: return TString.tensorOfBytes(shp, DataBuffers.ofObjects(Arrays.copyOfRange((byte[][]) data, lo, hi)));
        default: throw new IllegalStateException(dtype.toString());
      }
    }
  }

  /** A caller's value flattened: its shape and a primitive (or byte[][]) row-major array. */
  static final class Source {
    final long[] shape;
    final Object flat;
    final String kind;

    private Source(long[] shape, Object flat, String kind) {
      this.shape = shape;
      this.flat = flat;
      this.kind = kind;
    }

    int size() {
      return Array.getLength(flat);
    }

    IllegalArgumentException dtypeError(String what, TensorSpec spec) {
      return new IllegalArgumentException(what + " expects " + spec.dtype + " of shape " + describe(spec.shape)
          + " but was given " + kind + " values of shape " + Shapes.toString(shape));
    }

    double number(int i, String what, TensorSpec spec) {
      if (flat instanceof float[]) return ((float[]) flat)[i];
      if (flat instanceof double[]) return ((double[]) flat)[i];
      if (flat instanceof int[]) return ((int[]) flat)[i];
      if (flat instanceof long[]) return ((long[]) flat)[i];
      if (flat instanceof short[]) return ((short[]) flat)[i];
      if (flat instanceof byte[]) return ((byte[]) flat)[i];
      throw dtypeError(what, spec);
    }

    long integer(int i, String what, TensorSpec spec) {
      if (flat instanceof long[]) return ((long[]) flat)[i];
      if (flat instanceof int[]) return ((int[]) flat)[i];
      if (flat instanceof short[]) return ((short[]) flat)[i];
      if (flat instanceof byte[]) return ((byte[]) flat)[i];
      double d = number(i, what, spec);
      if (d != Math.rint(d) || Math.abs(d) > 9.007199254740992E15) {
        throw new IllegalArgumentException(what + " expects integer " + spec.dtype + " values but element " + i + " is " + d);
      }
      return (long) d;
    }

    static Source of(Object v, boolean strings, String what) {
      if (v instanceof FloatArray) {
        FloatArray a = (FloatArray) v;
        return new Source(a.shape(), a.data(), "float32");
      }
      if (v instanceof NdArray) return ofNd((NdArray<?>) v, what);
      if (v instanceof String) return new Source(new long[0], new byte[][] {((String) v).getBytes(StandardCharsets.UTF_8)}, "string");
      if (strings && v instanceof byte[]) return new Source(new long[0], new byte[][] {(byte[]) v}, "string");
      if (v instanceof Float) return new Source(new long[0], new float[] {(Float) v}, "float32");
      if (v instanceof Double) return new Source(new long[0], new double[] {(Double) v}, "float64");
      if (v instanceof Integer) return new Source(new long[0], new int[] {(Integer) v}, "int32");
      if (v instanceof Long) return new Source(new long[0], new long[] {(Long) v}, "int64");
      if (v instanceof Boolean) return new Source(new long[0], new boolean[] {(Boolean) v}, "bool");
      if (!v.getClass().isArray()) {
        throw new IllegalArgumentException(what + ": unsupported value of type " + v.getClass().getName()
            + " (use a FloatArray, a Java array, an NdArray, a number or a String)");
      }
      // Rank and leaf type from the array class.
      int rank = 0;
      Class<?> c = v.getClass();
      while (c.isArray() && !(strings && c == byte[].class)) {
        rank++;
        c = c.getComponentType();
      }
      Class<?> leaf = c;
      long[] shape = new long[rank];
      Object a = v;
      for (int i = 0; i < rank; i++) {
        shape[i] = Array.getLength(a);
        if (shape[i] == 0) break;
        if (i < rank - 1) a = Array.get(a, 0);
      }
      int total = Math.toIntExact(Shapes.product(shape));
      Object flat;
      String kind;
      if (leaf == float.class) { flat = new float[total]; kind = "float32"; }
      else if (leaf == double.class) { flat = new double[total]; kind = "float64"; }
      else if (leaf == int.class) { flat = new int[total]; kind = "int32"; }
      else if (leaf == long.class) { flat = new long[total]; kind = "int64"; }
      else if (leaf == short.class) { flat = new short[total]; kind = "int16"; }
      else if (leaf == byte.class) { flat = new byte[total]; kind = "int8"; }
      else if (leaf == boolean.class) { flat = new boolean[total]; kind = "bool"; }
      else if (leaf == String.class || leaf == byte[].class) { flat = new byte[total][]; kind = "string"; }
      else throw new IllegalArgumentException(what + ": unsupported element type " + leaf.getName());
      int[] pos = {0};
      fill(v, shape, 0, flat, pos, "x", what);
      return new Source(shape, flat, kind);
    }

    private static void fill(Object a, long[] shape, int depth, Object flat, int[] pos, String path, String what) {
      if (a == null) throw new IllegalArgumentException(what + ": null row at " + path);
      int n = Array.getLength(a);
      if (n != shape[depth]) {
        throw new IllegalArgumentException(what + ": ragged array: " + path + " has length " + n
            + " but the first row at that depth has " + shape[depth]);
      }
      if (depth == shape.length - 1) {
        if (flat instanceof byte[][]) {
          byte[][] out = (byte[][]) flat;
          for (int i = 0; i < n; i++) {
            Object e = Array.get(a, i);
            if (e == null) throw new IllegalArgumentException(what + ": null string at " + path + "[" + i + "]");
            out[pos[0] + i] = e instanceof String ? ((String) e).getBytes(StandardCharsets.UTF_8) : (byte[]) e;
          }
        } else {
          System.arraycopy(a, 0, flat, pos[0], n);
        }
        pos[0] += n;
        return;
      }
      for (int i = 0; i < n; i++) fill(Array.get(a, i), shape, depth + 1, flat, pos, path + "[" + i + "]", what);
    }

    private static Source ofNd(NdArray<?> nd, String what) {
      long[] shape = nd.shape().asArray();
      int n = Math.toIntExact(nd.size());
      if (nd instanceof FloatNdArray) {
        float[] d = new float[n];
        ((FloatNdArray) nd).copyTo(DataBuffers.of(d, false, false));
        return new Source(shape, d, "float32");
      }
      if (nd instanceof DoubleNdArray) {
        double[] d = new double[n];
        ((DoubleNdArray) nd).copyTo(DataBuffers.of(d, false, false));
        return new Source(shape, d, "float64");
      }
      if (nd instanceof IntNdArray) {
        int[] d = new int[n];
        ((IntNdArray) nd).copyTo(DataBuffers.of(d, false, false));
        return new Source(shape, d, "int32");
      }
      if (nd instanceof LongNdArray) {
        long[] d = new long[n];
        ((LongNdArray) nd).copyTo(DataBuffers.of(d, false, false));
        return new Source(shape, d, "int64");
      }
      if (nd instanceof BooleanNdArray) {
        boolean[] d = new boolean[n];
        ((BooleanNdArray) nd).copyTo(DataBuffers.of(d, false, false));
        return new Source(shape, d, "bool");
      }
      throw new IllegalArgumentException(what + ": unsupported NdArray " + nd.getClass().getSimpleName()
          + " (use float, double, int, long or boolean NdArrays)");
    }
  }
}
