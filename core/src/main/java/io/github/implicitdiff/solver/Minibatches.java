package io.github.implicitdiff.solver;

import java.util.Arrays;
import java.util.Random;

/**
 * Row indices of minibatches: epochs of a fresh random permutation of 0..n−1 (Fisher–Yates from {@code rng}), cut
 * into consecutive slices of the batch size; an epoch's last slice is shorter when the size does not divide n (a batch
 * size above n gives one slice of all n rows per epoch). The
 * order is a function of the generator's seed alone, which is what makes a seeded stochastic solver
 * ({@link ArmijoSGD}, {@link PolyakSGD}, {@link MinibatchAdam}) a deterministic function of θ.
 *
 * <pre>{@code
 * Minibatches batches = new Minibatches(1000, 32, new Random(0));
 * for (int b = 0; b < batches.perEpoch(); b++) train(X.take(batches.next(), 0));   // one epoch
 * }</pre>
 */
public final class Minibatches {
  private final int n, batch;
  private final Random rng;
  private int[] perm = new int[0];
  private int next;

  /**
   * Minibatches of {@code batch} rows out of n, shuffled by {@code rng}.
   *
   * @throws IllegalArgumentException when n or batch is below 1
   */
  public Minibatches(int n, int batch, Random rng) {
    if (n < 1 || batch < 1) throw new IllegalArgumentException("Minibatches: n and batch must be ≥ 1, got " + n + ", " + batch);
    if (rng == null) throw new IllegalArgumentException("Minibatches: rng must not be null");
    this.n = n;
    this.batch = batch;
    this.rng = rng;
  }

  /** The number of minibatches in one epoch, ⌈n / batch⌉ (1 when batch ≥ n). */
  public int perEpoch() {
    return (n + Math.min(batch, n) - 1) / Math.min(batch, n);
  }

  /** The rows of the next minibatch. */
  public int[] next() {
    if (next >= perm.length) {
      perm = shuffled();
      next = 0;
    }
    int[] rows = Arrays.copyOfRange(perm, next, Math.min(n, next + batch));
    next += rows.length;
    return rows;
  }

  private int[] shuffled() {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }
}
