package io.github.implicitdiff.app.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.List;

/**
 * Draws a {@link Plot}'s images as a grid of grayscale panels, left to right and top to bottom, each with
 * its caption beneath and its own range: its smallest finite value white, its largest black (ink on
 * paper, as the digits are drawn); a constant image is mid-gray and a non-finite pixel red. Pixels are
 * squares of a whole number of screen pixels, as large as the cells allow.
 */
final class ImageGrid {
  /** One image: rows×cols values, row-major. */
  record Panel(String caption, int rows, int cols, double[] values) {}

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);
  private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Color FRAME = new Color(0x999999);
  private static final Color NON_FINITE = new Color(0xd62728);

  private ImageGrid() {}

  /** The gray level (0 black – 255 white) of {@code value} in an image whose finite values span [lo, hi]. */
  static int grayLevel(double value, double lo, double hi) {
    if (!(hi > lo)) return 128;
    return (int) Math.round(255 * (1 - (value - lo) / (hi - lo)));
  }

  static void paint(Graphics2D g, int width, int height, String title, List<Panel> panels, int columns) {
    int perRow = columns > 0 ? Math.min(columns, panels.size()) : panels.size();
    int gridRows = (panels.size() + perRow - 1) / perRow;
    int margin = 12;
    int top = title.isEmpty() ? margin : 20 + g.getFontMetrics(TITLE_FONT).getHeight();
    FontMetrics captionMetrics = g.getFontMetrics(CAPTION_FONT);
    boolean captions = panels.stream().anyMatch(p -> !p.caption().isEmpty());
    int captionHeight = captions ? captionMetrics.getHeight() + 2 : 0;
    double cellWidth = (width - 2.0 * margin) / perRow;
    double cellHeight = (height - top - margin) / (double) gridRows;
    int maxRows = 1, maxCols = 1;
    for (Panel p : panels) {
      maxRows = Math.max(maxRows, p.rows());
      maxCols = Math.max(maxCols, p.cols());
    }
    int scale = Math.max(1, (int) Math.min((cellWidth - 8) / maxCols, (cellHeight - captionHeight - 8) / maxRows));

    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF); // crisp pixels and frames
    g.setColor(Color.BLACK);
    g.setFont(TITLE_FONT);
    FontMetrics titleMetrics = g.getFontMetrics();
    g.drawString(title, (width - titleMetrics.stringWidth(title)) / 2f, 10 + titleMetrics.getAscent());
    g.setFont(CAPTION_FONT);
    for (int i = 0; i < panels.size(); i++) {
      Panel p = panels.get(i);
      int w = p.cols() * scale, h = p.rows() * scale;
      int x0 = (int) Math.round(margin + (i % perRow + 0.5) * cellWidth - w / 2.0);
      int y0 = (int) Math.round(top + (i / perRow) * cellHeight + (cellHeight - captionHeight - h) / 2.0);
      drawPanel(g, p, x0, y0, scale);
      g.setColor(FRAME);
      g.drawRect(x0 - 1, y0 - 1, w + 1, h + 1);
      g.setColor(Color.BLACK);
      g.drawString(p.caption(), x0 + (w - captionMetrics.stringWidth(p.caption())) / 2f, y0 + h + 2 + captionMetrics.getAscent());
    }
  }

  private static void drawPanel(Graphics2D g, Panel p, int x0, int y0, int scale) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : p.values()) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    for (int r = 0; r < p.rows(); r++) {
      for (int c = 0; c < p.cols(); c++) {
        double v = p.values()[r * p.cols() + c];
        if (Double.isFinite(v)) {
          int level = grayLevel(v, lo, hi);
          g.setColor(new Color(level, level, level));
        } else {
          g.setColor(NON_FINITE);
        }
        g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
      }
    }
  }
}
