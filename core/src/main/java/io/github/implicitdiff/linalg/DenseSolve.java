package io.github.implicitdiff.linalg;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * x = A⁻¹ b for a small dense A (n, n) and b (n,), differentiable in A and b to any order:
 * dx = A⁻¹(db − dA x) (JVP) and, for a cotangent g with w = A⁻ᵀ g, b̄ = w, Ā = −w xᵀ (VJP). Both rules
 * call the solve again, so derivatives of derivatives work. The concrete solve is Gaussian elimination
 * with partial pivoting.
 *
 *
 * <pre>{@code
 * Tensor x = DenseSolve.solve(A, b);
 * Tensor dxdb = AD.jacobian(v -> DenseSolve.solve(A, v), b);   // A⁻¹
 * }</pre>
 */
public final class DenseSolve {
  private DenseSolve() {}

  private static final MultiInputFunction SOLVE = AD.custom(
      in -> eliminate(in[0], in[1]),
      (x, out, dx) -> solve(x[0], dx[1].sub(dx[0].matmul(out))),
      (x, out, g) -> {
        Tensor w = solve(x[0].T(), g);
        return new Tensor[] {w.outer(out).neg(), w};
      });

  /** x = A⁻¹b, differentiable in A and b to any order. */
  public static Tensor solve(Tensor A, Tensor b) {
    if (A.ndim() != 2 || A.dim(0) != A.dim(1) || b.ndim() != 1 || b.dim(0) != A.dim(0))
      throw new ShapeException("solve: needs A (n, n) and b (n,), got A " + A.shapeString() + " and b " + b.shapeString());
    return SOLVE.apply(A, b);
  }

  /** The concrete solve: LU with partial pivoting (throws SingularMatrixException when singular). */
  private static Tensor eliminate(Tensor A, Tensor b) {
    return Lu.factor(A.concrete()).solve(b.concrete());
  }
}
