package io.github.implicitdiff.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The factorizations and Krylov solvers compute on values: given a tensor being differentiated they throw,
 * pointing to DenseSolve and customRoot, instead of silently returning a result whose derivative is zero.
 */
class TracedInputTest {
  private static final Tensor A = Tensor.of(new double[][] {{4, 1}, {1, 3}});
  private static final Tensor B = Tensor.of(1, 2);

  private static void assertRefusedUnderGrad(Function<Tensor, Tensor> f, String method, String role) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AD.grad(t -> f.apply(t).sum(), Tensor.scalar(1.0)));
    assertTrue(e.getMessage().startsWith(method + ": " + role + " is being differentiated"), e.getMessage());
    assertTrue(e.getMessage().contains("DenseSolve.solve") && e.getMessage().contains("customRoot"), e.getMessage());
  }

  @Test
  void factorizationsRefuseATracedMatrixOrRightHandSide() {
    assertRefusedUnderGrad(t -> Lu.factor(A.mul(t)).solve(B), "Lu.factor", "the matrix");
    assertRefusedUnderGrad(t -> Cholesky.factor(A.mul(t)).solve(B), "Cholesky.factor", "the matrix");
    assertRefusedUnderGrad(t -> Lu.factor(A).solve(B.mul(t)), "Lu.solve", "the right-hand side");
    assertRefusedUnderGrad(t -> Lu.factor(A).solveTranspose(B.mul(t).reshape(2, 1)), "Lu.solveTranspose", "the right-hand side");
    assertRefusedUnderGrad(t -> Cholesky.factor(A).solve(B.mul(t)), "Cholesky.solve", "the right-hand side");
    assertRefusedUnderGrad(t -> LinearSolvers.lu().solve(LinearOperator.dense(A.mul(t)), B).x(), "Lu.factor", "the matrix");
  }

  @Test
  void krylovSolversRefuseATracedRightHandSideOrOperator() {
    assertRefusedUnderGrad(t -> LinearSolvers.cg().solve(LinearOperator.dense(A), B.mul(t)).x(), "cg", "b");
    assertRefusedUnderGrad(t -> LinearSolvers.gmres().solve(LinearOperator.of(2, v -> A.matmul(v).mul(t), v -> A.matmul(v).mul(t), true), B).x(), "gmres",
        "the product A v");
  }

  /** The differentiable route the messages point to: d/dt of sum((tA)⁻¹ b) = −sum(A⁻¹b)/t². */
  @Test
  void denseSolveIsTheDifferentiableRoute() {
    double x = Lu.factor(A).solve(B).sum().item();
    double g = AD.grad(t -> DenseSolve.solve(A.mul(t), B).sum(), Tensor.scalar(2.0)).item();
    assertEquals(-x / 4, g, 1e-14);
  }
}
