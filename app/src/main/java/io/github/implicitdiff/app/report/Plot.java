package io.github.implicitdiff.app.report;

import io.github.implicitdiff.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line and scatter plot drawn with Java2D (headless) and saved as PNG: series, title, axis labels,
 * legend, linear or logarithmic axes, markers, and vertical or horizontal reference lines.
 * <pre>{@code
 * new Plot(800, 500).title("Convergence").xLabel("iteration").yLabel("residual").yScale(Plot.Scale.LOG)
 *     .line("implicit", iters, residualImplicit)
 *     .scatter("unrolled", iters, residualUnrolled)
 *     .horizontalLine(1e-8, "tolerance")
 *     .save(Path.of("out/convergence.png"));
 * }</pre>
 * Rules: a NaN or infinite point is skipped (a line breaks there); a value ≤ 0 on a logarithmic axis is
 * an error (clip or drop such values first), as is a plot without any finite point. The legend goes in
 * the corner of the plotting area that covers the fewest points.
 *
 * <p>Shapes in data units: {@link #circles} (outlined disks of given radii) and {@link #arrows} (from (x, y) to
 * (x + u, y + v)), which widen the axes to fit; {@link #equalAspect} makes one unit as long on both axes, so
 * circles stay round (linear axes only).
 * <pre>{@code
 * new Plot(700, 700).title("Packing").equalAspect()
 *     .circles("disks", x, y, radius).arrows("dx/dd", x, y, dx, dy);
 * }</pre>
 *
 * <p>A plot can instead show images: grayscale panels in a grid, each scaled to its own range (see
 * {@link #image}); such a plot has no axes, series or reference lines.
 * <pre>{@code
 * Plot grid = new Plot(900, 300).title("Images").imageColumns(10);
 * for (int c = 0; c < 10; c++) grid.image("class " + c, 8, 8, pixels[c]);
 * }</pre>
 */
public final class Plot {
  /** Axis scale. */
  public enum Scale { LINEAR, LOG }

  /** How a series is drawn. */
  public enum Style { LINE, MARKERS, LINE_AND_MARKERS, CIRCLES, ARROWS }

  /** A series; {@code u} holds the radii of CIRCLES, {@code u, v} the arrow components of ARROWS (else null). */
  private record Series(String label, double[] x, double[] y, Style style, double[] u, double[] v) {
    /** The extent of point i along x or y: the point itself, a circle's span, or an arrow's two ends. */
    double[] extent(int i, boolean horizontal) {
      double c = horizontal ? x[i] : y[i];
      if (style == Style.CIRCLES) return new double[] {c - u[i], c + u[i]};
      if (style == Style.ARROWS) return new double[] {c, c + (horizontal ? u[i] : v[i])};
      return new double[] {c};
    }
  }

  private record Reference(boolean vertical, double value, String label) {}

  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
      new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
      new Color(0x7f7f7f), new Color(0xbcbd22)};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private final int width;
  private final int height;
  private final List<Series> series = new ArrayList<>();
  private final List<Reference> references = new ArrayList<>();
  private final List<ImageGrid.Panel> images = new ArrayList<>();
  private int imageColumns;
  private String title = "";
  private String xLabel = "";
  private String yLabel = "";
  private Scale xScale = Scale.LINEAR;
  private Scale yScale = Scale.LINEAR;
  private boolean equalAspect;

  /** A plot of {@code width}×{@code height} pixels (at least 240×180). */
  public Plot(int width, int height) {
    if (width < 240 || height < 180 || width > 10000 || height > 10000) {
      throw new IllegalArgumentException("Plot: size must be between 240×180 and 10000×10000, got "
          + width + "×" + height);
    }
    this.width = width;
    this.height = height;
  }

  /** An 800×500 plot. */
  public Plot() {
    this(800, 500);
  }

  /** Sets the title. @return this */
  public Plot title(String text) {
    this.title = text;
    return this;
  }

  /** Sets the x axis label. @return this */
  public Plot xLabel(String text) {
    this.xLabel = text;
    return this;
  }

  /** Sets the y axis label. @return this */
  public Plot yLabel(String text) {
    this.yLabel = text;
    return this;
  }

  /** Sets the x axis scale. @return this */
  public Plot xScale(Scale scale) {
    this.xScale = scale;
    return this;
  }

  /** Sets the y axis scale. @return this */
  public Plot yScale(Scale scale) {
    this.yScale = scale;
    return this;
  }

  /** Adds a series drawn as a line. @return this */
  public Plot line(String label, double[] x, double[] y) {
    return add(label, x, y, Style.LINE);
  }

  /** Adds a series drawn as markers only. @return this */
  public Plot scatter(String label, double[] x, double[] y) {
    return add(label, x, y, Style.MARKERS);
  }

  /** Adds a series drawn as a line with a marker at each point. @return this */
  public Plot lineWithMarkers(String label, double[] x, double[] y) {
    return add(label, x, y, Style.LINE_AND_MARKERS);
  }

  /** Adds a series from two vectors. @return this */
  public Plot add(String label, Tensor x, Tensor y, Style style) {
    return add(label, x.concrete().toDoubleArray(), y.concrete().toDoubleArray(), style);
  }

  /**
   * Adds a series; an empty label keeps it out of the legend. The arrays are copied.
   * @return this
   * @throws IllegalArgumentException if x and y differ in length or are empty
   */
  public Plot add(String label, double[] x, double[] y, Style style) {
    if (x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException("Plot: series '" + label + "' needs x and y of the same non-zero length,"
          + " got " + x.length + " and " + y.length);
    }
    if (style == Style.CIRCLES || style == Style.ARROWS) {
      throw new IllegalArgumentException("Plot: series '" + label + "': add circles and arrows with circles(...) and arrows(...)");
    }
    series.add(new Series(label == null ? "" : label, x.clone(), y.clone(), style, null, null));
    return this;
  }

  /**
   * Adds circles centred at (x_i, y_i) with radii r_i in data units, outlined and lightly filled in the series
   * colour. The arrays are copied.
   * @return this
   * @throws IllegalArgumentException if the lengths differ or are zero, or a radius is negative
   */
  public Plot circles(String label, double[] x, double[] y, double[] r) {
    requireSameLengths(label, x, y, r, r);
    for (double radius : r) {
      if (radius < 0) throw new IllegalArgumentException("Plot: circles '" + label + "' has a negative radius " + radius);
    }
    series.add(new Series(label == null ? "" : label, x.clone(), y.clone(), Style.CIRCLES, r.clone(), null));
    return this;
  }

  /**
   * Adds arrows from (x_i, y_i) to (x_i + u_i, y_i + v_i) in data units, with heads of fixed pixel size (a zero
   * arrow draws nothing). The arrays are copied.
   * @return this
   * @throws IllegalArgumentException if the lengths differ or are zero
   */
  public Plot arrows(String label, double[] x, double[] y, double[] u, double[] v) {
    requireSameLengths(label, x, y, u, v);
    series.add(new Series(label == null ? "" : label, x.clone(), y.clone(), Style.ARROWS, u.clone(), v.clone()));
    return this;
  }

  private static void requireSameLengths(String label, double[] x, double[] y, double[] u, double[] v) {
    if (x.length == 0 || y.length != x.length || u.length != x.length || v.length != x.length) {
      throw new IllegalArgumentException("Plot: series '" + label + "' needs arrays of the same non-zero length, got "
          + x.length + ", " + y.length + ", " + u.length + " and " + v.length);
    }
  }

  /**
   * Makes one data unit the same number of pixels on both axes, shrinking the plotting area along one of them.
   * @return this
   */
  public Plot equalAspect() {
    this.equalAspect = true;
    return this;
  }

  /** Adds a dashed vertical line at x = {@code x}, labelled at its top. @return this */
  public Plot verticalLine(double x, String label) {
    references.add(new Reference(true, requireFinite(x, "verticalLine"), label == null ? "" : label));
    return this;
  }

  /** Adds a dashed horizontal line at y = {@code y}, labelled at its right end. @return this */
  public Plot horizontalLine(double y, String label) {
    references.add(new Reference(false, requireFinite(y, "horizontalLine"), label == null ? "" : label));
    return this;
  }

  /**
   * Adds a grayscale image of {@code rows}×{@code cols} values, row-major (copied), drawn with its caption
   * beneath it. Each image has its own range: its smallest finite value white, its largest black (a
   * constant image mid-gray, a non-finite value red). Images go left to right, in rows of
   * {@link #imageColumns} panels.
   * @return this
   * @throws IllegalArgumentException if {@code values} does not hold rows × cols values, or rows or cols is not positive
   */
  public Plot image(String caption, int rows, int cols, double[] values) {
    if (rows < 1 || cols < 1 || values.length != (long) rows * cols) {
      throw new IllegalArgumentException("Plot: image '" + caption + "' needs rows, cols ≥ 1 and rows × cols values,"
          + " got " + rows + "×" + cols + " and " + values.length + " values");
    }
    images.add(new ImageGrid.Panel(caption == null ? "" : caption, rows, cols, values.clone()));
    return this;
  }

  /** Sets how many images go in one row of the grid (default: all in one row). @return this */
  public Plot imageColumns(int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("Plot.imageColumns: need at least 1 column, got " + columns);
    }
    this.imageColumns = columns;
    return this;
  }

  /** Draws the plot. @throws IllegalArgumentException as described in the class comment */
  public BufferedImage render() {
    if (!images.isEmpty()) {
      if (!series.isEmpty() || !references.isEmpty()) {
        throw new IllegalArgumentException("Plot '" + title + "': a plot of images cannot also have series or reference lines");
      }
      return draw(g -> ImageGrid.paint(g, width, height, title, images, imageColumns));
    }
    Axis xAxis = axis(true);
    Axis yAxis = axis(false);
    if (equalAspect && (xScale == Scale.LOG || yScale == Scale.LOG)) {
      throw new IllegalArgumentException("Plot '" + title + "': equalAspect needs linear axes");
    }
    return draw(g -> new PlotPainter(g, width, height, xAxis, yAxis, equalAspect).paint(this));
  }

  private BufferedImage draw(java.util.function.Consumer<Graphics2D> painter) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      painter.accept(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Renders and writes a PNG to {@code file}, creating parent folders. */
  public void save(Path file) {
    BufferedImage image = render();
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", file.toFile())) {
        throw new IllegalStateException("Plot.save: no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Plot.save: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private Axis axis(boolean horizontal) {
    Scale scale = horizontal ? xScale : yScale;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        if (!finite(s, i)) {
          continue;
        }
        for (double value : s.extent(i, horizontal)) {
          if (scale == Scale.LOG && value <= 0) {
            throw new IllegalArgumentException("Plot '" + title + "': series '" + s.label + "' has "
                + (horizontal ? "x" : "y") + " = " + value + " at index " + i + " but the "
                + (horizontal ? "x" : "y") + " axis is logarithmic; drop or clip values ≤ 0");
          }
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
      }
    }
    for (Reference r : references) {
      if (r.vertical == horizontal && !(scale == Scale.LOG && r.value <= 0)) {
        min = Math.min(min, r.value);
        max = Math.max(max, r.value);
      }
    }
    if (min > max) {
      throw new IllegalArgumentException("Plot '" + title + "': no finite point to draw");
    }
    return new Axis(scale, min, max);
  }

  /** Whether point i of the series and its radius or arrow components are all finite. */
  private static boolean finite(Series s, int i) {
    return Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]) && (s.u == null || Double.isFinite(s.u[i]))
        && (s.v == null || Double.isFinite(s.v[i]));
  }

  private static double requireFinite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("Plot." + what + ": position must be finite, got " + value);
    }
    return value;
  }

  /** Draws the parts of a plot on a graphics context; one instance per render. */
  private static final class PlotPainter {
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private final Graphics2D g;
    private final Axis xAxis;
    private final Axis yAxis;
    private final Rectangle area;

    PlotPainter(Graphics2D g, int width, int height, Axis xAxis, Axis yAxis, boolean equalAspect) {
      this.g = g;
      this.xAxis = xAxis;
      this.yAxis = yAxis;
      FontMetrics tick = g.getFontMetrics(TICK_FONT);
      int widest = 0;
      for (Axis.Tick t : yAxis.ticks()) {
        widest = Math.max(widest, tick.stringWidth(t.label()));
      }
      int left = 20 + g.getFontMetrics(LABEL_FONT).getHeight() + widest + 10;
      int top = 20 + g.getFontMetrics(TITLE_FONT).getHeight();
      int bottom = 12 + tick.getHeight() + g.getFontMetrics(LABEL_FONT).getHeight() + 12;
      int right = 24;
      Rectangle full = new Rectangle(left, top, width - left - right, height - top - bottom);
      if (equalAspect) {
        double perUnit = Math.min(full.width / xAxis.span(), full.height / yAxis.span());
        int w = (int) Math.round(perUnit * xAxis.span()), h = (int) Math.round(perUnit * yAxis.span());
        full = new Rectangle(full.x + (full.width - w) / 2, full.y + (full.height - h) / 2, w, h);
      }
      this.area = full;
    }

    void paint(Plot plot) {
      drawFrameAndTicks(plot);
      Shape clip = g.getClip();
      g.clip(area);
      for (Reference r : plot.references) {
        drawReference(r);
      }
      for (int k = 0; k < plot.series.size(); k++) {
        drawSeries(plot.series.get(k), k);
      }
      g.setClip(clip);
      drawLegend(plot);
    }

    private double px(double x) {
      return area.x + xAxis.fraction(x) * area.width;
    }

    private double py(double y) {
      return area.y + area.height - yAxis.fraction(y) * area.height;
    }

    private void drawFrameAndTicks(Plot plot) {
      FontMetrics fm = g.getFontMetrics(TICK_FONT);
      g.setFont(TICK_FONT);
      for (Axis.Tick t : xAxis.ticks()) {
        double x = px(t.value());
        if (x < area.x - 0.5 || x > area.x + area.width + 0.5) {
          continue;
        }
        if (t.major()) {
          g.setColor(new Color(0xe6e6e6));
          g.draw(new Line2D.Double(x, area.y, x, area.y + area.height));
        }
        g.setColor(Color.DARK_GRAY);
        int length = t.major() ? 6 : 3;
        g.draw(new Line2D.Double(x, area.y + area.height, x, area.y + area.height + length));
        if (!t.label().isEmpty()) {
          g.drawString(t.label(), (float) (x - fm.stringWidth(t.label()) / 2.0),
              area.y + area.height + 8 + fm.getAscent());
        }
      }
      for (Axis.Tick t : yAxis.ticks()) {
        double y = py(t.value());
        if (y < area.y - 0.5 || y > area.y + area.height + 0.5) {
          continue;
        }
        if (t.major()) {
          g.setColor(new Color(0xe6e6e6));
          g.draw(new Line2D.Double(area.x, y, area.x + area.width, y));
        }
        g.setColor(Color.DARK_GRAY);
        int length = t.major() ? 6 : 3;
        g.draw(new Line2D.Double(area.x - length, y, area.x, y));
        if (!t.label().isEmpty()) {
          g.drawString(t.label(), area.x - 9 - fm.stringWidth(t.label()),
              (float) (y + fm.getAscent() / 2.0 - 2));
        }
      }
      g.setColor(Color.DARK_GRAY);
      g.setStroke(new BasicStroke(1f));
      g.draw(area);

      g.setColor(Color.BLACK);
      g.setFont(TITLE_FONT);
      FontMetrics titleMetrics = g.getFontMetrics();
      g.drawString(plot.title, area.x + (area.width - titleMetrics.stringWidth(plot.title)) / 2f,
          10 + titleMetrics.getAscent());
      g.setFont(LABEL_FONT);
      FontMetrics labelMetrics = g.getFontMetrics();
      g.drawString(plot.xLabel, area.x + (area.width - labelMetrics.stringWidth(plot.xLabel)) / 2f,
          area.y + area.height + 12 + fm.getHeight() + labelMetrics.getAscent());
      AffineTransform saved = g.getTransform();
      g.translate(14 + labelMetrics.getAscent(), area.y + (area.height + labelMetrics.stringWidth(plot.yLabel)) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(plot.yLabel, 0, 0);
      g.setTransform(saved);
    }

    private void drawReference(Reference r) {
      g.setColor(new Color(0x555555));
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 5f}, 0f));
      g.setFont(LEGEND_FONT);
      FontMetrics fm = g.getFontMetrics();
      if (r.vertical()) {
        double x = px(r.value());
        g.draw(new Line2D.Double(x, area.y, x, area.y + area.height));
        g.drawString(r.label(), (float) (x + 4), area.y + fm.getAscent() + 2);
      } else {
        double y = py(r.value());
        g.draw(new Line2D.Double(area.x, y, area.x + area.width, y));
        g.drawString(r.label(), area.x + area.width - fm.stringWidth(r.label()) - 4, (float) (y - 4));
      }
    }

    private void drawSeries(Series s, int index) {
      Color color = PALETTE[index % PALETTE.length];
      if (s.style() == Style.CIRCLES || s.style() == Style.ARROWS) {
        drawShapes(s, color);
        return;
      }
      g.setColor(color);
      if (s.style() != Style.MARKERS) {
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < s.x().length; i++) {
          if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
            open = false;
            continue;
          }
          double x = px(s.x()[i]);
          double y = py(s.y()[i]);
          if (open) {
            path.lineTo(x, y);
          } else {
            path.moveTo(x, y);
            open = true;
          }
        }
        g.draw(path);
      }
      if (s.style() != Style.LINE) {
        g.setStroke(new BasicStroke(1.2f));
        double size = s.style() == Style.MARKERS ? 7 : 6;
        for (int i = 0; i < s.x().length; i++) {
          if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
            drawMarker(index, px(s.x()[i]), py(s.y()[i]), size, color);
          }
        }
      }
    }

    private void drawShapes(Series s, Color color) {
      g.setStroke(new BasicStroke(1.3f));
      for (int i = 0; i < s.x().length; i++) {
        if (!finite(s, i)) continue;
        double x = px(s.x()[i]), y = py(s.y()[i]);
        if (s.style() == Style.CIRCLES) {
          double rx = px(s.x()[i] + s.u()[i]) - x, ry = y - py(s.y()[i] + s.u()[i]);
          Shape circle = new Ellipse2D.Double(x - rx, y - ry, 2 * rx, 2 * ry);
          g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 60));
          g.fill(circle);
          g.setColor(color);
          g.draw(circle);
        } else {
          g.setColor(color);
          drawArrow(x, y, px(s.x()[i] + s.u()[i]), py(s.y()[i] + s.v()[i]));
        }
      }
    }

    /** A line from (x0, y0) to (x1, y1) in pixels with a filled head at (x1, y1), its size capped by the length. */
    private void drawArrow(double x0, double y0, double x1, double y1) {
      double dx = x1 - x0, dy = y1 - y0, length = Math.hypot(dx, dy);
      if (!(length > 0)) return;
      double head = Math.min(8, 0.4 * length), ux = dx / length, uy = dy / length;
      g.draw(new Line2D.Double(x0, y0, x1 - ux * head * 0.8, y1 - uy * head * 0.8));
      Path2D.Double tip = new Path2D.Double();
      tip.moveTo(x1, y1);
      tip.lineTo(x1 - ux * head - uy * head * 0.45, y1 - uy * head + ux * head * 0.45);
      tip.lineTo(x1 - ux * head + uy * head * 0.45, y1 - uy * head - ux * head * 0.45);
      tip.closePath();
      g.fill(tip);
    }

    private void drawMarker(int index, double x, double y, double size, Color color) {
      Shape shape = markerShape(index, x, y, size);
      g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 170));
      g.fill(shape);
      g.setColor(color.darker());
      g.draw(shape);
    }

    private static Shape markerShape(int index, double x, double y, double size) {
      double h = size / 2;
      switch (index % 4) {
        case 1:
          return new Rectangle2D.Double(x - h, y - h, size, size);
        case 2: {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(x, y - h * 1.2);
          p.lineTo(x + h * 1.1, y + h * 0.9);
          p.lineTo(x - h * 1.1, y + h * 0.9);
          p.closePath();
          return p;
        }
        case 3: {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(x, y - h * 1.3);
          p.lineTo(x + h * 1.3, y);
          p.lineTo(x, y + h * 1.3);
          p.lineTo(x - h * 1.3, y);
          p.closePath();
          return p;
        }
        default:
          return new Ellipse2D.Double(x - h, y - h, size, size);
      }
    }

    private void drawLegend(Plot plot) {
      List<Integer> entries = new ArrayList<>();
      for (int k = 0; k < plot.series.size(); k++) {
        if (!plot.series.get(k).label().isEmpty()) {
          entries.add(k);
        }
      }
      if (entries.isEmpty()) {
        return;
      }
      g.setFont(LEGEND_FONT);
      FontMetrics fm = g.getFontMetrics();
      int textWidth = 0;
      for (int k : entries) {
        textWidth = Math.max(textWidth, fm.stringWidth(plot.series.get(k).label()));
      }
      int rowHeight = fm.getHeight() + 2;
      int boxWidth = 10 + 30 + 8 + textWidth + 10;
      int boxHeight = 8 + rowHeight * entries.size() + 4;
      Rectangle box = bestCorner(plot, boxWidth, boxHeight);
      g.setColor(new Color(255, 255, 255, 225));
      g.fill(box);
      g.setColor(new Color(0xaaaaaa));
      g.setStroke(new BasicStroke(1f));
      g.draw(box);
      int y = box.y + 8;
      for (int k : entries) {
        Series s = plot.series.get(k);
        Color color = PALETTE[k % PALETTE.length];
        double mid = y + rowHeight / 2.0;
        if (s.style() == Style.CIRCLES) {
          g.setColor(color);
          g.setStroke(new BasicStroke(1.3f));
          g.draw(new Ellipse2D.Double(box.x + 19, mid - 6, 12, 12));
        } else if (s.style() == Style.ARROWS) {
          g.setColor(color);
          g.setStroke(new BasicStroke(1.3f));
          drawArrow(box.x + 10, mid, box.x + 40, mid);
        } else if (s.style() != Style.MARKERS) {
          g.setColor(color);
          g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
          g.draw(new Line2D.Double(box.x + 10, mid, box.x + 40, mid));
        }
        if (s.style() == Style.MARKERS || s.style() == Style.LINE_AND_MARKERS) {
          g.setStroke(new BasicStroke(1.2f));
          drawMarker(k, box.x + 25, mid, 7, color);
        }
        g.setColor(Color.BLACK);
        g.drawString(s.label(), box.x + 48, (float) (mid + fm.getAscent() / 2.0 - 2));
        y += rowHeight;
      }
    }

    private Rectangle bestCorner(Plot plot, int boxWidth, int boxHeight) {
      int margin = 8;
      int[][] corners = {
          {area.x + area.width - boxWidth - margin, area.y + margin},
          {area.x + margin, area.y + margin},
          {area.x + area.width - boxWidth - margin, area.y + area.height - boxHeight - margin},
          {area.x + margin, area.y + area.height - boxHeight - margin}};
      Rectangle best = null;
      long bestCount = Long.MAX_VALUE;
      for (int[] c : corners) {
        Rectangle candidate = new Rectangle(c[0], c[1], boxWidth, boxHeight);
        long count = 0;
        for (Series s : plot.series) {
          for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
              continue;
            }
            double x = px(s.x()[i]);
            double y = py(s.y()[i]);
            if (candidate.contains(x, y)) {
              count++;
            }
            boolean previousFinite = i > 0 && Double.isFinite(s.x()[i - 1]) && Double.isFinite(s.y()[i - 1]);
            if ((s.style() == Style.LINE || s.style() == Style.LINE_AND_MARKERS) && previousFinite
                && candidate.intersectsLine(px(s.x()[i - 1]), py(s.y()[i - 1]), x, y)) {
              count++;
            }
          }
        }
        if (count < bestCount) {
          bestCount = count;
          best = candidate;
        }
      }
      return best;
    }
  }
}
