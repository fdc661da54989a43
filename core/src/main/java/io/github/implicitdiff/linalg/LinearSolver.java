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

  /**
   * Solves A X = B for the k columns of an (n, k) matrix B, returning X of shape (n, k), or throws
   * {@link NotConvergedException} naming the column that failed. The default solves the columns one by one
   * with {@link #solve(LinearOperator, Tensor)}; the dense solvers ({@link LinearSolvers#lu()},
   * {@link LinearSolvers#cholesky()}) factor A once and solve all columns in one pass.
   *
   * <pre>{@code
   * Tensor X = LinearSolvers.lu().solveColumns(LinearOperator.dense(A), B);   // A X = B, B (n, k)
   * }</pre>
   */
  default Tensor solveColumns(LinearOperator A, Tensor B) {
    int n = CheckedOperator.requireColumns(getClass().getSimpleName(), A, B);
    int k = B.dim(1);
    if (k == 0) return Tensor.zeros(n, 0);
    Tensor[] columns = new Tensor[k];
    for (int j = 0; j < k; j++) {
      LinearSolution s = solve(A, B.index(1, j));
      if (!s.converged())
        throw new NotConvergedException(s.method() + ": column " + j + " of " + k + " did not converge (" + s.iterations()
            + " iterations, relative residual " + s.relativeResidual() + "); raise maxIterations, loosen tol, add a ridge"
            + " term or use a preconditioner");
      columns[j] = s.x();
    }
    return Tensor.stack(1, columns);
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
