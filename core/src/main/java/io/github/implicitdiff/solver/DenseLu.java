package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.Lu;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The solvers' view of {@link Lu} on plain arrays: factor once, solve with A and Aᵀ many times, with
 * the operation named in exceptions. {@link #factor} uses Lu's default reciprocal-condition threshold
 * (1e-14), {@link #factorAnyNonzeroPivot} only rejects exactly zero pivots (for the interior-point
 * Newton systems, which are legitimately ill-conditioned near the solution).
 */
final class DenseLu {
  private final Lu lu;

  private DenseLu(Lu lu) {
    this.lu = lu;
  }

  static DenseLu factor(double[][] a, String what) {
    return factor(a, what, false);
  }

  static DenseLu factorAnyNonzeroPivot(double[][] a, String what) {
    return factor(a, what, true);
  }

  private static DenseLu factor(double[][] a, String what, boolean anyNonzeroPivot) {
    int n = a.length;
    double[] flat = new double[n * n];
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) throw new IllegalArgumentException(what + ": row " + i + " has " + a[i].length + " entries, expected " + n);
      System.arraycopy(a[i], 0, flat, i * n, n);
    }
    for (double v : flat) if (!Double.isFinite(v)) throw new NonFiniteException(what + ": matrix entry " + v);
    Tensor matrix = n == 0 ? Tensor.zeros(0, 0) : Tensor.fromArray(flat, n, n);
    try {
      return new DenseLu(anyNonzeroPivot ? Lu.factor(matrix, 0) : Lu.factor(matrix));
    } catch (SingularMatrixException e) {
      throw new SingularMatrixException(what + ": " + e.getMessage());
    }
  }

  static DenseLu factor(Tensor a, String what) {
    return factor(a.concrete().toArray2d(), what);
  }

  /** x with A x = b. */
  double[] solve(double[] b) {
    return lu.solve(Tensor.of(b)).toDoubleArray();
  }

  /** x with Aᵀ x = b. */
  double[] solveTranspose(double[] b) {
    return lu.solveTranspose(Tensor.of(b)).toDoubleArray();
  }

  /** A⁻¹ B (or A⁻ᵀ B) for a concrete vector or matrix B, column by column. */
  Tensor solve(Tensor B, boolean transpose) {
    Tensor b = B.concrete();
    if (b.ndim() == 1) return transpose ? lu.solveTranspose(b) : lu.solve(b);
    int n = b.dim(0), k = b.dim(1);
    if (k == 0) return Tensor.zeros(n, 0);
    Tensor[] cols = new Tensor[k];
    for (int j = 0; j < k; j++) {
      Tensor col = b.index(1, j);
      cols[j] = transpose ? lu.solveTranspose(col) : lu.solve(col);
    }
    return Tensor.stack(1, cols);
  }
}
