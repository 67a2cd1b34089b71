package io.jkeras.data;

import io.jkeras.utils.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Arrays from files by extension: {@code .npy} (NumPy), {@code .json} (nested lists, or
 * {@code {"shape": [...], "data": [...]}}), {@code .csv} (numeric rows; a header row is
 * skipped). Writes {@code .npy} and {@code .json}.
 */
public final class ArrayFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArrayFiles() {}

  public static FloatArray read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) throw new IllegalArgumentException(path + ": no such file");
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) return Npy.read(path); // its messages name the file
    try {
      if (name.endsWith(".json")) return fromJson(JSON.readTree(path.toFile()));
      if (name.endsWith(".csv")) return readCsv(path);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(path + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : ""), e);
    }
    throw new IllegalArgumentException(path + ": unsupported array file (use .npy, .json or .csv)");
  }

  public static void write(Path path, FloatArray a) throws IOException {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      Npy.write(path, a);
    } else if (name.endsWith(".json")) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shape", a.shape());
      m.put("data", a.data());
      byte[] json = JSON.writeValueAsBytes(m);
      AtomicFiles.writeFile(path, tmp -> java.nio.file.Files.write(tmp, json));
    } else {
      throw new IllegalArgumentException(path + ": unsupported output file (use .npy or .json)");
    }
  }

  static FloatArray fromJson(JsonNode n) {
    if (n.isObject() && n.has("shape") && n.has("data")) {
      long[] shape = new long[n.get("shape").size()];
      for (int i = 0; i < shape.length; i++) shape[i] = n.get("shape").get(i).asLong();
      JsonNode d = n.get("data");
      float[] data = new float[d.size()];
      for (int i = 0; i < data.length; i++) data[i] = (float) d.get(i).asDouble();
      return new FloatArray(data, shape.length == 0 ? new long[] {1} : shape);
    }
    if (!n.isArray()) throw new IllegalArgumentException("expected nested lists or {\"shape\", \"data\"}");
    List<Long> shape = new ArrayList<>();
    JsonNode cur = n;
    while (cur.isArray()) {
      shape.add((long) cur.size());
      if (cur.size() == 0) break;
      cur = cur.get(0);
    }
    long[] s = shape.stream().mapToLong(Long::longValue).toArray();
    float[] data = new float[Math.toIntExact(Arrays.stream(s).reduce(1, (a, b) -> a * b))];
    int[] pos = {0};
    fill(n, 0, s, data, pos);
    return new FloatArray(data, s);
  }

  private static void fill(JsonNode n, int depth, long[] s, float[] out, int[] pos) {
    if (depth == s.length) {
      if (!n.isNumber()) throw new IllegalArgumentException("non-numeric value " + n);
      out[pos[0]++] = (float) n.asDouble();
      return;
    }
    if (!n.isArray() || n.size() != s[depth]) throw new IllegalArgumentException("ragged nested lists at depth " + depth);
    for (JsonNode c : n) fill(c, depth + 1, s, out, pos);
  }

  static FloatArray readCsv(Path path) throws IOException {
    List<float[]> rows = new ArrayList<>();
    int cols = -1;
    int lineNo = 0;
    for (String line : Files.readAllLines(path)) {
      lineNo++;
      if (line.isBlank()) continue;
      String[] parts = line.split(",");
      float[] row = new float[parts.length];
      boolean numeric = true;
      for (int i = 0; i < parts.length; i++) {
        try {
          row[i] = Float.parseFloat(parts[i].trim());
        } catch (NumberFormatException e) {
          numeric = false;
        }
      }
      if (!numeric) {
        if (rows.isEmpty() && lineNo == 1) continue; // header
        throw new IllegalArgumentException("line " + lineNo + " is not numeric: " + line);
      }
      if (cols >= 0 && parts.length != cols) {
        throw new IllegalArgumentException("line " + lineNo + " has " + parts.length + " values, earlier lines " + cols);
      }
      cols = parts.length;
      rows.add(row);
    }
    if (rows.isEmpty()) throw new IllegalArgumentException("no numeric rows");
    float[] data = new float[rows.size() * cols];
    for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, data, i * cols, cols);
    return new FloatArray(data, rows.size(), cols);
  }
}
