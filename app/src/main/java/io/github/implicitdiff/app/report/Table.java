package io.github.implicitdiff.app.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A console table: headers, then rows; numbers right-aligned with a fixed number of significant digits
 * ({@code %g}: scientific below 1e-4 and from 10^digits up), integers as integers, text left-aligned.
 * <pre>{@code
 * Table t = new Table("i", "x", "grad AD", "grad FD");
 * t.row(0, 1.0, 1.3818, 1.3818);
 * out.print(t.render());
 * //  i    x        grad AD      grad FD
 * //  -  ----------  ---------  ---------
 * //  0  1.00000     1.38177    1.38177
 * }</pre>
 * Non-finite numbers print as NaN, inf and -inf.
 */
public final class Table {
  private final List<String> headers;
  private final List<Object[]> rows = new ArrayList<>();
  private int significantDigits = 6;

  /** A table with these column headers. */
  public Table(String... headers) {
    if (headers.length == 0) {
      throw new IllegalArgumentException("Table: needs at least one column");
    }
    this.headers = List.of(headers);
  }

  /** Sets the significant digits of floating-point cells (1 to 17; default 6). @return this */
  public Table significantDigits(int digits) {
    if (digits < 1 || digits > 17) {
      throw new IllegalArgumentException("Table.significantDigits: must be in [1, 17], got " + digits);
    }
    this.significantDigits = digits;
    return this;
  }

  /** Appends a row with one cell per column. @return this */
  public Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("Table.row: expected " + headers.size() + " cells " + headers + ", got "
          + cells.length + " " + Arrays.toString(cells));
    }
    rows.add(cells.clone());
    return this;
  }

  /** Number of rows added so far. */
  public int size() {
    return rows.size();
  }

  /** The table as text, one line per row, each line ending in a newline. */
  public String render() {
    int columns = headers.size();
    List<String[]> text = new ArrayList<>();
    boolean[] numeric = new boolean[columns];
    Arrays.fill(numeric, true);
    for (Object[] row : rows) {
      String[] cells = new String[columns];
      for (int j = 0; j < columns; j++) {
        cells[j] = format(row[j]);
        numeric[j] &= row[j] == null || row[j] instanceof Number;
      }
      text.add(cells);
    }
    int[] widths = new int[columns];
    for (int j = 0; j < columns; j++) {
      widths[j] = headers.get(j).length();
      for (String[] cells : text) {
        widths[j] = Math.max(widths[j], cells[j].length());
      }
    }
    StringBuilder out = new StringBuilder();
    String[] headerCells = headers.toArray(new String[0]);
    String[] rules = new String[columns];
    for (int j = 0; j < columns; j++) {
      rules[j] = "-".repeat(widths[j]);
    }
    line(out, headerCells, widths, numeric);
    line(out, rules, widths, numeric);
    for (String[] cells : text) {
      line(out, cells, widths, numeric);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return render();
  }

  private static void line(StringBuilder out, String[] cells, int[] widths, boolean[] rightAligned) {
    StringBuilder line = new StringBuilder();
    for (int j = 0; j < cells.length; j++) {
      if (j > 0) {
        line.append("  ");
      }
      String pad = " ".repeat(widths[j] - cells[j].length());
      line.append(rightAligned[j] ? pad + cells[j] : cells[j] + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private String format(Object cell) {
    if (cell == null) {
      return "";
    }
    if (cell instanceof Double || cell instanceof Float) {
      double v = ((Number) cell).doubleValue();
      if (Double.isNaN(v)) {
        return "NaN";
      }
      if (Double.isInfinite(v)) {
        return v > 0 ? "inf" : "-inf";
      }
      if (v == 0) {
        return "0";
      }
      return String.format(Locale.ROOT, "%." + significantDigits + "g", v);
    }
    return cell.toString();
  }
}
