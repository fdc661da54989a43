package io.github.implicitdiff.app.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One plot axis: its scale, its data range after padding, the mapping to pixels and its tick marks.
 * Linear ticks are "nice" steps 1, 2 or 5 × 10^k (about six of them); log ticks are decades labelled
 * 10ᵏ, with 2× and 5× ticks added when the range spans less than two decades.
 */
final class Axis {
  /** A tick: its data value, its label (empty for a minor tick) and whether it is a major tick. */
  record Tick(double value, String label, boolean major) {}

  private final Plot.Scale scale;
  private final double lo;
  private final double hi;

  /** An axis covering [min, max] of the data (min ≤ max), padded by 4% (in log space for a log axis). */
  Axis(Plot.Scale scale, double min, double max) {
    this.scale = scale;
    double a = scale == Plot.Scale.LOG ? Math.log10(min) : min;
    double b = scale == Plot.Scale.LOG ? Math.log10(max) : max;
    if (b - a <= 1e-12 * Math.max(1, Math.abs(a))) {
      double half = scale == Plot.Scale.LOG ? 0.5 : (a == 0 ? 1 : 0.1 * Math.abs(a));
      a -= half;
      b += half;
    } else {
      double pad = 0.04 * (b - a);
      a -= pad;
      b += pad;
    }
    this.lo = a;
    this.hi = b;
  }

  /** The position of {@code value} in [0, 1] along the axis (outside for values outside the range). */
  double fraction(double value) {
    double v = scale == Plot.Scale.LOG ? Math.log10(value) : value;
    return (v - lo) / (hi - lo);
  }

  /** The length of the padded range (in decades for a log axis). */
  double span() {
    return hi - lo;
  }

  /** The ticks inside the axis range, majors labelled. */
  List<Tick> ticks() {
    return scale == Plot.Scale.LOG ? logTicks() : linearTicks(lo, hi);
  }

  private static List<Tick> linearTicks(double lo, double hi) {
    double step = niceStep((hi - lo) / 6);
    long first = (long) Math.ceil(lo / step - 1e-9);
    long last = (long) Math.floor(hi / step + 1e-9);
    double maxAbs = Math.max(Math.abs(first * step), Math.abs(last * step));
    List<Tick> ticks = new ArrayList<>();
    for (long k = first; k <= last && ticks.size() < 50; k++) {
      double value = k * step;
      ticks.add(new Tick(value, formatLinear(value, step, maxAbs), true));
    }
    return ticks;
  }

  private List<Tick> logTicks() {
    int firstDecade = (int) Math.ceil(lo - 1e-9);
    int lastDecade = (int) Math.floor(hi + 1e-9);
    int decades = lastDecade - firstDecade + 1;
    List<Tick> ticks = new ArrayList<>();
    if (decades < 1 || (decades < 2 && hi - lo < 1)) {
      // less than a decade visible: 1-2-5 ticks with plain labels
      for (int e = (int) Math.floor(lo) - 1; e <= (int) Math.ceil(hi) + 1; e++) {
        for (int m : new int[] {1, 2, 5}) {
          double value = m * Math.pow(10, e);
          double position = Math.log10(value);
          if (position >= lo - 1e-9 && position <= hi + 1e-9) {
            ticks.add(new Tick(value, plain(value), true));
          }
        }
      }
      if (ticks.size() < 3) {
        ticks.clear();
        for (Tick t : linearTicks(Math.pow(10, lo), Math.pow(10, hi))) {
          if (t.value() > 0) {
            ticks.add(t);
          }
        }
      }
      return ticks;
    }
    int every = Math.max(1, (int) Math.ceil(decades / 8.0));
    boolean minor = every == 1 && decades <= 8;
    boolean twoFive = decades <= 2; // few decades: label 2× and 5× too, all in plain numbers
    for (int e = firstDecade - 1; e <= lastDecade; e++) {
      double decade = Math.pow(10, e);
      if (e >= firstDecade && Math.floorMod(e, every) == 0) {
        ticks.add(new Tick(decade, twoFive ? plain(decade) : powerOfTen(e), true));
      } else if (e >= firstDecade) {
        ticks.add(new Tick(decade, "", false));
      }
      if (minor) {
        for (int m = 2; m <= 9; m++) {
          double value = m * decade;
          double position = Math.log10(value);
          if (position >= lo && position <= hi) {
            boolean labelled = twoFive && (m == 2 || m == 5);
            ticks.add(new Tick(value, labelled ? plain(value) : "", labelled));
          }
        }
      }
    }
    return ticks;
  }

  /** The nice number 1, 2 or 5 × 10^k nearest to {@code rough} (on a log scale). */
  static double niceStep(double rough) {
    double exponent = Math.floor(Math.log10(rough));
    double base = Math.pow(10, exponent);
    double mantissa = rough / base;
    double nice = mantissa < 1.5 ? 1 : mantissa < 3 ? 2 : mantissa < 7 ? 5 : 10;
    return nice * base;
  }

  /** A tick label with as many decimals as the step needs; scientific for very large or small values. */
  static String formatLinear(double value, double step, double maxAbs) {
    if (Math.abs(value) < step * 1e-6) {
      return "0";
    }
    int stepExponent = (int) Math.floor(Math.log10(step) + 1e-9);
    int maxExponent = (int) Math.floor(Math.log10(maxAbs) + 1e-9);
    if (maxExponent >= 5 || maxExponent <= -4) {
      int decimals = Math.max(0, maxExponent - stepExponent);
      return String.format(java.util.Locale.ROOT, "%." + decimals + "fe%d", value / Math.pow(10, maxExponent), maxExponent);
    }
    int decimals = Math.max(0, -stepExponent);
    return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
  }

  private static String plain(double value) {
    int exponent = (int) Math.floor(Math.log10(value) + 1e-9);
    if (exponent >= 5 || exponent <= -4) {
      double mantissa = value / Math.pow(10, exponent);
      return String.format(java.util.Locale.ROOT, "%.0f×", mantissa) + powerOfTen(exponent);
    }
    return java.math.BigDecimal.valueOf(value).round(new java.math.MathContext(3)).stripTrailingZeros()
        .toPlainString();
  }

  /** "10" followed by the exponent in superscript digits, such as 10⁻³. */
  static String powerOfTen(int exponent) {
    String digits = Integer.toString(exponent);
    StringBuilder out = new StringBuilder("10");
    for (char c : digits.toCharArray()) {
      out.append(c == '-' ? '\u207B' : "\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079".charAt(c - '0'));
    }
    return out.toString();
  }
}
