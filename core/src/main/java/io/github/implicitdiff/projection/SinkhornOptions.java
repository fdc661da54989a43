package io.github.implicitdiff.projection;

/**
 * Settings of the entropic projection onto transport polytopes ({@link Projections#transport}).
 *
 * <pre>{@code
 * var options = SinkhornOptions.defaults().withRegularization(0.1).withMaxIterations(5000);
 * }</pre>
 *
 * @param regularization ε &gt; 0: the plan is argmax_{P ∈ U(a, b)} ⟨P, X⟩ + ε H(P); smaller ε is closer
 *     to the unregularized optimal transport plan and needs more iterations
 * @param maxIterations the iteration cap (each iteration rescales the rows, then the columns)
 * @param tolerance stop when the row marginals are within this (∞-norm) of a; the column marginals
 *     are exact after each iteration
 */
public record SinkhornOptions(double regularization, int maxIterations, double tolerance) {
  public SinkhornOptions {
    if (!(regularization > 0) || !Double.isFinite(regularization))
      throw new IllegalArgumentException("SinkhornOptions: regularization must be positive and finite, got " + regularization);
    if (maxIterations < 1)
      throw new IllegalArgumentException("SinkhornOptions: maxIterations must be at least 1, got " + maxIterations);
    if (!(tolerance > 0) || !Double.isFinite(tolerance))
      throw new IllegalArgumentException("SinkhornOptions: tolerance must be positive and finite, got " + tolerance);
  }

  /** ε = 1, at most 1000 iterations, tolerance 1e-10. */
  public static SinkhornOptions defaults() {
    return new SinkhornOptions(1.0, 1000, 1e-10);
  }

  public SinkhornOptions withRegularization(double epsilon) {
    return new SinkhornOptions(epsilon, maxIterations, tolerance);
  }

  public SinkhornOptions withMaxIterations(int cap) {
    return new SinkhornOptions(regularization, cap, tolerance);
  }

  public SinkhornOptions withTolerance(double tol) {
    return new SinkhornOptions(regularization, maxIterations, tol);
  }
}
