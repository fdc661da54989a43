package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;

/**
 * How {@link Differentiation#UNROLLED} reverse mode records a solver's iterations: every operation of every
 * iteration ({@link #none()}, the default), or segments of iterations, each recorded as one
 * {@link AD#checkpoint}ed step that keeps only the state entering it and runs again in the pullback. With K
 * iterations in segments of k the tape holds K/k segment states plus, during the pullback, one segment's
 * operations: O(K/k + k) iteration-sized records instead of O(K), for one more forward pass. The state carried
 * from one iteration to the next (iterate, gradient, FISTA's previous iterate, L-BFGS pairs, Anderson's history)
 * enters each segment as tensors and its concrete part (step sizes, FISTA's t, counters) is replayed, so the
 * recomputation takes the same decisions and the solution, iteration count and derivatives are those of the plain
 * recording. Nothing changes under implicit differentiation, forward mode alone, or when nothing is traced.
 *
 * <p>The number of iterations K is rarely known in advance (the solver stops when it converges), so a fixed k
 * cannot be √K. {@link #growing()} does not need K: segment j (from 0) has j + 1 iterations, so K iterations make
 * about √(2K) segments of at most √(2K) iterations, within a factor √2 of the best fixed k = √K for every K.
 *
 * <pre>{@code
 * GradientDescent gd = GradientDescent.of(f).withDifferentiation(Differentiation.UNROLLED)
 *     .withCheckpointing(Checkpointing.growing());                       // or Checkpointing.every(30)
 * Tensor g = AD.grad(lam -> valLoss(gd.run(w0, lam).solution()), lambda);
 * }</pre>
 */
public final class Checkpointing {
  private static final Checkpointing NONE = new Checkpointing(0), GROWING = new Checkpointing(-1);

  /** 0: none; k &gt; 0: every k iterations; −1: growing segments. */
  private final int every;

  private Checkpointing(int every) {
    this.every = every;
  }

  /** Every iteration recorded (the default). */
  public static Checkpointing none() {
    return NONE;
  }

  /** Segments of k ≥ 1 iterations (the last one shorter when the solver stops inside it). */
  public static Checkpointing every(int k) {
    if (k < 1) throw new IllegalArgumentException("Checkpointing.every: the segment length must be at least 1, got " + k);
    return new Checkpointing(k);
  }

  /** Segments of 1, 2, 3, ... iterations: about √(2K) segments of at most √(2K) iterations for any K. */
  public static Checkpointing growing() {
    return GROWING;
  }

  /** Whether iterations are grouped into checkpointed segments at all. */
  public boolean enabled() {
    return every != 0;
  }

  /** The number of iterations of segment j (from 0). */
  public int segmentLength(int j) {
    if (!enabled()) throw new IllegalStateException("Checkpointing.none() has no segments");
    if (j < 0) throw new IllegalArgumentException("Checkpointing: segment index must be ≥ 0, got " + j);
    return every > 0 ? every : j + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpointing c && c.every == every;
  }

  @Override
  public int hashCode() {
    return every;
  }

  @Override
  public String toString() {
    return every == 0 ? "Checkpointing.none()" : every < 0 ? "Checkpointing.growing()" : "Checkpointing.every(" + every + ")";
  }
}
