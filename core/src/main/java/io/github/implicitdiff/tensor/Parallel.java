package io.github.implicitdiff.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a kernel at once: part 0 on the calling thread, part i on worker thread i − 1. The
 * native kernels split their work into {@link #PARTS} fixed slices (rows of a matrix) and call OpenBLAS
 * single-threaded on each, so the library, not OpenBLAS, owns the parallelism.
 *
 * <p>Why: a data matrix read by every product of an iterative solver is then split the same way on every
 * call, so each core keeps its slice in its own cache (X of 1000×200 doubles, 1.6 MB, is two 0.8 MB slices
 * that each fit a 1 MB L2). Measured on a 2-core x86-64 against OpenBLAS's own threading, the product
 * pair Xᵀ(Xv): 27 µs against 49 µs at 1000×200, 0.9 ms against 1.3–2.4 ms at 5000×1000; dgemm 1024²:
 * 88 GFLOP/s, equal to OpenBLAS's own threading.
 *
 * <p>Workers spin briefly after each part (so the products of a solver loop hand over in well under a
 * microsecond), then park. The pool serves one caller at a time: a second thread that finds it busy, and a
 * part that itself calls {@code run}, execute every part in order on their own thread. Either way each part
 * does the same arithmetic, so results do not depend on which thread ran them.
 *
 * <p>The number of parts is the number of available processors (at most 8), or the system property
 * {@code implicitdiff.threads} (1 disables the workers).
 */
final class Parallel {
  private Parallel() {}

  /** Parts of a split kernel: the caller plus the workers. */
  static final int PARTS = parts();

  /** How long a worker spins for its next part before parking. */
  private static final long SPIN_NANOS = 100_000;

  private static final AtomicBoolean BUSY = new AtomicBoolean();
  private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
  private static volatile Worker[] workers;

  private static int parts() {
    int cores = Runtime.getRuntime().availableProcessors();
    int p = Math.min(cores, 8);
    String property = System.getProperty("implicitdiff.threads");
    if (property != null) {
      try {
        p = Integer.parseInt(property.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("implicitdiff.threads: '" + property + "' is not an integer");
      }
      if (p < 1 || p > 64) throw new IllegalArgumentException("implicitdiff.threads: " + p + " is not in [1, 64]");
    }
    return Math.max(1, p);
  }

  /**
   * Runs part(0) … part(parts − 1), parts ≤ {@link #PARTS}, and returns when all have finished; rethrows the
   * first exception of a part.
   */
  static void run(int parts, IntConsumer part) {
    if (parts > PARTS) throw new IllegalArgumentException("parallel: " + parts + " parts > " + PARTS);
    if (parts == 1 || IN_WORKER.get() || !BUSY.compareAndSet(false, true)) {
      for (int i = 0; i < parts; i++) part.accept(i);
      return;
    }
    try {
      Worker[] ws = workers();
      for (int i = 1; i < parts; i++) ws[i - 1].submit(part, i);
      Throwable failure = null;
      try {
        part.accept(0);
      } catch (Throwable t) {
        failure = t;
      }
      for (int i = 1; i < parts; i++) {
        Throwable t = ws[i - 1].await();
        if (failure == null) failure = t;
      }
      if (failure instanceof RuntimeException e) throw e;
      if (failure instanceof Error e) throw e;
      if (failure != null) throw new IllegalStateException(failure);
    } finally {
      BUSY.set(false);
    }
  }

  /** The bounds of part i of [0, n) split into parts near-equal slices. */
  static int start(int n, int parts, int i) {
    return (int) ((long) n * i / parts);
  }

  private static Worker[] workers() {
    Worker[] ws = workers;
    if (ws == null) {
      synchronized (Parallel.class) {
        ws = workers;
        if (ws == null) {
          ws = new Worker[PARTS - 1];
          for (int i = 0; i < ws.length; i++) ws[i] = new Worker(i + 1);
          workers = ws;
        }
      }
    }
    return ws;
  }

  /** One worker: takes a part, runs it, reports completion; spins, then parks, between parts. */
  private static final class Worker implements Runnable {
    private final Thread thread;
    private volatile IntConsumer task;
    private volatile int index;
    private volatile boolean done = true;
    private volatile boolean parked;
    private volatile Throwable failure;

    Worker(int id) {
      thread = new Thread(this, "implicitdiff-kernel-" + id);
      thread.setDaemon(true);
      thread.start();
    }

    void submit(IntConsumer part, int i) {
      failure = null;
      index = i;
      done = false;
      task = part; // publishes index and done
      if (parked) LockSupport.unpark(thread);
    }

    Throwable await() {
      while (!done) Thread.onSpinWait();
      return failure;
    }

    @Override
    public void run() {
      IN_WORKER.set(true);
      while (true) {
        IntConsumer t = take();
        try {
          t.accept(index);
        } catch (Throwable e) {
          failure = e;
        }
        task = null;
        done = true;
      }
    }

    private IntConsumer take() {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (true) {
        IntConsumer t = task;
        if (t != null) return t;
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
          continue;
        }
        parked = true;
        if (task == null) LockSupport.park(this);
        parked = false;
        spinUntil = System.nanoTime() + SPIN_NANOS;
      }
    }
  }
}
