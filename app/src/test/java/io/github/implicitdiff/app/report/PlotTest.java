package io.github.implicitdiff.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {
  static final double[] X = {1, 2, 3, 4, 5};
  static final double[] Y = {1, 0.1, 0.01, 1e-3, 1e-4};

  @Test
  void savesAReadablePngOfTheRequestedSize(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/plot.png");
    new Plot(640, 360).title("t").xLabel("x").yLabel("y")
        .line("line", X, Y).scatter("points", X, Y).lineWithMarkers("both", X, X)
        .verticalLine(2.5, "v").horizontalLine(0.5, "h")
        .save(file);
    assertTrue(Files.size(file) > 1000);
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image);
    assertEquals(640, image.getWidth());
    assertEquals(360, image.getHeight());
    assertTrue(countNonWhite(image) > 2000, "something is drawn");
  }

  @Test
  void logLogPlotRenders() {
    BufferedImage image = new Plot().xScale(Plot.Scale.LOG).yScale(Plot.Scale.LOG).line("decay", X, Y).render();
    assertEquals(800, image.getWidth());
    assertEquals(500, image.getHeight());
  }

  @Test
  void nonFinitePointsAreSkipped() {
    double[] y = {1, Double.NaN, 3, Double.POSITIVE_INFINITY, 5};
    assertEquals(500, new Plot().line("gappy", X, y).render().getHeight());
  }

  @Test
  void nonPositiveValueOnLogAxisIsAnError() {
    Plot plot = new Plot().title("res").yScale(Plot.Scale.LOG).line("residual", X, new double[] {1, 0.1, 0, 1e-3, 1e-4});
    String m = assertThrows(IllegalArgumentException.class, plot::render).getMessage();
    assertTrue(m.contains("'residual'") && m.contains("index 2") && m.contains("logarithmic"), m);
  }

  @Test
  void mismatchedLengthsAreAnError() {
    assertThrows(IllegalArgumentException.class, () -> new Plot().line("a", X, new double[] {1, 2}));
  }

  @Test
  void plotWithoutFinitePointsIsAnError() {
    Plot plot = new Plot().line("nan", new double[] {Double.NaN}, new double[] {1});
    assertThrows(IllegalArgumentException.class, plot::render);
  }

  @Test
  void tooSmallSizeIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new Plot(10, 10));
  }

  @Test
  void linearTicksAreNiceAndInsideTheRange() {
    Axis axis = new Axis(Plot.Scale.LINEAR, -3.3, 9.4);
    List<Axis.Tick> ticks = axis.ticks();
    assertEquals(List.of("-2", "0", "2", "4", "6", "8"), ticks.stream().map(Axis.Tick::label).toList());
    for (Axis.Tick t : ticks) {
      assertTrue(axis.fraction(t.value()) >= 0 && axis.fraction(t.value()) <= 1);
    }
  }

  @Test
  void smallStepLabelsCarryEnoughDecimals() {
    List<String> labels = new Axis(Plot.Scale.LINEAR, 0.1, 0.35).ticks().stream().map(Axis.Tick::label).toList();
    assertEquals(List.of("0.10", "0.15", "0.20", "0.25", "0.30", "0.35"), labels);
  }

  @Test
  void logTicksAreDecadesWithSuperscriptExponents() {
    List<String> labels = new Axis(Plot.Scale.LOG, 1e-6, 1).ticks().stream()
        .filter(Axis.Tick::major).map(Axis.Tick::label).toList();
    assertEquals(List.of("10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"), labels);
    List<String> wide = new Axis(Plot.Scale.LOG, 1e-12, 1).ticks().stream()
        .filter(Axis.Tick::major).map(Axis.Tick::label).toList();
    assertEquals(List.of("10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"), wide, "every other decade");
  }

  @Test
  void circlesStayRoundWithEqualAspectAndArrowsWidenTheAxes() {
    // one circle of radius 1 at the origin on a wide canvas: with equal aspect its drawn outline is as wide as tall
    BufferedImage image = new Plot(800, 400).equalAspect().circles("c", new double[] {0}, new double[] {0}, new double[] {1})
        .render();
    int[] box = colouredBox(image);
    int w = box[2] - box[0], h = box[3] - box[1];
    assertTrue(w > 100 && Math.abs(w - h) <= 2, "round: " + w + "×" + h);
    // an arrow to (6, 0): the x axis grows to hold its tip, and the drawing spans x in [−1, 6], y in [−1, 1]
    BufferedImage wider = new Plot(800, 400).equalAspect().circles("c", new double[] {0}, new double[] {0}, new double[] {1})
        .arrows("a", new double[] {0}, new double[] {0}, new double[] {6}, new double[] {0}).render();
    int[] both = colouredBox(wider);
    double ratio = (double) (both[2] - both[0]) / (both[3] - both[1]);
    assertEquals(3.5, ratio, 0.15, "7 units wide, 2 tall");
  }

  @Test
  void badCirclesAndArrowsAreErrors() {
    double[] one = {1};
    assertThrows(IllegalArgumentException.class, () -> new Plot().circles("c", one, one, new double[] {-1}));
    assertThrows(IllegalArgumentException.class, () -> new Plot().arrows("a", one, one, one, new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> new Plot().add("s", one, one, Plot.Style.CIRCLES));
    assertThrows(IllegalArgumentException.class,
        () -> new Plot().equalAspect().xScale(Plot.Scale.LOG).circles("c", one, one, one).render());
  }

  /** {xmin, ymin, xmax, ymax} of the pixels that are neither white nor gray (the coloured series). */
  private static int[] colouredBox(BufferedImage image) {
    int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
    for (int y = 0; y < image.getHeight(); y++)
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y), r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, bl = rgb & 255;
        if (Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl)) < 40) continue;
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.max(b[2], x);
        b[3] = Math.max(b[3], y);
      }
    return b;
  }

  @Test
  void imagePanelsAreDrawnRowMajorFromWhiteToBlack() {
    // a 2×2 image [[0, 1], [2, 3]]: gray levels 255 (top left), 170, 85, 0 (bottom right), each a square block
    BufferedImage image = new Plot(240, 180).image("", 2, 2, new double[] {0, 1, 2, 3}).render();
    int[] light = box(image, 170), dark = box(image, 85), black = box(image, 0);
    int side = light[2] - light[0] + 1;
    assertTrue(side >= 20, "pixels are enlarged to fill the cell: " + side);
    assertEquals(side * side, count(image, 170));
    assertEquals(side * side, count(image, 85));
    assertEquals(side * side, count(image, 0));
    assertEquals(light[0], black[0], "1 above 3");
    assertEquals(dark[1], black[1], "2 left of 3, same row");
    assertEquals(dark[0] + side, black[0]);
    assertEquals(light[1] + side, black[1]);
  }

  @Test
  void imageGridWithCaptionsRenders(@TempDir Path dir) throws Exception {
    Plot plot = new Plot(600, 300).title("grid").imageColumns(3);
    for (int i = 0; i < 7; i++) plot.image("image " + i, 8, 8, ramp(64, i));
    plot.image("constant", 8, 8, new double[64]).image("with NaN", 1, 2, new double[] {Double.NaN, 1});
    Path file = dir.resolve("grid.png");
    plot.save(file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(600, image.getWidth());
    assertTrue(count(image, 128) >= 64, "the constant image is mid-gray");
    assertEquals(ImageGrid.grayLevel(5, 0, 10), 128);
    assertEquals(ImageGrid.grayLevel(0, 0, 10), 255);
    assertEquals(ImageGrid.grayLevel(10, 0, 10), 0);
  }

  @Test
  void badImagesAreErrors() {
    assertThrows(IllegalArgumentException.class, () -> new Plot().image("short", 2, 2, new double[3]));
    assertThrows(IllegalArgumentException.class, () -> new Plot().image("empty", 0, 2, new double[0]));
    assertThrows(IllegalArgumentException.class, () -> new Plot().imageColumns(0));
    Plot mixed = new Plot().title("mixed").image("a", 1, 1, new double[] {1}).line("l", X, Y);
    String m = assertThrows(IllegalArgumentException.class, mixed::render).getMessage();
    assertTrue(m.contains("'mixed'") && m.contains("images"), m);
  }

  private static double[] ramp(int n, int offset) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = (i + offset) % n;
    return v;
  }

  /** Pixels whose red, green and blue are all {@code level}. */
  private static int count(BufferedImage image, int level) {
    int rgb = (level << 16) | (level << 8) | level, count = 0;
    for (int y = 0; y < image.getHeight(); y++)
      for (int x = 0; x < image.getWidth(); x++)
        if ((image.getRGB(x, y) & 0xffffff) == rgb) count++;
    return count;
  }

  /** {xmin, ymin, xmax, ymax} of the pixels of gray {@code level}. */
  private static int[] box(BufferedImage image, int level) {
    int rgb = (level << 16) | (level << 8) | level;
    int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
    for (int y = 0; y < image.getHeight(); y++)
      for (int x = 0; x < image.getWidth(); x++)
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          b[0] = Math.min(b[0], x);
          b[1] = Math.min(b[1], y);
          b[2] = Math.max(b[2], x);
          b[3] = Math.max(b[3], y);
        }
    assertTrue(b[2] >= 0, "no pixel of gray " + level);
    return b;
  }

  static int countNonWhite(BufferedImage image) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
          count++;
        }
      }
    }
    return count;
  }
}
