package io.github.implicitdiff.app.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress lines for long loops, such as {@code iter 10/50  val_loss 0.1234}. A line is printed for the
 * first and last step and otherwise at most once per interval; {@link #silent()} prints nothing (tests).
 * <pre>{@code
 * Progress.Loop loop = output.progress().loop("iter", 50, "val_loss");
 * for (int t = 1; t <= 50; t++) {
 *   loop.update(t, validationLoss);
 * }
 * }</pre>
 */
public final class Progress {
  private final PrintStream out;
  private final long intervalNanos;
  private final LongSupplier clock;

  /**
   * @param out where lines go, or null for silence
   * @param intervalNanos the least time between two lines, except the first and last step
   * @param clock nanosecond clock (System::nanoTime)
   */
  public Progress(PrintStream out, long intervalNanos, LongSupplier clock) {
    this.out = out;
    this.intervalNanos = intervalNanos;
    this.clock = clock;
  }

  /** Lines to {@code out}, at most two per second. */
  public static Progress to(PrintStream out) {
    return new Progress(out, 500_000_000L, System::nanoTime);
  }

  /** A reporter that prints nothing. */
  public static Progress silent() {
    return new Progress(null, 0, System::nanoTime);
  }

  /** Starts reporting a loop of {@code total} steps with named values. */
  public Loop loop(String label, int total, String... valueNames) {
    return new Loop(label, total, valueNames.clone());
  }

  /** One loop's reporter. */
  public final class Loop {
    private final String label;
    private final int total;
    private final String[] names;
    private long lastPrint = Long.MIN_VALUE;

    private Loop(String label, int total, String[] names) {
      this.label = label;
      this.total = total;
      this.names = names;
    }

    /**
     * Reports step {@code step} (1-based) with one value per name.
     * @throws IllegalArgumentException if the number of values differs from the number of names
     */
    public void update(int step, double... values) {
      if (values.length != names.length) {
        throw new IllegalArgumentException("Progress.update: " + names.length + " value names but "
            + values.length + " values");
      }
      if (out == null) {
        return;
      }
      long now = clock.getAsLong();
      boolean due = lastPrint == Long.MIN_VALUE || step >= total || now - lastPrint >= intervalNanos;
      if (!due) {
        return;
      }
      lastPrint = now;
      StringBuilder line = new StringBuilder(label).append(' ').append(step).append('/').append(total);
      for (int k = 0; k < names.length; k++) {
        line.append("  ").append(names[k]).append(' ').append(String.format(Locale.ROOT, "%.4g", values[k]));
      }
      out.println(line);
    }
  }
}
