package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Dense Cholesky ({@link Cholesky}) as a {@link LinearSolver} for a symmetric positive definite operator.
 *
 * <pre>{@code
 * Tensor x = LinearSolvers.cholesky().solve(LinearOperator.dense(Tensor.of(new double[][] {{4, 1}, {1, 3}})), Tensor.of(1, 2)).x();
 * }</pre>
 */
public final class CholeskySolver extends DenseSolver<CholeskySolver> {
  CholeskySolver(double ridge, double minReciprocalCondition) {
    super(ridge, minReciprocalCondition);
  }

  @Override
  CholeskySolver with(double ridge, double minReciprocalCondition) {
    return new CholeskySolver(ridge, minReciprocalCondition);
  }

  @Override
  public String method() {
    return "cholesky";
  }

  @Override
  public boolean requiresSymmetric() {
    return true;
  }

  @Override
  Tensor factorAndSolve(Tensor matrix, Tensor b) {
    return Cholesky.factor(matrix, minReciprocalCondition).solve(b);
  }
}
