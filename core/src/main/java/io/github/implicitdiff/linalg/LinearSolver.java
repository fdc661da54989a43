package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Solves A x = b for a square {@link LinearOperator} A. Implementations report their iterations and
 * relative residual in the {@link LinearSolution}; by default they throw {@link NotConvergedException}
 * when the tolerance is not reached (configurable to return the unconverged result instead).
 */
public interface LinearSolver {
  /** Solves A x = b starting from x0 (null: zeros). */
  LinearSolution solve(LinearOperator A, Tensor b, Tensor x0);

  /** Solves A x = b from zeros. */
  default LinearSolution solve(LinearOperator A, Tensor b) {
    return solve(A, b, null);
  }

  /** Whether this method needs A symmetric (positive definite). */
  default boolean requiresSymmetric() {
    return false;
  }

  /** Whether this method needs Aᵀ v products. */
  default boolean requiresTranspose() {
    return false;
  }
}
