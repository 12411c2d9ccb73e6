package io.gatehouse.benchmarks.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** Draws a group's ratios as a horizontal bar chart (PNG) with JFreeChart. */
final class Charts {

  static final String VS_FLOOR = "speed vs floor";
  static final String VS_PEER = "speed vs best peer";

  private Charts() {}

  /** Returns false (and writes nothing) when the group has no ratio to draw. */
  static boolean write(String title, List<Comparison.Ratioed> rows, Path png) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Comparison.Ratioed r : rows) {
      if (r.floor()) {
        continue;
      }
      for (double ratio : new double[] {r.vsFloor(), r.vsBestPeer()}) {
        if (Double.isFinite(ratio) && ratio > 0) {
          min = Math.min(min, ratio);
          max = Math.max(max, ratio);
        }
      }
      if (Double.isFinite(r.vsFloor())) {
        data.addValue(r.vsFloor(), VS_FLOOR, r.row().name());
      }
      if (Double.isFinite(r.vsBestPeer())) {
        data.addValue(r.vsBestPeer(), VS_PEER, r.row().name());
      }
    }
    if (data.getColumnCount() == 0) {
      return false;
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, "× (1 = as fast)", data, PlotOrientation.HORIZONTAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.GRAY);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    if (max / min > 50) {
      // Ratios of thousands beside ratios near 1: a log axis keeps both readable.
      LogAxis axis = new LogAxis("× (1 = as fast, log scale)");
      axis.setSmallestValue(Math.min(min, 1) / 2);
      plot.setRangeAxis(axis);
      renderer.setBase(Math.min(min, 1) / 2);
    }
    Files.createDirectories(png.toAbsolutePath().getParent());
    int height = 140 + 38 * data.getColumnCount();
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, height);
    return true;
  }
}
