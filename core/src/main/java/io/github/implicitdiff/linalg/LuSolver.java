package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Dense LU with partial pivoting ({@link Lu}) as a {@link LinearSolver} for any square operator.
 *
 * <pre>{@code
 * Tensor x = LinearSolvers.lu().solve(LinearOperator.dense(Tensor.of(new double[][] {{2, 1}, {-1, 3}})), Tensor.of(1, 2)).x();
 * }</pre>
 */
public final class LuSolver extends DenseSolver<LuSolver> {
  LuSolver(double ridge, double minReciprocalCondition) {
    super(ridge, minReciprocalCondition);
  }

  @Override
  LuSolver with(double ridge, double minReciprocalCondition) {
    return new LuSolver(ridge, minReciprocalCondition);
  }

  @Override
  public String method() {
    return "lu";
  }

  @Override
  Tensor factorAndSolve(Tensor matrix, Tensor b) {
    return Lu.factor(matrix, minReciprocalCondition).solve(b);
  }
}
