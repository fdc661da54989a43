package io.github.implicitdiff.projection;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * A small dense solve y = M⁻¹ r (M square, r a vector) by Gaussian elimination with partial pivoting,
 * made differentiable by custom rules: the JVP is dy = M⁻¹(dr − dM y) and the VJP with w = M⁻ᵀ g is
 * (−w yᵀ, w). Both rules call the solve again, so derivatives of any order work.
 */
final class DenseSolve {
  private DenseSolve() {}

  private static final MultiInputFunction SOLVE = AD.custom(
      m -> eliminate(m[0], m[1]),
      (m, y, dm) -> solve(m[0], dm[1].sub(dm[0].matmul(y))),
      (m, y, g) -> {
        Tensor w = solve(m[0].T(), g);
        return new Tensor[] {w.outer(y).neg(), w};
      });

  /** M⁻¹ r, differentiable in M and r. */
  static Tensor solve(Tensor M, Tensor r) {
    return SOLVE.apply(M, r);
  }

  /** Gaussian elimination with partial pivoting on concrete values. */
  private static Tensor eliminate(Tensor M, Tensor r) {
    int n = r.size();
    double[][] a = M.toArray2d();
    double[] b = r.toDoubleArray();
    double scale = Math.max(M.maxAbs(), Double.MIN_NORMAL);
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
      if (Math.abs(a[p][k]) <= 1e-13 * scale)
        throw new SingularMatrixException("solve: the " + n + "×" + n + " matrix is singular to working precision"
            + " (pivot " + a[p][k] + " at column " + k + ", largest entry " + scale + ")");
      double[] t = a[p]; a[p] = a[k]; a[k] = t;
      double tb = b[p]; b[p] = b[k]; b[k] = tb;
      for (int i = k + 1; i < n; i++) {
        double f = a[i][k] / a[k][k];
        if (f == 0) continue;
        for (int j = k; j < n; j++) a[i][j] -= f * a[k][j];
        b[i] -= f * b[k];
      }
    }
    double[] y = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      for (int j = i + 1; j < n; j++) s -= a[i][j] * y[j];
      y[i] = s / a[i][i];
    }
    return Tensor.of(y);
  }
}
