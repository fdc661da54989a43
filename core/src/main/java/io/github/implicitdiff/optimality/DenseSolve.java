package io.github.implicitdiff.optimality;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * x = A⁻¹ b for a small dense A (n, n) and b (n,), differentiable in A and b to any order:
 * dx = A⁻¹(db − dA x) (JVP) and, for a cotangent g with w = A⁻ᵀ g, b̄ = w, Ā = −w xᵀ (VJP). Both rules
 * call the solve again, so derivatives of derivatives work. The concrete solve is Gaussian elimination
 * with partial pivoting.
 *
 * <p>Package-private: used by the Newton fixed point. A dense LU in {@code linalg} would replace the
 * elimination here once it exists.
 */
final class DenseSolve {
  private DenseSolve() {}

  private static final MultiInputFunction SOLVE = AD.custom(
      in -> eliminate(in[0], in[1]),
      (x, out, dx) -> solve(x[0], dx[1].sub(dx[0].matmul(out))),
      (x, out, g) -> {
        Tensor w = solve(x[0].T(), g);
        return new Tensor[] {w.outer(out).neg(), w};
      });

  static Tensor solve(Tensor A, Tensor b) {
    if (A.ndim() != 2 || A.dim(0) != A.dim(1) || b.ndim() != 1 || b.dim(0) != A.dim(0))
      throw new ShapeException("solve: needs A (n, n) and b (n,), got A " + A.shapeString() + " and b " + b.shapeString());
    return SOLVE.apply(A, b);
  }

  /** Gaussian elimination with partial pivoting on concrete values. */
  private static Tensor eliminate(Tensor A, Tensor b) {
    int n = b.dim(0);
    double[][] a = A.toArray2d();
    double[] x = b.toDoubleArray();
    double scale = Math.max(A.maxAbs(), Double.MIN_NORMAL);
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
      if (!(Math.abs(a[pivot][col]) > 1e-13 * scale))
        throw new SingularMatrixException("solve: the " + n + "×" + n + " matrix is singular to working precision"
            + " (pivot " + a[pivot][col] + " in column " + col + ", max |A| = " + scale + ")");
      double[] rowSwap = a[col]; a[col] = a[pivot]; a[pivot] = rowSwap;
      double valueSwap = x[col]; x[col] = x[pivot]; x[pivot] = valueSwap;
      for (int r = col + 1; r < n; r++) {
        double factor = a[r][col] / a[col][col];
        if (factor == 0) continue;
        for (int c = col; c < n; c++) a[r][c] -= factor * a[col][c];
        x[r] -= factor * x[col];
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = x[r];
      for (int c = r + 1; c < n; c++) s -= a[r][c] * x[c];
      x[r] = s / a[r][r];
    }
    return Tensor.fromArray(x, n);
  }
}
