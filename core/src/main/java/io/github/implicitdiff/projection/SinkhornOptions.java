package io.github.implicitdiff.projection;

/**
 * Settings of the entropic projection onto transport polytopes ({@link Projections#transport}).
 *
 * <pre>{@code
 * var options = SinkhornOptions.defaults().withRegularization(0.1).withMaxIterations(5000);
 * var unrolled = options.withImplicitDifferentiation(false);   // differentiate through the recorded iterations
 * }</pre>
 *
 * @param regularization ε &gt; 0: the plan is argmax_{P ∈ U(a, b)} ⟨P, X⟩ + ε H(P); smaller ε is closer
 *     to the unregularized optimal transport plan and needs more iterations
 * @param maxIterations the iteration cap (each iteration rescales the rows, then the columns)
 * @param tolerance stop when the row marginals are within this (∞-norm) of a; the column marginals
 *     are exact after each iteration
 * @param implicitDifferentiation true: the plan is differentiated implicitly, through the optimality
 *     condition of the Sinkhorn potentials (the iterations run on values and are not recorded); false: by
 *     unrolling the recorded iterations (memory and backward time grow with the iteration count)
 */
public record SinkhornOptions(double regularization, int maxIterations, double tolerance, boolean implicitDifferentiation) {
  public SinkhornOptions {
    if (!(regularization > 0) || !Double.isFinite(regularization))
      throw new IllegalArgumentException("SinkhornOptions: regularization must be positive and finite, got " + regularization);
    if (maxIterations < 1)
      throw new IllegalArgumentException("SinkhornOptions: maxIterations must be at least 1, got " + maxIterations);
    if (!(tolerance > 0) || !Double.isFinite(tolerance))
      throw new IllegalArgumentException("SinkhornOptions: tolerance must be positive and finite, got " + tolerance);
  }

  /** The given ε, iteration cap and tolerance, with the default differentiation ({@link #defaults()}). */
  public SinkhornOptions(double regularization, int maxIterations, double tolerance) {
    this(regularization, maxIterations, tolerance, DEFAULT_IMPLICIT);
  }

  private static final boolean DEFAULT_IMPLICIT = true;

  /** ε = 1, at most 1000 iterations, tolerance 1e-10, implicit differentiation. */
  public static SinkhornOptions defaults() {
    return new SinkhornOptions(1.0, 1000, 1e-10);
  }

  public SinkhornOptions withRegularization(double epsilon) {
    return new SinkhornOptions(epsilon, maxIterations, tolerance, implicitDifferentiation);
  }

  public SinkhornOptions withMaxIterations(int cap) {
    return new SinkhornOptions(regularization, cap, tolerance, implicitDifferentiation);
  }

  public SinkhornOptions withTolerance(double tol) {
    return new SinkhornOptions(regularization, maxIterations, tol, implicitDifferentiation);
  }

  /**
   * Implicit (true) or unrolled (false) differentiation of the plan; the plan itself is the same. Implicit
   * differentiation solves one linear system in the m + n − 1 gauge-fixed potentials per derivative, so its cost
   * does not grow with the iteration count; unrolling replays every iteration backwards and keeps them all in
   * memory.
   *
   * <pre>{@code
   * Tensor P = Projections.transport(X, a, b, SinkhornOptions.defaults().withImplicitDifferentiation(false));
   * }</pre>
   */
  public SinkhornOptions withImplicitDifferentiation(boolean implicit) {
    return new SinkhornOptions(regularization, maxIterations, tolerance, implicit);
  }
}
