package io.jkeras.utils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** history.png: one chart per metric family, validation curves in their own colour, nothing for an empty run. */
class ChartsTest {
  @TempDir Path dir;

  static int orange(BufferedImage img) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == 0xff7f0e) n++;
    }
    return n;
  }

  @Test
  void oneChartPerFamilyWithValidationCurves() throws Exception {
    Map<String, List<Double>> h = new LinkedHashMap<>();
    h.put("loss", List.of(1.2, 0.8, 0.5, 0.4));
    h.put("accuracy", List.of(0.3, 0.5, 0.7, 0.8));
    h.put("val_loss", List.of(1.3, 0.9, 0.7, 0.6));
    h.put("val_accuracy", List.of(0.2, 0.4, 0.6, 0.7));
    Path png = dir.resolve("h.png");
    assertTrue(Charts.historyPng(List.of(0, 1, 2, 3), h, "job", png));
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(2 * 520, img.getWidth(), "loss and accuracy side by side");
    assertTrue(orange(img) > 50, "validation curves drawn");

    h.remove("val_loss");
    h.remove("val_accuracy");
    h.put("learning_rate", List.of(0.01, 0.01, 0.005, 0.005));
    assertTrue(Charts.historyPng(h, "job", png));
    img = ImageIO.read(png.toFile());
    assertEquals(3 * 520, img.getWidth());
    assertEquals(0, orange(img), "no validation curve without val_ keys");
  }

  @Test
  void noChartForAnEmptyRun() throws Exception {
    Path png = dir.resolve("e.png");
    assertFalse(Charts.historyPng(List.of(), Map.of("loss", List.of()), "job", png));
    assertFalse(Files.exists(png));
  }
}
