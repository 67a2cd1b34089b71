package io.jkeras.saving.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jkeras.config.KerasFormatException;
import io.jkeras.layers.Dense;
import io.jkeras.layers.Embedding;
import io.jkeras.layers.InputLayer;
import io.jkeras.layers.KerasTensor;
import io.jkeras.layers.TextVectorization;
import io.jkeras.models.Model;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vocabulary assets of a .keras archive: written where Keras writes them, read back bounded and validated. */
class TextAssetsTest {
  @TempDir
  Path tmp;

  private Path saved() {
    TextVectorization tv = new TextVectorization().name("vectorize").outputSequenceLength(4).adapt(List.of("b a b", "c"));
    KerasTensor in = new InputLayer(1).dtype("string").output();
    KerasTensor out = new Dense(2).apply(new io.jkeras.layers.Flatten().apply(new Embedding(10, 3).apply(tv.apply(in))));
    Path file = tmp.resolve("t.keras");
    try (Model m = Model.of(in, out)) {
      KerasModels.saveKeras(m, file);
    }
    return file;
  }

  /** A copy of {@code file} whose vocabulary.txt entries hold {@code vocab}. */
  private Path withVocabulary(Path file, byte[] vocab) throws Exception {
    Path out = tmp.resolve("edited.keras");
    try (ZipFile z = new ZipFile(file.toFile()); ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(out))) {
      Enumeration<? extends ZipEntry> es = z.entries();
      while (es.hasMoreElements()) {
        ZipEntry e = es.nextElement();
        o.putNextEntry(new ZipEntry(e.getName()));
        if (e.getName().endsWith("vocabulary.txt")) {
          o.write(vocab);
        } else {
          try (InputStream in = z.getInputStream(e)) {
            in.transferTo(o);
          }
        }
        o.closeEntry();
      }
    }
    return out;
  }

  @Test
  void assetsAreWhereKerasPutsThem() throws Exception {
    Path file = saved();
    try (ZipFile z = new ZipFile(file.toFile())) {
      for (String name : List.of("assets/layers/text_vectorization/vocabulary.txt",
          "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt")) {
        ZipEntry e = z.getEntry(name);
        assertTrue(e != null, name + " missing");
        try (InputStream in = z.getInputStream(e)) {
          assertEquals("\n[UNK]\nb\nc\na", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    try (Model m = KerasModels.loadModel(file)) {
      assertEquals(List.of("", "[UNK]", "b", "c", "a"), ((TextVectorization) m.getLayer("vectorize")).getVocabulary());
    }
  }

  @Test
  void jkerasModelDirectoriesCarryAdaptedVocabularies() {
    TextVectorization tv = new TextVectorization().name("vectorize").outputSequenceLength(4).adapt(List.of("b a b", "c"));
    KerasTensor in = new InputLayer(1).dtype("string").output();
    KerasTensor out = new Dense(2).apply(new io.jkeras.layers.Flatten().apply(new Embedding(10, 3).apply(tv.apply(in))));
    Path dir = tmp.resolve("model");
    String[] texts = {"a b c d", "C, b!"};
    try (Model m = Model.of(in, out)) {
      io.jkeras.saving.ModelFiles.save(m, dir);
      try (Model back = io.jkeras.saving.ModelFiles.loadModel(dir)) {
        assertEquals(tv.getVocabulary(), ((TextVectorization) back.getLayer("vectorize")).getVocabulary());
        assertEquals(java.util.Arrays.toString(m.predict(texts).data()), java.util.Arrays.toString(back.predict(texts).data()));
        assertEquals(java.util.Arrays.toString(m.predict(texts).data()), java.util.Arrays.toString(back.predictOnBatch(texts).data()));
      }
    }
    // a layer never adapted saves no vocabulary, loads, and says so when asked for ids
    TextVectorization bare = new TextVectorization().name("bare").outputSequenceLength(4);
    KerasTensor in2 = new InputLayer(1).dtype("string").output();
    try (Model m = Model.of(in2, new Dense(1).apply(new Embedding(10, 2).apply(bare.apply(in2))))) {
      Path file = tmp.resolve("bare.keras");
      KerasModels.saveKeras(m, file);
      try (Model back = KerasModels.loadModel(file)) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> back.predict(texts));
        assertTrue(e.getMessage().contains("has no vocabulary"), e.getMessage());
      }
    }
  }

  @Test
  void hostileVocabulariesAreRefused() throws Exception {
    Path file = saved();
    KerasFormatException e = assertThrows(KerasFormatException.class,
        () -> KerasModels.loadModel(withVocabulary(file, "\n[UNK]\nb\na\nb".getBytes(StandardCharsets.UTF_8))));
    assertTrue(e.getMessage().contains("vocabulary.txt") && e.getMessage().contains("'b'"), e.getMessage());
    long old = KerasArchive.maxAssetsBytes;
    KerasArchive.maxAssetsBytes = 1 << 16;
    try {
      byte[] big = new byte[1 << 17];
      java.util.Arrays.fill(big, (byte) 'x');
      e = assertThrows(KerasFormatException.class, () -> KerasModels.loadModel(withVocabulary(file, big)));
      assertTrue(e.getMessage().contains("refused"), e.getMessage());
    } finally {
      KerasArchive.maxAssetsBytes = old;
    }
  }
}
