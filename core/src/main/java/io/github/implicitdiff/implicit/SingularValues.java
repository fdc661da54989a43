package io.github.implicitdiff.implicit;

/** Eigenvalues and singular values of small matrices for the error estimates (Jacobi: {@link io.github.implicitdiff.linalg.JacobiEigen}). */
final class SymmetricEigen {
  private SymmetricEigen() {}

  /** Eigenvalues of the symmetric matrix {@code s} (n×n, not modified), ascending. */
  static double[] eigenvalues(double[][] s) {
    return io.github.implicitdiff.linalg.JacobiEigen.eigenvalues(s);
  }

  /** Largest and smallest singular values of an m×n matrix, from the eigenvalues of MᵀM. */
  static double[] singularRange(double[][] m) {
    int rows = m.length, cols = rows == 0 ? 0 : m[0].length;
    double[][] g = new double[cols][cols];
    for (int i = 0; i < cols; i++)
      for (int j = 0; j < cols; j++) {
        double s = 0;
        for (int k = 0; k < rows; k++) s += m[k][i] * m[k][j];
        g[i][j] = s;
      }
    double[] ev = eigenvalues(g);
    double max = 0, min = Double.POSITIVE_INFINITY;
    for (double e : ev) {
      max = Math.max(max, e);
      min = Math.min(min, e);
    }
    return new double[] {Math.sqrt(Math.max(0, max)), Math.sqrt(Math.max(0, min))};
  }
}
