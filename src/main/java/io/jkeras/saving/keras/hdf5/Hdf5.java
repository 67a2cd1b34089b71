package io.jkeras.saving.keras.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.WritableGroupImpl;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.storage.HdfFileChannel;
import io.jkeras.data.FloatArray;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.jkeras.config.KerasFormatException;

/**
 * The HDF5 that Keras's files need, on jhdf: opening with errors that name the file, reading
 * string-list attributes and float datasets with their size checked before any data is read,
 * and writing a tree of groups, float32 datasets and string attributes.
 *
 * <p>Writing goes through jhdf's group and dataset writers but not through
 * {@code WritableHdfFile.close()}: jhdf 0.13.0 writes its trailing "jHDF" info string at the
 * file channel's current position, which is the end of the last dataset's data, and so
 * overwrites whatever group header was written after that dataset (h5py then fails with "bad
 * object header version number"). {@link #write} lays the same objects out and writes the
 * superblock itself, without that info string.
 */
public final class Hdf5 {
  /** The 8-byte HDF5 signature at offset 0 (no user block). */
  private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private Hdf5() {}

  // ----- reading -----

  /** True if the file starts with the HDF5 signature. */
  public static boolean isHdf5(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(SIGNATURE.length);
      return Arrays.equals(head, SIGNATURE);
    } catch (IOException e) {
      return false;
    }
  }

  /** Opens {@code file} for reading; a file that is not HDF5 gives a KerasFormatException naming it. */
  public static HdfFile open(Path file, String what) {
    if (!Files.exists(file)) throw new KerasFormatException(file + ": no such file");
    if (Files.isDirectory(file)) throw new KerasFormatException(file + ": is a directory, expected " + what);
    if (!isHdf5(file)) {
      throw new KerasFormatException(file + ": not an HDF5 file (no HDF5 signature at the start); expected " + what);
    }
    HdfFile hdf = null;
    try {
      hdf = new HdfFile(file);
      // As the HDF5 library does ("truncated file: eof = ..., stored_eof = ..."): a file shorter than its
      // superblock says has lost data, which jhdf would otherwise read as garbage.
      Superblock sb = hdf.getHdfBackingStorage().getSuperblock();
      long stored = sb.getEndOfFileAddress();
      long size = Files.size(file);
      if (stored > 0 && stored != -1L && sb.getBaseAddressByte() + stored > size) {
        throw new KerasFormatException(file + ": truncated HDF5 file: it has " + size + " bytes but its superblock says "
            + (sb.getBaseAddressByte() + stored));
      }
      return hdf;
    } catch (IOException | RuntimeException e) {
      if (hdf != null) hdf.close();
      throw corrupt(file, e);
    }
  }

  /**
   * Opens HDF5 bytes held in memory (a member of a {@code .keras} archive); errors name
   * {@code label}.
   */
  public static HdfFile open(java.nio.ByteBuffer bytes, Path label, String what) {
    byte[] head = new byte[Math.min(SIGNATURE.length, bytes.remaining())];
    bytes.duplicate().get(head);
    if (!Arrays.equals(head, SIGNATURE)) {
      throw new KerasFormatException(label + ": not an HDF5 file (no HDF5 signature at the start); expected " + what);
    }
    long size = bytes.remaining();
    HdfFile hdf = null;
    try {
      hdf = HdfFile.fromByteBuffer(bytes);
      Superblock sb = hdf.getHdfBackingStorage().getSuperblock();
      long stored = sb.getEndOfFileAddress();
      if (stored > 0 && stored != -1L && sb.getBaseAddressByte() + stored > size) {
        throw new KerasFormatException(label + ": truncated HDF5 file: it has " + size + " bytes but its superblock says "
            + (sb.getBaseAddressByte() + stored));
      }
      return hdf;
    } catch (RuntimeException e) {
      if (hdf != null) hdf.close();
      throw corrupt(label, e);
    }
  }

  public static KerasFormatException corrupt(Path file, Throwable e) {
    if (e instanceof KerasFormatException) return (KerasFormatException) e;
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new KerasFormatException(file + ": damaged or unsupported HDF5 file (truncated?): " + m, e);
  }

  /** The child {@code name} of {@code group}, or null. */
  public static Node child(Group group, String name) {
    Map<String, Node> children = group.getChildren();
    return children.get(name);
  }

  public static Group childGroup(Group group, String name) {
    Node n = child(group, name);
    return n != null && n.isGroup() ? (Group) n : null;
  }

  /** The node at a '/'-separated path below {@code group} (a weight or optimizer weight name), or null. */
  public static Node resolve(Group group, String path) {
    Node n = group;
    for (String part : path.split("/")) {
      if (part.isEmpty()) continue;
      if (!(n instanceof Group)) return null;
      n = child((Group) n, part);
      if (n == null) return null;
    }
    return n;
  }

  /** A string or string-list attribute as a list (an empty numeric array, as h5py writes for [], is empty); null if absent. */
  public static List<String> strings(Node node, String attribute) {
    Attribute a = node.getAttributes().get(attribute);
    if (a == null) return null;
    if (a.isEmpty()) return List.of();
    Object d = a.getData();
    if (d instanceof String) return List.of((String) d);
    if (d instanceof String[]) return Arrays.asList((String[]) d);
    if (d != null && d.getClass().isArray() && Array.getLength(d) == 0) return List.of();
    if (d instanceof Object[]) {
      List<String> r = new ArrayList<>();
      for (Object o : (Object[]) d) r.add(String.valueOf(o));
      return r;
    }
    throw new KerasFormatException(node.getPath() + ": attribute '" + attribute + "' is not a list of strings");
  }

  /** A string attribute, or null if absent. */
  public static String string(Node node, String attribute) {
    List<String> s = strings(node, attribute);
    if (s == null || s.isEmpty()) return null;
    if (s.size() != 1) throw new KerasFormatException(node.getPath() + ": attribute '" + attribute + "' has " + s.size() + " values, expected one");
    return s.get(0);
  }

  /** The shape of a dataset (a scalar as []). */
  public static long[] shape(Dataset d) {
    return d.getDimensionsAsLong();
  }

  /**
   * Reads a numeric dataset as float32. {@code maxElements} bounds the size, checked from the
   * header before the data is read, so that a corrupt or hostile file cannot make jkeras
   * allocate more than the weight it is meant for.
   */
  public static FloatArray read(Dataset d, long maxElements) {
    long[] shape = shape(d);
    long n = Shapes.product(shape);
    if (n > maxElements || n > Integer.MAX_VALUE - 8) {
      throw new KerasFormatException(d.getPath() + ": dataset of shape " + Shapes.toString(shape) + " is larger than expected ("
          + maxElements + " values)");
    }
    Class<?> t = d.getJavaType();
    if (t != float.class && t != double.class && t != Float.class && t != Double.class) {
      throw new KerasFormatException(d.getPath() + ": expected float32 or float64 values, the dataset holds " + t.getSimpleName());
    }
    Object flat = shape.length == 0 ? d.getData() : d.getDataFlat();
    float[] data;
    if (flat instanceof float[]) {
      data = (float[]) flat;
    } else if (flat instanceof double[]) {
      double[] dd = (double[]) flat;
      data = new float[dd.length];
      for (int i = 0; i < dd.length; i++) data[i] = (float) dd[i];
    } else if (flat instanceof Number) {
      data = new float[] {((Number) flat).floatValue()};
    } else {
      throw new KerasFormatException(d.getPath() + ": cannot read the values of this dataset");
    }
    if (data.length != n) throw new KerasFormatException(d.getPath() + ": holds " + data.length + " values, its shape says " + n);
    return new FloatArray(data, shape.length == 0 ? new long[] {1} : shape);
  }

  /** Reads a scalar integer dataset (Keras's iteration: int64, or int32 from JAX); a float one must hold a whole number. */
  public static long readInteger(Dataset d) {
    long[] shape = shape(d);
    if (Shapes.product(shape) != 1) {
      throw new KerasFormatException(d.getPath() + ": expected a scalar, the dataset has shape " + Shapes.toString(shape));
    }
    Object v = shape.length == 0 ? d.getData() : d.getDataFlat();
    if (v != null && v.getClass().isArray()) v = Array.get(v, 0);
    if (!(v instanceof Number)) throw new KerasFormatException(d.getPath() + ": expected a number");
    double x = ((Number) v).doubleValue();
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long n = ((Number) v).longValue();
      if (n < 0) throw new KerasFormatException(d.getPath() + ": expected a step count >= 0, got " + n);
      return n;
    }
    if (x != Math.rint(x) || x < 0) throw new KerasFormatException(d.getPath() + ": expected a whole step count, got " + x);
    return (long) x;
  }

  // ----- writing -----

  /** A group to be written: string attributes, then children (groups or datasets) in insertion order. */
  public static final class Tree {
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final Map<String, Object> children = new LinkedHashMap<>();

    /** The child group {@code name}, created if absent. */
    public Tree group(String name) {
      Object c = children.get(name);
      if (c instanceof Tree) return (Tree) c;
      if (c != null) throw new IllegalStateException("'" + name + "' is already a dataset");
      Tree t = new Tree();
      children.put(name, t);
      return t;
    }

    public Tree attribute(String name, String value) {
      attributes.put(name, value);
      return this;
    }

    public void dataset(String name, FloatArray value) {
      if (children.containsKey(name)) throw new IllegalStateException("'" + name + "' already exists");
      children.put(name, value);
    }

    /** A scalar dataset: int64 for a Long, float32 for a Float (Keras's iteration and learning_rate). */
    public void scalar(String name, Number value) {
      if (!(value instanceof Long) && !(value instanceof Float)) throw new IllegalArgumentException("scalar must be a Long or a Float");
      if (children.containsKey(name)) throw new IllegalStateException("'" + name + "' already exists");
      children.put(name, value);
    }

    public Map<String, Object> children() {
      return Collections.unmodifiableMap(children);
    }
  }

  /** Writes {@code root} as an HDF5 file at {@code file}, replacing its contents (callers write to a temporary file). */
  public static void write(Tree root, Path file) throws IOException {
    try (FileChannel fc = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Superblock.SuperblockV2V3 superblock = new Superblock.SuperblockV2V3();
      HdfFileChannel channel = new HdfFileChannel(fc, superblock);
      WritableGroupImpl group = new WritableGroupImpl(null, "/");
      fill(group, root);
      long end = group.write(channel, WritableHdfFile.ROOT_GROUP_ADDRESS);
      long eof = Math.max(end, fc.size());
      channel.write(superblock.toBuffer(eof), 0L);
      fc.force(true);
    } catch (RuntimeException e) {
      throw new IOException("cannot write HDF5 file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void fill(WritableGroup g, Tree t) {
    for (Map.Entry<String, String> a : t.attributes.entrySet()) g.putAttribute(a.getKey(), a.getValue());
    for (Map.Entry<String, Object> c : t.children.entrySet()) {
      if (c.getValue() instanceof Tree) {
        fill(g.putGroup(c.getKey()), (Tree) c.getValue());
      } else if (c.getValue() instanceof Number) {
        g.putDataset(c.getKey(), c.getValue());
      } else {
        g.putDataset(c.getKey(), nested((FloatArray) c.getValue()));
      }
    }
  }

  /** A FloatArray as the nested Java array jhdf writes ({@code float[]}, {@code float[][]}, ...). */
  private static Object nested(FloatArray a) {
    long[] s = a.shape();
    int[] dims = new int[s.length];
    for (int i = 0; i < s.length; i++) dims[i] = Math.toIntExact(s[i]);
    Object out = Array.newInstance(float.class, dims);
    fillNested(out, dims, 0, a.data(), new int[] {0});
    return out;
  }

  private static void fillNested(Object arr, int[] dims, int depth, float[] data, int[] pos) {
    if (depth == dims.length - 1) {
      System.arraycopy(data, pos[0], arr, 0, dims[depth]);
      pos[0] += dims[depth];
      return;
    }
    for (int i = 0; i < dims[depth]; i++) fillNested(Array.get(arr, i), dims, depth + 1, data, pos);
  }
}
