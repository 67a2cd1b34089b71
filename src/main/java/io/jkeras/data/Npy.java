package io.jkeras.data;

import io.jkeras.utils.AtomicFiles;
import io.jkeras.utils.ResourceBudget;
import io.jkeras.utils.ResourceLimitException;
import io.jkeras.utils.ShapeMath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1-3), the arrays Python users exchange. Reads
 * float32/float64/int8-64/uint8/bool in either byte order, C order; writes little-endian float32.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private static final java.util.Set<String> SUPPORTED = java.util.Set.of("f4", "f8", "i1", "u1", "b1", "i2", "i4", "i8");

  private Npy() {}

  public static FloatArray read(Path path) throws IOException {
    try {
      // an .npy is at most a header and its data (float64: twice the float32 budget)
      long size = Files.size(path);
      long most = ShapeMath.add(ShapeMath.multiply(ResourceBudget.current().maxTensorBytes(), 2, "the file"), 1 << 20, "the file");
      if (size > most) {
        throw new ResourceLimitException("the file is " + ResourceBudget.describeBytes(size) + ", more than an array within the "
            + ResourceBudget.describeBytes(ResourceBudget.current().maxTensorBytes()) + " one tensor may have can take"
            + " (raise it with -Djkeras.maxTensorBytes=N, --max-tensor-bytes N on the command line, or ResourceBudget in Java)");
      }
      return read(Files.readAllBytes(path));
    } catch (ResourceLimitException e) {
      ResourceLimitException r = new ResourceLimitException(path + ": " + e.getMessage());
      r.initCause(e);
      throw r;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  public static FloatArray read(byte[] bytes) {
    if (bytes.length < 10) throw new IllegalArgumentException("not a .npy file (too short)");
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) throw new IllegalArgumentException("not a .npy file (bad magic)");
    }
    int major = bytes[6];
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(b.getShort(8));
      offset = 10;
    } else if (major == 2 || major == 3) {
      headerLen = b.getInt(8);
      offset = 12;
    } else {
      throw new IllegalArgumentException("unsupported .npy version " + major);
    }
    if (headerLen < 0 || offset + headerLen > bytes.length) throw new IllegalArgumentException("truncated .npy header");
    String header = new String(bytes, offset, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException("malformed .npy header: " + header.trim());
    if (f.group(1).equals("True")) throw new IllegalArgumentException("Fortran-order .npy arrays are not supported");
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (part.trim().isEmpty()) continue;
      long dim;
      try {
        dim = Long.parseLong(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the header's shape (" + s.group(1) + ") has a dimension that is not an integer: '"
            + part.trim() + "'");
      }
      if (dim < 0) throw new IllegalArgumentException("the header's shape (" + s.group(1) + ") has a negative dimension " + dim);
      dims.add(dim);
    }
    long[] shape = dims.isEmpty() ? new long[] {1} : dims.stream().mapToLong(Long::longValue).toArray();
    String descr = d.group(1);
    ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    String type = descr.isEmpty() ? "" : descr.substring(descr.charAt(0) == '<' || descr.charAt(0) == '>' || descr.charAt(0) == '|' || descr.charAt(0) == '=' ? 1 : 0);
    if (!SUPPORTED.contains(type)) {
      throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "'" + (type.startsWith("O") ? " (Python objects)" : "")
          + "; numbers only: float32/64, int8/16/32/64, uint8, bool");
    }
    int size = Integer.parseInt(type.substring(1));
    // checked before anything is allocated: the shape's size, then the budget for one array (as float32)
    long count = ResourceBudget.current().checkTensor("the array", shape, Float.BYTES);
    long needed = ShapeMath.multiply(count, size, "the array's bytes");
    int start = offset + headerLen;
    if (needed > bytes.length - (long) start) {
      throw new IllegalArgumentException("truncated .npy data: shape " + dims + " needs " + needed + " bytes, the file has "
          + (bytes.length - start));
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, start, bytes.length - start).slice().order(order);
    float[] out = new float[ShapeMath.toIntSize(count, "the array")];
    for (int i = 0; i < out.length; i++) {
      switch (type) {
        case "f4": out[i] = data.getFloat(i * 4); break;
        case "f8": out[i] = (float) data.getDouble(i * 8); break;
        case "i1": out[i] = data.get(i); break;
        case "u1":
        case "b1": out[i] = Byte.toUnsignedInt(data.get(i)); break;
        case "i2": out[i] = data.getShort(i * 2); break;
        case "i4": out[i] = data.getInt(i * 4); break;
        case "i8": out[i] = data.getLong(i * 8); break;
        default: throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "'");
      }
    }
    return new FloatArray(out, shape);
  }

  /** True if the file holds a 0-d array (shape {@code ()}), which {@link #read} returns as shape (1). */
  public static boolean isScalar(Path path) throws IOException {
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(path)) {
      n = in.readNBytes(head, 0, head.length);
    }
    Matcher s = SHAPE.matcher(new String(head, 0, n, StandardCharsets.ISO_8859_1));
    return s.find() && s.group(1).trim().isEmpty();
  }

  /** Writes little-endian float32, format 1.0. */
  public static void write(Path path, FloatArray a) throws IOException {
    byte[] bytes = toBytes(a);
    AtomicFiles.writeFile(path, tmp -> Files.write(tmp, bytes));
  }

  public static byte[] toBytes(FloatArray a) {
    StringBuilder shape = new StringBuilder();
    long[] s = a.shape();
    for (long d : s) shape.append(d).append(", ");
    String dims = s.length == 1 ? shape.toString().trim() : shape.substring(0, shape.length() - 2);
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + a.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float v : a.data()) b.putFloat(v);
    return b.array();
  }
}
