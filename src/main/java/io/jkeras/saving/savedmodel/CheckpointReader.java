package io.jkeras.saving.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jkeras.data.FloatArray;
import io.jkeras.utils.Shapes;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads a TensorFlow V2 checkpoint (the "tensor bundle" of {@code variables/variables.index} and
 * {@code variables.data-NNNNN-of-NNNNN}) in plain Java, without TensorFlow's native library.
 *
 * <p>The index is TensorFlow's SSTable: data blocks of prefix-compressed key/value entries, an
 * index block pointing at them and a 48-byte footer ending in a magic number; every block
 * carries a masked CRC32C. Its keys are the checkpoint keys (the empty key holds the
 * {@code BundleHeaderProto}), its values {@code BundleEntryProto}s giving each tensor's dtype,
 * shape, shard, offset, size and CRC32C. Everything is bounds- and checksum-checked, so a
 * truncated or corrupt file is reported as a {@link SavedModelException} naming the file, never
 * handed to native code.
 */
public final class CheckpointReader {
  private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER_LENGTH = 48;
  private static final int BLOCK_TRAILER = 5;

  private final Path prefix;
  private final BundleHeaderProto header;
  private final Map<String, BundleEntryProto> entries;

  private CheckpointReader(Path prefix, BundleHeaderProto header, Map<String, BundleEntryProto> entries) {
    this.prefix = prefix;
    this.header = header;
    this.entries = entries;
  }

  /** Opens the checkpoint of a SavedModel directory ({@code dir/variables/variables}). */
  public static CheckpointReader openSavedModel(Path savedModelDir) {
    return open(savedModelDir.resolve("variables").resolve("variables"));
  }

  /** Opens the checkpoint with this prefix ({@code prefix.index} and its data shards). */
  public static CheckpointReader open(Path prefix) {
    Path index = indexPath(prefix);
    if (!Files.isRegularFile(index)) {
      throw new SavedModelException("no checkpoint index at " + index);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(index);
    } catch (IOException e) {
      throw new SavedModelException("cannot read checkpoint index " + index + ": " + e.getMessage(), e);
    }
    Map<String, byte[]> raw = new TreeMap<>();
    try {
      readTable(bytes, raw);
    } catch (CorruptException e) {
      throw new SavedModelException("checkpoint index " + index + " is truncated or corrupt: " + e.getMessage());
    }
    byte[] headerBytes = raw.remove("");
    if (headerBytes == null) {
      throw new SavedModelException("checkpoint index " + index + " is corrupt: it has no bundle header entry");
    }
    BundleHeaderProto header;
    Map<String, BundleEntryProto> entries = new TreeMap<>();
    try {
      header = BundleHeaderProto.parseFrom(headerBytes);
      for (Map.Entry<String, byte[]> e : raw.entrySet()) entries.put(e.getKey(), BundleEntryProto.parseFrom(e.getValue()));
    } catch (InvalidProtocolBufferException e) {
      throw new SavedModelException("checkpoint index " + index + " is corrupt: " + e.getMessage(), e);
    }
    if (header.getNumShards() <= 0) {
      throw new SavedModelException("checkpoint index " + index + " is corrupt: num_shards = " + header.getNumShards());
    }
    for (Map.Entry<String, BundleEntryProto> e : entries.entrySet()) {
      BundleEntryProto en = e.getValue();
      if (en.getSlicesCount() == 0 && (en.getShardId() < 0 || en.getShardId() >= header.getNumShards()
          || en.getOffset() < 0 || en.getSize() < 0)) {
        throw new SavedModelException("checkpoint index " + index + " is corrupt: entry '" + e.getKey()
            + "' points at shard " + en.getShardId() + " offset " + en.getOffset() + " size " + en.getSize());
      }
    }
    return new CheckpointReader(prefix, header, Collections.unmodifiableMap(entries));
  }

  static Path indexPath(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  /** The data shard file {@code prefix.data-0000i-of-0000n}. */
  public Path shardPath(int shard) {
    String name = String.format(Locale.ROOT, "%s.data-%05d-of-%05d", prefix.getFileName(), shard, header.getNumShards());
    return prefix.resolveSibling(name);
  }

  public Path prefix() {
    return prefix;
  }

  public int numShards() {
    return header.getNumShards();
  }

  /** Every checkpoint key, sorted (the header's empty key excluded). */
  public List<String> keys() {
    return new ArrayList<>(entries.keySet());
  }

  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** The raw index entry of {@code key}. */
  public BundleEntryProto entry(String key) {
    BundleEntryProto e = entries.get(key);
    if (e == null) {
      throw new IllegalArgumentException("checkpoint " + prefix + " has no key '" + key + "'" + suggest(key));
    }
    return e;
  }

  public DataType dtype(String key) {
    return entry(key).getDtype();
  }

  /** The shape of {@code key}'s tensor ({@code []} for a scalar). */
  public long[] shape(String key) {
    return dims(entry(key).getShape());
  }

  static long[] dims(TensorShapeProto s) {
    long[] d = new long[s.getDimCount()];
    for (int i = 0; i < d.length; i++) d[i] = s.getDim(i).getSize();
    return d;
  }

  private String suggest(String key) {
    List<String> close = new ArrayList<>();
    String tail = key.contains("/") ? key.substring(key.lastIndexOf('/') + 1) : key;
    for (String k : entries.keySet()) {
      if (k.contains(tail) && close.size() < 8) close.add(k);
    }
    if (close.isEmpty()) {
      List<String> all = keys();
      return "; it has " + all.size() + " keys, e.g. " + all.subList(0, Math.min(8, all.size()));
    }
    return "; similar keys: " + close;
  }

  /**
   * The value of a numeric tensor as float32 (float64 and integer types are converted; a scalar
   * comes back with shape (1)). Its CRC32C is checked first.
   */
  public FloatArray floatValue(String key) {
    BundleEntryProto e = entry(key);
    DataType dt = e.getDtype();
    int width = numericWidth(dt);
    if (width <= 0) {
      throw new IllegalArgumentException("checkpoint key '" + key + "' holds " + dt + " values, not numbers");
    }
    long[] shape = dims(e.getShape());
    long n = Shapes.product(shape);
    if (n * width != e.getSize()) {
      throw new SavedModelException("checkpoint " + prefix + " is corrupt: entry '" + key + "' of shape "
          + Shapes.toString(shape) + " " + dt + " needs " + n * width + " bytes but records " + e.getSize());
    }
    ByteBuffer b = ByteBuffer.wrap(bytes(key)).order(byteOrder());
    float[] out = new float[Math.toIntExact(n)];
    for (int i = 0; i < out.length; i++) {
      switch (dt) {
        case DT_FLOAT: out[i] = b.getFloat(i * 4); break;
        case DT_DOUBLE: out[i] = (float) b.getDouble(i * 8); break;
        case DT_HALF: out[i] = halfToFloat(b.getShort(i * 2)); break;
        case DT_BFLOAT16: out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); break;
        case DT_INT8: out[i] = b.get(i); break;
        case DT_UINT8: case DT_BOOL: out[i] = b.get(i) & 0xff; break;
        case DT_INT16: out[i] = b.getShort(i * 2); break;
        case DT_UINT16: out[i] = b.getShort(i * 2) & 0xffff; break;
        case DT_INT32: out[i] = b.getInt(i * 4); break;
        case DT_UINT32: out[i] = b.getInt(i * 4) & 0xffffffffL; break;
        case DT_INT64: case DT_UINT64: out[i] = b.getLong(i * 8); break;
        default: throw new IllegalStateException(dt.toString());
      }
    }
    return new FloatArray(out, shape.length == 0 ? new long[] {1} : shape);
  }

  /** The elements of a DT_STRING tensor (e.g. the {@code _CHECKPOINTABLE_OBJECT_GRAPH}), CRC-checked. */
  public byte[][] stringValue(String key) {
    BundleEntryProto e = entry(key);
    if (e.getDtype() != DataType.DT_STRING) {
      throw new IllegalArgumentException("checkpoint key '" + key + "' holds " + e.getDtype() + " values, not strings");
    }
    long n = Shapes.product(dims(e.getShape()));
    byte[] data = readRange(e);
    ByteBuffer b = ByteBuffer.wrap(data);
    long[] lengths = new long[Math.toIntExact(n)];
    CRC32C crc = new CRC32C();
    ByteBuffer le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    try {
      for (int i = 0; i < lengths.length; i++) {
        lengths[i] = readVarint64(b);
        // Checksummed as a uint32 when it fits (as older checkpoints did), else as a uint64.
        le.clear();
        if (lengths[i] >= 0 && lengths[i] <= 0xffffffffL) {
          le.putInt((int) lengths[i]);
          crc.update(le.array(), 0, 4);
        } else {
          le.putLong(lengths[i]);
          crc.update(le.array(), 0, 8);
        }
      }
      int lengthChecksum = b.order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (lengthChecksum != mask((int) crc.getValue())) throw new CorruptException("string lengths checksum mismatch");
      crc.update(data, b.position() - 4, 4);
      byte[][] out = new byte[lengths.length][];
      for (int i = 0; i < out.length; i++) {
        if (lengths[i] > b.remaining()) throw new CorruptException("string " + i + " runs past the entry");
        out[i] = new byte[(int) lengths[i]];
        b.get(out[i]);
        crc.update(out[i]);
      }
      if (mask((int) crc.getValue()) != e.getCrc32C()) throw new CorruptException("checksum mismatch");
      return out;
    } catch (CorruptException | BufferUnderflowException x) {
      throw new SavedModelException("checkpoint " + prefix + " is corrupt: string entry '" + key + "': " + x.getMessage());
    }
  }

  /** The stored bytes of {@code key}'s tensor, after checking size and CRC32C. */
  public byte[] bytes(String key) {
    BundleEntryProto e = entry(key);
    byte[] data = readRange(e);
    if (e.getDtype() != DataType.DT_STRING) {
      CRC32C crc = new CRC32C();
      crc.update(data);
      if (mask((int) crc.getValue()) != e.getCrc32C()) {
        throw new SavedModelException("checkpoint " + prefix + " is corrupt: checksum mismatch in the data of '" + key
            + "' (" + shardPath(e.getShardId()).getFileName() + " offset " + e.getOffset() + ", " + e.getSize() + " bytes)");
      }
    }
    return data;
  }

  /**
   * Checks that every data shard exists and holds every entry's bytes with the recorded CRC32C:
   * what TensorFlow would find when restoring, found here first.
   */
  public void verify() {
    long[] needed = new long[header.getNumShards()];
    for (BundleEntryProto e : entries.values()) {
      if (e.getSlicesCount() > 0) continue;
      needed[e.getShardId()] = Math.max(needed[e.getShardId()], e.getOffset() + e.getSize());
    }
    for (int s = 0; s < needed.length; s++) {
      Path p = shardPath(s);
      if (!Files.isRegularFile(p)) {
        throw new SavedModelException("checkpoint data file " + p + " is missing");
      }
      long len;
      try {
        len = Files.size(p);
      } catch (IOException ex) {
        throw new SavedModelException("cannot read checkpoint data file " + p + ": " + ex.getMessage(), ex);
      }
      if (len < needed[s]) {
        throw new SavedModelException("checkpoint data file " + p + " is truncated: it has " + len
            + " bytes but the index needs " + needed[s]);
      }
    }
    for (String key : entries.keySet()) {
      BundleEntryProto e = entries.get(key);
      if (e.getSlicesCount() > 0) continue;
      if (e.getDtype() == DataType.DT_STRING) stringValue(key); else checkCrc(key, e);
    }
  }

  /** Streams an entry's bytes through CRC32C (tensors of any size, 1 MiB at a time). */
  private void checkCrc(String key, BundleEntryProto e) {
    Path p = shardPath(e.getShardId());
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      CRC32C crc = new CRC32C();
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long pos = e.getOffset();
      long left = e.getSize();
      while (left > 0) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), left));
        int r = ch.read(buf, pos);
        if (r < 0) throw new SavedModelException("checkpoint data file " + p + " ended early");
        buf.flip();
        crc.update(buf);
        pos += r;
        left -= r;
      }
      if (mask((int) crc.getValue()) != e.getCrc32C()) {
        throw new SavedModelException("checkpoint " + prefix + " is corrupt: checksum mismatch in the data of '" + key
            + "' (" + p.getFileName() + " offset " + e.getOffset() + ", " + e.getSize() + " bytes)");
      }
    } catch (IOException ex) {
      throw new SavedModelException("cannot read checkpoint data file " + p + ": " + ex.getMessage(), ex);
    }
  }

  private byte[] readRange(BundleEntryProto e) {
    if (e.getSlicesCount() > 0) {
      throw new UnsupportedOperationException("partitioned (sliced) checkpoint tensors are not supported");
    }
    Path p = shardPath(e.getShardId());
    if (e.getSize() > Integer.MAX_VALUE - 16) throw new UnsupportedOperationException("tensor larger than 2 GB");
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      if (ch.size() < e.getOffset() + e.getSize()) {
        throw new SavedModelException("checkpoint data file " + p + " is truncated: it has " + ch.size()
            + " bytes but an entry needs bytes up to " + (e.getOffset() + e.getSize()));
      }
      ByteBuffer buf = ByteBuffer.allocate((int) e.getSize());
      long pos = e.getOffset();
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos);
        if (r < 0) throw new SavedModelException("checkpoint data file " + p + " ended early");
        pos += r;
      }
      return buf.array();
    } catch (NoSuchFileException ex) {
      throw new SavedModelException("checkpoint data file " + p + " is missing");
    } catch (IOException ex) {
      throw new SavedModelException("cannot read checkpoint data file " + p + ": " + ex.getMessage(), ex);
    }
  }

  private ByteOrder byteOrder() {
    return header.getEndianness() == BundleHeaderProto.Endianness.BIG ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits >>> 15) << 31;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  static int numericWidth(DataType dt) {
    switch (dt) {
      case DT_FLOAT: case DT_INT32: case DT_UINT32: return 4;
      case DT_DOUBLE: case DT_INT64: case DT_UINT64: return 8;
      case DT_HALF: case DT_BFLOAT16: case DT_INT16: case DT_UINT16: return 2;
      case DT_INT8: case DT_UINT8: case DT_BOOL: return 1;
      default: return -1;
    }
  }

  // ----- CRC32C as LevelDB/TensorFlow store it -----

  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  // ----- SSTable -----

  /** A format violation found while parsing; turned into a SavedModelException naming the file. */
  static final class CorruptException extends Exception {
    CorruptException(String message) {
      super(message);
    }
  }

  private static void readTable(byte[] file, Map<String, byte[]> out) throws CorruptException {
    if (file.length < FOOTER_LENGTH) {
      throw new CorruptException("the file has " + file.length + " bytes, less than the 48-byte table footer");
    }
    ByteBuffer f = ByteBuffer.wrap(file, file.length - FOOTER_LENGTH, FOOTER_LENGTH).slice();
    long magic = ByteBuffer.wrap(file, file.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (magic != TABLE_MAGIC) throw new CorruptException("bad table magic number (not a TensorFlow checkpoint index)");
    readVarint64(f); // metaindex offset
    readVarint64(f); // metaindex size
    long indexOffset = readVarint64(f);
    long indexSize = readVarint64(f);
    byte[] index = readBlock(file, indexOffset, indexSize);
    List<byte[][]> handles = new ArrayList<>();
    iterateBlock(index, handles);
    for (byte[][] kv : handles) {
      ByteBuffer h = ByteBuffer.wrap(kv[1]);
      long off = readVarint64(h);
      long size = readVarint64(h);
      List<byte[][]> data = new ArrayList<>();
      iterateBlock(readBlock(file, off, size), data);
      for (byte[][] e : data) out.put(new String(e[0], StandardCharsets.UTF_8), e[1]);
    }
  }

  private static byte[] readBlock(byte[] file, long offset, long size) throws CorruptException {
    if (offset < 0 || size < 0 || offset + size + BLOCK_TRAILER > file.length - FOOTER_LENGTH) {
      throw new CorruptException("block at offset " + offset + " size " + size + " lies outside the file ("
          + file.length + " bytes)");
    }
    int o = (int) offset;
    int n = (int) size;
    CRC32C crc = new CRC32C();
    crc.update(file, o, n + 1);
    int stored = ByteBuffer.wrap(file, o + n + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != mask((int) crc.getValue())) throw new CorruptException("block checksum mismatch at offset " + offset);
    switch (file[o + n]) {
      case 0: return Arrays.copyOfRange(file, o, o + n);
      case 1: return snappyUncompress(file, o, n);
      default:
        throw new CorruptException("block at offset " + offset + " uses unknown compression type " + file[o + n]);
    }
  }

  /** Snappy's raw format (TensorFlow compresses some checkpoint index blocks with it). */
  static byte[] snappyUncompress(byte[] in, int start, int length) throws CorruptException {
    ByteBuffer b = ByteBuffer.wrap(in, start, length);
    long total = readVarint64(b);
    if (total < 0 || total > 1L << 30) throw new CorruptException("bad snappy length " + total);
    byte[] out = new byte[(int) total];
    int op = 0;
    int ip = b.position();
    int end = start + length;
    while (ip < end) {
      int tag = in[ip++] & 0xff;
      int len;
      int off;
      switch (tag & 3) {
        case 0: {
          len = tag >>> 2;
          if (len >= 60) {
            int bytes = len - 59;
            if (ip + bytes > end) throw new CorruptException("truncated snappy literal");
            len = 0;
            for (int i = 0; i < bytes; i++) len |= (in[ip + i] & 0xff) << (8 * i);
            ip += bytes;
          }
          len += 1;
          if (len < 0 || ip + len > end || op + len > out.length) throw new CorruptException("bad snappy literal");
          System.arraycopy(in, ip, out, op, len);
          ip += len;
          op += len;
          continue;
        }
        case 1:
          if (ip + 1 > end) throw new CorruptException("truncated snappy copy");
          len = 4 + ((tag >>> 2) & 7);
          off = ((tag >>> 5) << 8) | (in[ip++] & 0xff);
          break;
        case 2:
          if (ip + 2 > end) throw new CorruptException("truncated snappy copy");
          len = 1 + (tag >>> 2);
          off = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8;
          ip += 2;
          break;
        default:
          if (ip + 4 > end) throw new CorruptException("truncated snappy copy");
          len = 1 + (tag >>> 2);
          off = ByteBuffer.wrap(in, ip, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
          ip += 4;
      }
      if (off <= 0 || off > op || op + len > out.length) throw new CorruptException("bad snappy copy");
      for (int i = 0; i < len; i++) out[op + i] = out[op - off + i];
      op += len;
    }
    if (op != out.length) throw new CorruptException("snappy data ends early");
    return out;
  }

  private static void iterateBlock(byte[] block, List<byte[][]> out) throws CorruptException {
    if (block.length < 4) throw new CorruptException("block too short");
    int numRestarts = ByteBuffer.wrap(block, block.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    long limit = block.length - 4L - 4L * numRestarts;
    if (numRestarts < 0 || limit < 0) throw new CorruptException("bad restart count " + numRestarts);
    ByteBuffer b = ByteBuffer.wrap(block, 0, (int) limit);
    byte[] prev = new byte[0];
    while (b.hasRemaining()) {
      long shared = readVarint64(b);
      long nonShared = readVarint64(b);
      long valueLength = readVarint64(b);
      if (shared > prev.length || nonShared > b.remaining() || valueLength > b.remaining() - nonShared) {
        throw new CorruptException("bad block entry");
      }
      byte[] key = Arrays.copyOf(prev, (int) (shared + nonShared));
      b.get(key, (int) shared, (int) nonShared);
      byte[] value = new byte[(int) valueLength];
      b.get(value);
      out.add(new byte[][] {key, value});
      prev = key;
    }
  }

  private static long readVarint64(ByteBuffer b) throws CorruptException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!b.hasRemaining()) throw new CorruptException("truncated varint");
      int x = b.get() & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) return result;
    }
    throw new CorruptException("malformed varint");
  }

  @Override
  public String toString() {
    return "CheckpointReader(" + prefix + ", " + entries.size() + " keys)";
  }
}
