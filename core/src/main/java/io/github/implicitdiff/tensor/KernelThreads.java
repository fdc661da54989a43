package io.github.implicitdiff.tensor;

/**
 * Which threads the library's kernels use. By default a large product is split into one part per core (at most 8),
 * run by the calling thread and one worker per further core (see the README's kernel notes under bench autodiff; {@code -Dimplicitdiff.threads=1} turns the workers off for
 * the whole process). A thread that is itself one of several running at once (a pool that solves independent
 * problems in parallel) gains nothing from splitting its kernels further: it marks itself serial, and its kernels
 * then run every part on it, leaving the cores to its siblings.
 *
 * <pre>{@code
 * Executors.newFixedThreadPool(cores, r -> new Thread(() -> { KernelThreads.serialOnThisThread(); r.run(); }));
 * }</pre>
 */
public final class KernelThreads {
  private KernelThreads() {}

  /** From now on, kernels called on the current thread run all their parts on it (for the thread's lifetime). */
  public static void serialOnThisThread() {
    Parallel.markSerial();
  }

  /** Whether kernels called on the current thread split their work across the workers. */
  public static boolean splitsOnThisThread() {
    return Parallel.PARTS > 1 && !Parallel.isSerial();
  }
}
