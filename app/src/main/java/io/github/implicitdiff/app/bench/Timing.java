package io.github.implicitdiff.app.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Wall-clock timing with warm-up: runs a task {@code warmup} times unmeasured (to let the JIT compile
 * it), then {@code repetitions} times measured with System.nanoTime, and reports the median.
 * <pre>{@code
 * Timing.Result r = Timing.measure(3, 10, () -> AD.grad(f, x));
 * double seconds = r.medianSeconds();
 * }</pre>
 * The task should return what it computes; the result's identity hash is folded into
 * {@link Result#checksum()} so the JIT cannot drop the work as dead code.
 */
public final class Timing {
  private Timing() {}

  /**
   * Times of the measured runs.
   *
   * @param samplesSeconds each measured run's time, in run order
   * @param checksum a value derived from the task's results (only there to keep them alive)
   */
  public record Result(double[] samplesSeconds, int checksum) {
    /** Copies the samples. */
    public Result {
      samplesSeconds = samplesSeconds.clone();
    }

    /** The median time in seconds (mean of the middle two for an even count). */
    public double medianSeconds() {
      double[] sorted = samplesSeconds.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** The fastest measured run in seconds. */
    public double minSeconds() {
      return Arrays.stream(samplesSeconds).min().orElseThrow();
    }

    /** The slowest measured run in seconds. */
    public double maxSeconds() {
      return Arrays.stream(samplesSeconds).max().orElseThrow();
    }
  }

  /**
   * Runs {@code task} {@code warmup} times, then {@code repetitions} times timed.
   * @throws IllegalArgumentException if warmup {@literal <} 0 or repetitions {@literal <} 1
   */
  public static Result measure(int warmup, int repetitions, Supplier<?> task) {
    if (warmup < 0 || repetitions < 1) {
      throw new IllegalArgumentException("Timing.measure: need warmup >= 0 and repetitions >= 1, got "
          + warmup + " and " + repetitions);
    }
    int checksum = 0;
    for (int i = 0; i < warmup; i++) {
      checksum = 31 * checksum + System.identityHashCode(task.get());
    }
    double[] samples = new double[repetitions];
    for (int i = 0; i < repetitions; i++) {
      long start = System.nanoTime();
      Object result = task.get();
      samples[i] = (System.nanoTime() - start) * 1e-9;
      checksum = 31 * checksum + System.identityHashCode(result);
    }
    return new Result(samples, checksum);
  }

  /** The median seconds of {@link #measure}. */
  public static double medianSeconds(int warmup, int repetitions, Supplier<?> task) {
    return measure(warmup, repetitions, task).medianSeconds();
  }

  /**
   * Times several tasks against each other: each runs until it has run for {@code warmupSeconds} (and at
   * least 3 times) so that the JIT has compiled its path, then the tasks run in turn, A B C A B C …,
   * {@code repetitions} rounds, so that a shared machine's changing speed hits all of them alike.
   * Returns each task's median seconds, in order.
   */
  public static double[] interleavedMedians(double warmupSeconds, int repetitions, List<Supplier<?>> tasks) {
    if (repetitions < 1) throw new IllegalArgumentException("Timing.interleavedMedians: repetitions must be >= 1");
    for (Supplier<?> t : tasks) {
      long start = System.nanoTime();
      for (int i = 0; i < 3 || (System.nanoTime() - start) * 1e-9 < warmupSeconds; i++) {
        t.get();
        if (i > 1000) break;
      }
    }
    double[][] samples = new double[tasks.size()][repetitions];
    for (int r = 0; r < repetitions; r++)
      for (int k = 0; k < tasks.size(); k++) {
        long start = System.nanoTime();
        tasks.get(k).get();
        samples[k][r] = (System.nanoTime() - start) * 1e-9;
      }
    double[] medians = new double[tasks.size()];
    for (int k = 0; k < medians.length; k++) medians[k] = new Result(samples[k], 0).medianSeconds();
    return medians;
  }
}
