package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * LU factorization with partial pivoting, P A = L U, of a concrete square matrix, kept for repeated
 * solves with A and Aᵀ (O(n²) each). A pivot below 1e-13 · max|A| counts as singular.
 * Package-private: the solvers' direct KKT solves (to be replaced by {@code linalg.Lu} once merged).
 */
final class DenseLu {
  static final double RELATIVE_PIVOT = 1e-13;
  private final int n;
  private final double[][] lu;
  private final int[] perm; // row i of P A is row perm[i] of A

  private DenseLu(int n, double[][] lu, int[] perm) {
    this.n = n;
    this.lu = lu;
    this.perm = perm;
  }

  /** Factors a copy of {@code a}; {@code what} names the matrix in the exception. */
  static DenseLu factor(double[][] a, String what) {
    int n = a.length;
    double[][] m = new double[n][];
    double scale = 0;
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) throw new IllegalArgumentException(what + ": row " + i + " has " + a[i].length + " entries, expected " + n);
      m[i] = a[i].clone();
      for (double v : m[i]) {
        if (!Double.isFinite(v)) throw new io.github.implicitdiff.tensor.NonFiniteException(what + ": matrix entry " + v);
        scale = Math.max(scale, Math.abs(v));
      }
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
      if (!(Math.abs(m[p][k]) > RELATIVE_PIVOT * scale))
        throw new SingularMatrixException(what + ": the " + n + "×" + n + " matrix is singular to working precision (pivot "
            + k + " is " + m[p][k] + ", max entry " + scale + ")");
      double[] t = m[k]; m[k] = m[p]; m[p] = t;
      int tp = perm[k]; perm[k] = perm[p]; perm[p] = tp;
      for (int i = k + 1; i < n; i++) {
        double f = m[i][k] / m[k][k];
        m[i][k] = f;
        if (f != 0) for (int j = k + 1; j < n; j++) m[i][j] -= f * m[k][j];
      }
    }
    return new DenseLu(n, m, perm);
  }

  static DenseLu factor(Tensor a, String what) {
    return factor(a.concrete().toArray2d(), what);
  }

  int size() {
    return n;
  }

  /** x with A x = b. */
  double[] solve(double[] b) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[perm[i]];
      for (int j = 0; j < i; j++) s -= lu[i][j] * y[j];
      y[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int j = i + 1; j < n; j++) s -= lu[i][j] * y[j];
      y[i] = s / lu[i][i];
    }
    return y;
  }

  /** x with Aᵀ x = b: Uᵀ z = b, Lᵀ w = z, x = Pᵀ w. */
  double[] solveTranspose(double[] b) {
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int j = 0; j < i; j++) s -= lu[j][i] * z[j];
      z[i] = s / lu[i][i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = z[i];
      for (int j = i + 1; j < n; j++) s -= lu[j][i] * z[j];
      z[i] = s;
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[perm[i]] = z[i];
    return x;
  }

  /** A⁻¹ B for a concrete vector or matrix B (columns solved one by one). */
  Tensor solve(Tensor B, boolean transpose) {
    Tensor b = B.concrete();
    if (b.ndim() == 1) return Tensor.of(transpose ? solveTranspose(b.toDoubleArray()) : solve(b.toDoubleArray()));
    double[][] cols = b.T().toArray2d();
    double[][] out = new double[cols.length][];
    for (int j = 0; j < cols.length; j++) out[j] = transpose ? solveTranspose(cols[j]) : solve(cols[j]);
    return out.length == 0 ? Tensor.zeros(n, 0) : Tensor.of(out).T();
  }
}
