package io.github.implicitdiff.implicit;

import io.github.implicitdiff.linalg.SymmetricEigen;

/** Singular values of small matrices for the error estimates, from the eigenvalues of MᵀM ({@link SymmetricEigen}). */
final class SingularValues {
  private SingularValues() {}

  /** Largest and smallest singular values of an m×n matrix, from the eigenvalues of MᵀM. */
  static double[] range(double[][] m) {
    int rows = m.length, cols = rows == 0 ? 0 : m[0].length;
    double[][] g = new double[cols][cols];
    for (int i = 0; i < cols; i++)
      for (int j = 0; j < cols; j++) {
        double s = 0;
        for (int k = 0; k < rows; k++) s += m[k][i] * m[k][j];
        g[i][j] = s;
      }
    double[] ev = SymmetricEigen.eigenvalues(g);
    double max = 0, min = Double.POSITIVE_INFINITY;
    for (double e : ev) {
      max = Math.max(max, e);
      min = Math.min(min, e);
    }
    return new double[] {Math.sqrt(Math.max(0, max)), Math.sqrt(Math.max(0, min))};
  }
}
