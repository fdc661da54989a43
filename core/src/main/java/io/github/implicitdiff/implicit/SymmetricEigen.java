package io.github.implicitdiff.implicit;

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (for the error estimates). */
final class SymmetricEigen {
  private SymmetricEigen() {}

  /** Eigenvalues of the symmetric matrix {@code s} (n×n, not modified), unsorted. */
  static double[] eigenvalues(double[][] s) {
    int n = s.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) a[i] = s[i].clone();
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0, diag = 0;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          if (i != j) off += a[i][j] * a[i][j];
          else diag += a[i][i] * a[i][i];
        }
      if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
      for (int p = 0; p < n; p++)
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) continue;
          // rotation angle annihilating a[p][q]: tan 2φ = 2a_pq / (a_qq − a_pp)
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) t = 1;
          double c = 1 / Math.sqrt(t * t + 1), sn = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - sn * akq;
            a[k][q] = sn * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - sn * aqk;
            a[q][k] = sn * apk + c * aqk;
          }
        }
    }
    double[] ev = new double[n];
    for (int i = 0; i < n; i++) ev[i] = a[i][i];
    return ev;
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
