package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * An approximate inverse z = M⁻¹ r applied to a residual, used by the Krylov solvers to cluster the
 * spectrum of M⁻¹A. M must be symmetric positive definite for conjugate gradient.
 *
 * <pre>{@code
 * Preconditioner jacobi = Preconditioners.jacobi(diagonalOfA);
 * LinearSolution s = LinearSolvers.cg().withPreconditioner(jacobi).solve(A, b);
 * }</pre>
 */
@FunctionalInterface
public interface Preconditioner {
  /** z = M⁻¹ r for a vector r of the operator's length; r is not modified. */
  Tensor apply(Tensor residual);
}
