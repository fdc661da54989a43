package io.github.implicitdiff.projection;

import io.github.implicitdiff.linalg.LinearSolver;

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
 * @param linearSolver the solver of the implicit derivative's linear system in the m + n − 1 gauge-fixed potentials;
 *     null (the default): GMRES restarted every min(m + n − 1, 300) iterations
 */
public record SinkhornOptions(double regularization, int maxIterations, double tolerance, boolean implicitDifferentiation,
    LinearSolver linearSolver) {
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
    this(regularization, maxIterations, tolerance, DEFAULT_IMPLICIT, null);
  }

  /** The given settings with the default linear solver of the implicit derivative. */
  public SinkhornOptions(double regularization, int maxIterations, double tolerance, boolean implicitDifferentiation) {
    this(regularization, maxIterations, tolerance, implicitDifferentiation, null);
  }

  private static final boolean DEFAULT_IMPLICIT = true;

  /** ε = 1, at most 1000 iterations, tolerance 1e-10, implicit differentiation. */
  public static SinkhornOptions defaults() {
    return new SinkhornOptions(1.0, 1000, 1e-10);
  }

  public SinkhornOptions withRegularization(double epsilon) {
    return new SinkhornOptions(epsilon, maxIterations, tolerance, implicitDifferentiation, linearSolver);
  }

  public SinkhornOptions withMaxIterations(int cap) {
    return new SinkhornOptions(regularization, cap, tolerance, implicitDifferentiation, linearSolver);
  }

  public SinkhornOptions withTolerance(double tol) {
    return new SinkhornOptions(regularization, maxIterations, tol, implicitDifferentiation, linearSolver);
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
    return new SinkhornOptions(regularization, maxIterations, tolerance, implicit, linearSolver);
  }

  /**
   * The linear solver of the implicit derivative (null: the default restarted GMRES). The system, in the gauge-fixed
   * potentials, is not symmetric but similar to a symmetric positive definite one with eigenvalues in (0, 2), so
   * solvers for general matrices apply (GMRES, BiCGSTAB, LU for small plans; not CG). Its residual and iterations are
   * reported like any implicit layer's, and a solve that misses its tolerance throws.
   *
   * <pre>{@code
   * var options = SinkhornOptions.defaults().withRegularization(0.05)
   *     .withLinearSolver(LinearSolvers.bicgstab().withTol(1e-12));
   * }</pre>
   *
   * @throws IllegalArgumentException if the solver requires a symmetric matrix (CG)
   */
  public SinkhornOptions withLinearSolver(LinearSolver solver) {
    if (solver != null && solver.requiresSymmetric())
      throw new IllegalArgumentException("SinkhornOptions: the linear solver " + solver.getClass().getSimpleName()
          + " requires a symmetric matrix, but the Jacobian of"
          + " the Sinkhorn optimality condition is not symmetric; use GMRES, BiCGSTAB or LU");
    return new SinkhornOptions(regularization, maxIterations, tolerance, implicitDifferentiation, solver);
  }
}
