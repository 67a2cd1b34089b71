package io.jkeras.callbacks;

import io.jkeras.utils.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code CSVLogger}: streams each epoch's logs to a CSV file, as Python's {@code csv}
 * module writes them for Keras: a header {@code epoch,<log keys sorted>}, one row per epoch with
 * the 0-based epoch and each value as Python prints the float Keras logs (a float32 result, e.g.
 * {@code 0.6931471824645996}), "NA" for a key missing that epoch, rows ended by "\r\n" (the
 * excel dialect), fields quoted only when they hold the separator, a quote or a line break.
 * With {@code append}, an existing non-empty file gets rows only, no second header. After each
 * epoch the whole file is written beside the target and renamed over it ({@link AtomicFiles}),
 * so a process killed mid-write leaves the rows of the last complete epoch, never half a row.
 */
public final class CSVLogger extends Callback {
  private final Path filename;
  private final String separator;
  private final boolean append;
  private StringBuilder text;
  private List<String> keys;
  private boolean appendHeader = true;
  private boolean headerDone;

  public CSVLogger(String filename) {
    this(Paths.get(filename), ",", false);
  }

  public CSVLogger(String filename, String separator, boolean append) {
    this(Paths.get(filename), separator, append);
  }

  public CSVLogger(Path filename, String separator, boolean append) {
    if (filename == null) throw new IllegalArgumentException("CSVLogger: filename is null");
    if (separator == null || separator.length() != 1) {
      throw new IllegalArgumentException("CSVLogger: separator must be a 1-character string, got " + separator);
    }
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  public Path filename() {
    return filename;
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    text = new StringBuilder();
    try {
      appendHeader = true;
      if (append && Files.exists(filename)) {
        // the rows already there are kept: they are written again with each new row
        String existing = Files.readString(filename, StandardCharsets.UTF_8);
        appendHeader = existing.isEmpty();
        text.append(existing);
      }
      // as Keras opens the file here ("w" truncates it, "a" creates it)
      AtomicFiles.writeString(filename, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger: cannot open " + filename, e);
    }
    keys = null;
    headerDone = false;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (text == null) onTrainBegin(Map.of());
    if (keys == null) {
      keys = new ArrayList<>(logs.keySet());
      Collections.sort(keys);
    }
    if (!headerDone) {
      if (appendHeader) {
        List<String> header = new ArrayList<>();
        header.add("epoch");
        header.addAll(keys);
        writeRow(header);
      }
      headerDone = true;
    }
    List<String> row = new ArrayList<>();
    row.add(Integer.toString(epoch));
    for (String k : keys) {
      Double v = logs.get(k);
      row.add(v == null ? "NA" : PyCompat.loggedValue(v));
    }
    writeRow(row);
    try {
      AtomicFiles.writeString(filename, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger: cannot write " + filename, e);
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    text = null;
  }

  private void writeRow(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) b.append(separator);
      b.append(quote(fields.get(i)));
    }
    b.append("\r\n");
    text.append(b);
  }

  /** The csv module's QUOTE_MINIMAL with the excel dialect (quotes doubled inside). */
  private String quote(String field) {
    boolean needs = field.contains(separator) || field.contains("\"") || field.contains("\r") || field.contains("\n");
    return needs ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }
}
