package io.jkeras.utils;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Training curves as a PNG, drawn with Java2D (headless): one panel for the losses, one for the
 * other metrics, epochs on the x axis, a legend per series.
 */
public final class Charts {
  private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
      new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};

  private Charts() {}

  public static void historyPng(Map<String, List<Double>> history, String title, Path out) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Map<String, List<Double>> losses = new java.util.LinkedHashMap<>();
    Map<String, List<Double>> metrics = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : history.entrySet()) {
      if (e.getKey().equals("learning_rate")) continue;
      (e.getKey().endsWith("loss") ? losses : metrics).put(e.getKey(), e.getValue());
    }
    int panels = metrics.isEmpty() ? 1 : 2;
    int w = 520 * panels;
    int h = 400;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 10, 20);
    panel(g, losses, "loss", 0, 30, 520, h - 30);
    if (!metrics.isEmpty()) panel(g, metrics, "metrics", 520, 30, 520, h - 30);
    g.dispose();
    ImageIO.write(img, "png", out.toFile());
  }

  private static void panel(Graphics2D g, Map<String, List<Double>> series, String name, int x0, int y0, int pw, int ph) {
    int left = x0 + 60;
    int right = x0 + pw - 20;
    int top = y0 + 20;
    int bottom = y0 + ph - 40;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (List<Double> s : series.values()) {
      n = Math.max(n, s.size());
      for (double v : s) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (!Double.isFinite(min)) {
      min = 0;
      max = 1;
    }
    if (max - min < 1e-12) {
      max += 0.5;
      min -= 0.5;
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setColor(new Color(230, 230, 230));
    for (int i = 0; i <= 4; i++) {
      int y = bottom - (bottom - top) * i / 4;
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.3g", min + (max - min) * i / 4), x0 + 5, y + 4);
      g.setColor(new Color(230, 230, 230));
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    g.drawString("epoch", (left + right) / 2 - 15, bottom + 30);
    g.drawString("1", left, bottom + 15);
    g.drawString(Integer.toString(Math.max(1, n)), right - 20, bottom + 15);
    int k = 0;
    List<String> names = new ArrayList<>(series.keySet());
    for (String key : names) {
      List<Double> s = series.get(key);
      g.setColor(COLORS[k % COLORS.length]);
      g.setStroke(new BasicStroke(key.startsWith("val_") ? 1.5f : 2f));
      int px = -1;
      int py = -1;
      for (int i = 0; i < s.size(); i++) {
        double v = s.get(i);
        if (!Double.isFinite(v)) {
          px = -1;
          continue;
        }
        int x = n <= 1 ? (left + right) / 2 : left + (int) ((long) (right - left) * i / (n - 1));
        int y = bottom - (int) ((bottom - top) * (v - min) / (max - min));
        if (px >= 0) g.drawLine(px, py, x, y);
        px = x;
        py = y;
      }
      g.fillRect(right - 140, top + 8 + 16 * k, 10, 10);
      g.setColor(Color.BLACK);
      g.drawString(key, right - 125, top + 17 + 16 * k);
      k++;
    }
    g.setStroke(new BasicStroke(1f));
  }
}
