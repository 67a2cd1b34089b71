package io.jkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.models.Sequential;
import io.jkeras.optimizers.SGD;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV file Keras 3's CSVLogger writes (Python's csv module, excel dialect). */
class CSVLoggerTest {
  @TempDir Path dir;

  static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }

  @Test
  void writesSortedHeaderAndOneRowPerEpoch() throws IOException {
    Path f = dir.resolve("log.csv");
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy", "accuracy")) {
      History h = m.fit(Tiny.X, Tiny.Y, Tiny.quiet(3).validationData(Tiny.X, Tiny.Y).callbacks(new CSVLogger(f.toString())));
      String text = read(f);
      assertTrue(text.endsWith("\r\n"), "excel dialect rows end with \\r\\n");
      String[] lines = text.split("\r\n");
      assertEquals(4, lines.length);
      assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
      for (int e = 0; e < 3; e++) {
        String[] cells = lines[e + 1].split(",");
        assertEquals(Integer.toString(e), cells[0]);
        String[] keys = {"accuracy", "loss", "val_accuracy", "val_loss"};
        for (int k = 0; k < keys.length; k++) {
          double logged = h.get(keys[k]).get(e);
          // The value as a Python float of a float32: parses back to exactly that float.
          assertEquals((double) (float) logged, Double.parseDouble(cells[k + 1]), 0.0, keys[k]);
          assertEquals(PyCompat.repr((double) (float) logged), cells[k + 1]);
        }
      }
    }
  }

  @Test
  void learningRateColumnLooksLikeKeras() throws IOException {
    // Keras 3 logs the float32 learning rate as a Python float: 0.01 -> 0.009999999776482582.
    Path f = dir.resolve("lr.csv");
    try (Sequential m = Tiny.binary(new SGD(0.01f), "binary_crossentropy")) {
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(new LearningRateScheduler((epoch, lr) -> epoch == 0 ? 0.001 : 0.5),
          new CSVLogger(f.toString())));
      String[] lines = read(f).split("\r\n");
      assertEquals("epoch,learning_rate,loss", lines[0]);
      assertTrue(lines[1].startsWith("0,0.0010000000474974513,"), lines[1]);
      assertTrue(lines[2].startsWith("1,0.5,"), lines[2]);
    }
  }

  @Test
  void appendAddsRowsWithoutASecondHeaderAndOverwriteStartsOver() throws IOException {
    Path f = dir.resolve("append.csv");
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(new CSVLogger(f.toString(), ",", true)));
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(1).callbacks(new CSVLogger(f.toString(), ",", true)));
      List<String> lines = List.of(read(f).split("\r\n"));
      assertEquals(4, lines.size(), lines.toString());
      assertEquals("epoch,loss", lines.get(0));
      assertTrue(lines.get(3).startsWith("0,"), "the second fit starts again at epoch 0");
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(1).callbacks(new CSVLogger(f.toString())));
      assertEquals(2, read(f).split("\r\n").length);
    }
  }

  @Test
  void separatorQuotingAndMissingValues() throws IOException {
    Path f = dir.resolve("semi.csv");
    try (Sequential m = Tiny.binary(new SGD(0.1f), "binary_crossentropy")) {
      // "a;b" only in epoch 0: it is a column (keys are fixed at the first epoch), "NA" afterwards,
      // and quoted because it holds the separator.
      m.fit(Tiny.X, Tiny.Y, Tiny.quiet(2).callbacks(Tiny.inject("a;b", 2.5), new CSVLogger(f.toString(), ";", false)));
      String[] lines = read(f).split("\r\n");
      assertEquals("epoch;\"a;b\";loss", lines[0]);
      assertTrue(lines[1].startsWith("0;2.5;"), lines[1]);
      assertTrue(lines[2].startsWith("1;NA;"), lines[2]);
    }
  }
}
