package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Ready-made preconditioners.
 *
 * <pre>{@code
 * var cg = LinearSolvers.cg().withPreconditioner(Preconditioners.jacobi(Tensor.of(1, 100, 1e4)));
 * }</pre>
 */
public final class Preconditioners {
  private Preconditioners() {}

  /** M = I: no preconditioning. */
  public static Preconditioner identity() {
    return residual -> residual;
  }

  /**
   * Jacobi: M = diag(d), z_i = r_i / d_i.
   * <pre>{@code
   * Preconditioner p = Preconditioners.jacobi(Tensor.of(4, 9));   // divides by 4 and by 9
   * }</pre>
   * @param diagonal the diagonal d of A, a vector of nonzero finite values (for CG: positive); copied
   * @throws ShapeException if diagonal is not one-dimensional
   * @throws IllegalArgumentException if some d_i is zero (or NaN/infinite: {@link NonFiniteException})
   */
  public static Preconditioner jacobi(Tensor diagonal) {
    CheckedOperator.present("Preconditioners.jacobi", "diagonal", diagonal);
    if (diagonal.ndim() != 1)
      throw new ShapeException("Preconditioners.jacobi: needs the diagonal as a vector, got shape " + diagonal.shapeString());
    diagonal.requireFinite("Preconditioners.jacobi: diagonal");
    double[] inverse = diagonal.toDoubleArray();
    for (int i = 0; i < inverse.length; i++) {
      if (inverse[i] == 0)
        throw new IllegalArgumentException("Preconditioners.jacobi: diagonal entry " + i + " is 0; "
            + "add a ridge term to the diagonal or use Preconditioners.identity()");
      inverse[i] = 1 / inverse[i];
    }
    int n = inverse.length;
    return residual -> {
      if (residual.ndim() != 1 || residual.dim(0) != n)
        throw new ShapeException("Jacobi preconditioner: built for vectors of shape (" + n + ",), got " + residual.shapeString());
      double[] z = residual.toDoubleArray();
      for (int i = 0; i < n; i++) z[i] *= inverse[i];
      return Tensor.of(z);
    };
  }

  /**
   * L-BFGS: M⁻¹ = H, the limited-memory BFGS approximation of A⁻¹ built from curvature pairs
   * s_i = x_{i+1} − x_i, y_i = ∇f(x_{i+1}) − ∇f(x_i) of an optimization run on f with ∇²f = A (two-loop
   * recursion, H⁰ = (sᵀy/yᵀy) I of the newest pair). Symmetric positive definite, so CG may use it; it
   * clusters the eigenvalues of HA along the directions the run explored.
   * <pre>{@code
   * Preconditioner h = Preconditioners.lbfgs(List.of(s0, s1), List.of(y0, y1));   // oldest pair first
   * LinearSolvers.cg().withPreconditioner(h).solve(hessian, b);
   * }</pre>
   * @param s the steps, oldest first; copied
   * @param y the gradient changes, same order and sizes; copied
   * @throws IllegalArgumentException if the lists are empty or differ in length, or some sᵀy ≤ 0
   * @throws ShapeException if the pairs differ in size
   */
  public static LbfgsPreconditioner lbfgs(java.util.List<Tensor> s, java.util.List<Tensor> y) {
    return new LbfgsPreconditioner(s, y);
  }
}
