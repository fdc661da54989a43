package io.github.implicitdiff.app.experiments;

import java.util.Arrays;
import java.util.Random;

/**
 * Row indices of minibatches for the training loops: epochs of a fresh random permutation of 0..n−1 (Fisher–Yates
 * from {@code rng}), cut into consecutive slices of the batch size; an epoch's last slice is shorter when the
 * size does not divide n.
 */
final class Minibatches {
  private final int n, batch;
  private final Random rng;
  private int[] perm = new int[0];
  private int next;

  Minibatches(int n, int batch, Random rng) {
    if (n < 1 || batch < 1) throw new IllegalArgumentException("Minibatches: n and batch must be ≥ 1, got " + n + ", " + batch);
    this.n = n;
    this.batch = batch;
    this.rng = rng;
  }

  /** The rows of the next minibatch. */
  int[] next() {
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
