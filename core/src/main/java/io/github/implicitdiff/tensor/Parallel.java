package io.github.implicitdiff.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a kernel at once on the calling thread and a fixed set of worker threads. The native
 * kernels split their work into at most {@link #PARTS} slices (rows of a matrix) and call OpenBLAS
 * single-threaded on each, so the library, not OpenBLAS, owns the parallelism.
 *
 * <p>Why: a data matrix read by every product of an iterative solver is then split the same way on every
 * call, and in a solver loop each slice keeps going to the same thread and core (X of 1000×200 doubles: its
 * two 0.8 MB halves each fit a core's 1 MB L2). Measured on a 2-core x86-64 against OpenBLAS's own
 * threading, the pair X v, Xᵀ u: 27 µs against 49 µs at 1000×200, 0.9 ms against 1.3–2.4 ms at 5000×1000;
 * dgemm 1024²: 87–88 GFLOP/s, equal to OpenBLAS's own threading.
 *
 * <p>The caller runs part 0 and then claims any part no worker has started, so a worker that is parked or
 * descheduled costs time only if it has already claimed a part: the worst case is the serial time. Workers
 * spin briefly after each part (so the products of a solver loop hand over in well under a microsecond),
 * then park. The pool serves one caller at a time; a second thread that finds it busy, and a part that
 * itself calls {@code run}, and a thread marked serial ({@link KernelThreads}), execute every part on their own
 * thread. Each part does the same arithmetic
 * whichever thread runs it, so results never depend on the scheduling.
 *
 * <p>The number of parts is the number of available processors (at most 8), or the system property
 * {@code implicitdiff.threads} (1 disables the workers).
 */
final class Parallel {
  private Parallel() {}

  /** Parts of a split kernel: the caller plus the workers. */
  static final int PARTS = parts();

  /** How long a worker spins for its next job before parking. */
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
      Job job = new Job(part, parts);
      Worker[] ws = workers();
      for (int i = 0; i < parts - 1; i++) ws[i].offer(job);
      job.runPart(0);
      for (int i; (i = job.claim()) >= 0; ) job.runPart(i);
      job.awaitAll();
      Throwable failure = job.failure;
      if (failure instanceof RuntimeException e) throw e;
      if (failure instanceof Error e) throw e;
      if (failure != null) throw new IllegalStateException(failure);
    } finally {
      BUSY.set(false);
    }
  }

  /** Marks the current thread as one whose kernels run every part themselves ({@link KernelThreads}). */
  static void markSerial() {
    IN_WORKER.set(true);
  }

  /** Whether the current thread runs every part itself (a worker, or a thread marked serial). */
  static boolean isSerial() {
    return IN_WORKER.get();
  }

  /** The start of slice i when [0, n) is cut into {@code parts} near-equal slices (start(n, parts, parts) = n). */
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

  /** One call's parts: 0 is the caller's, 1 … parts − 1 go to whoever claims them first. */
  private static final class Job {
    final IntConsumer part;
    final int parts;
    final AtomicInteger next = new AtomicInteger(1);
    final AtomicInteger finished = new AtomicInteger();
    volatile Throwable failure;

    Job(IntConsumer part, int parts) {
      this.part = part;
      this.parts = parts;
    }

    /** An unclaimed part, or −1. */
    int claim() {
      if (next.get() >= parts) return -1;
      int i = next.getAndIncrement();
      return i < parts ? i : -1;
    }

    void runPart(int i) {
      try {
        part.accept(i);
      } catch (Throwable t) {
        if (failure == null) failure = t;
      } finally {
        finished.incrementAndGet();
      }
    }

    void awaitAll() {
      while (finished.get() < parts) Thread.onSpinWait();
    }
  }

  /** One worker: claims parts of the job offered last; spins, then parks, between jobs. */
  private static final class Worker implements Runnable {
    private final Thread thread;
    /** The job offered last, cleared by the worker when done (so it does not keep the job's buffers alive). */
    private final AtomicReference<Job> job = new AtomicReference<>();
    private volatile boolean parked;

    Worker(int id) {
      thread = new Thread(this, "implicitdiff-kernel-" + id);
      thread.setDaemon(true);
      thread.start();
    }

    void offer(Job j) {
      job.set(j);
      if (parked) LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      IN_WORKER.set(true);
      while (true) {
        Job j = take();
        for (int i; (i = j.claim()) >= 0; ) j.runPart(i);
        job.compareAndSet(j, null);
      }
    }

    /** The offered job: spin for a while, then park until one is offered. */
    private Job take() {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (true) {
        Job j = job.get();
        if (j != null) return j;
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
          continue;
        }
        parked = true;
        if (job.get() == null) LockSupport.park(this);
        parked = false;
        spinUntil = System.nanoTime() + SPIN_NANOS;
      }
    }
  }
}
