package io.jkeras.utils;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves as a PNG (JFreeChart, headless): one chart per metric family (loss, accuracy,
 * ...), the training curve and its {@code val_} curve together, epochs on the x axis with integer
 * ticks, the metric's name on the y axis.
 */
public final class Charts {
  private static final int W = 520;
  private static final int H = 380;
  private static final int PER_ROW = 3;
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);

  private Charts() {}

  /** As {@link #historyPng(List, Map, String, Path)} with epochs numbered 1, 2, ... */
  public static boolean historyPng(Map<String, List<Double>> history, String title, Path out) throws IOException {
    return historyPng(null, history, title, out);
  }

  /**
   * Writes the chart of a Keras history ({@code history.history}) to {@code out}.
   *
   * @param epochs the epoch indices (0-based, as History records them; shown 1-based as Keras prints
   *     them), or null for 0, 1, 2, ...
   * @return false, writing nothing, when the history holds no epoch
   */
  public static boolean historyPng(List<Integer> epochs, Map<String, List<Double>> history, String title, Path out)
      throws IOException {
    Map<String, Map<String, List<Double>>> families = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : history.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      String family = e.getKey().startsWith("val_") ? e.getKey().substring(4) : e.getKey();
      families.computeIfAbsent(family, k -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
    }
    if (families.isEmpty()) return false;
    if (families.containsKey("loss")) {
      // the loss first, as Keras's history lists it
      Map<String, Map<String, List<Double>>> ordered = new LinkedHashMap<>();
      ordered.put("loss", families.remove("loss"));
      ordered.putAll(families);
      families = ordered;
    }
    System.setProperty("java.awt.headless", "true");
    List<JFreeChart> charts = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<Double>>> f : families.entrySet()) charts.add(chart(epochs, f.getKey(), f.getValue()));
    int cols = Math.min(PER_ROW, charts.size());
    int rows = (charts.size() + PER_ROW - 1) / PER_ROW;
    int top = 30;
    BufferedImage img = new BufferedImage(cols * W, top + rows * H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, 10, 21);
    for (int i = 0; i < charts.size(); i++) {
      charts.get(i).draw(g, new Rectangle2D.Double((i % PER_ROW) * W, top + (i / PER_ROW) * H, W, H));
    }
    g.dispose();
    // beside the target and renamed over it (AtomicFiles): a kill never leaves half a picture
    AtomicFiles.writeFile(out, tmp -> {
      try (OutputStream o = Files.newOutputStream(tmp)) {
        if (!ImageIO.write(img, "png", o)) throw new IOException("no PNG writer in this Java runtime");
      }
    });
    return true;
  }

  private static JFreeChart chart(List<Integer> epochs, String family, Map<String, List<Double>> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    int points = 0;
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      XYSeries s = new XYSeries(e.getKey().startsWith("val_") ? "validation" : "training", false, true);
      List<Double> v = e.getValue();
      for (int i = 0; i < v.size(); i++) {
        double y = v.get(i);
        if (Double.isNaN(y) || Double.isInfinite(y)) continue;
        int epoch = (epochs != null && i < epochs.size() ? epochs.get(i) : i) + 1;
        s.add(epoch, y);
      }
      points = Math.max(points, v.size());
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(null, "epoch", family, data, PlotOrientation.VERTICAL, true, false, false);
    chart.setTitle(new TextTitle(family, new Font(Font.SANS_SERIF, Font.BOLD, 13)));
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, points <= 40);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesPaint(i, "validation".equals(data.getSeriesKey(i)) ? VALIDATION : TRAIN);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(r);
    return chart;
  }
}
