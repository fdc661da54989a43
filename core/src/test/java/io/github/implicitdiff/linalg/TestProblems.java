package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/** Random test matrices and an independent dense reference solve (Gaussian elimination, full pivoting). */
final class TestProblems {
  private TestProblems() {}

  /** SPD: Q D Qᵀ-like matrix G Gᵀ / n + shift I with eigenvalues in roughly [shift, shift + 4]. */
  static double[][] spd(Random rng, int n, double shift) {
    double[][] g = gaussian(rng, n);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) s += g[i][k] * g[j][k];
        a[i][j] = s / n + (i == j ? shift : 0);
      }
    return a;
  }

  /** Nonsymmetric, well conditioned: 3 I + G / sqrt(n) (spectrum in a disc of radius ~1 around 3). */
  static double[][] nonsymmetric(Random rng, int n) {
    double[][] g = gaussian(rng, n);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) g[i][j] = g[i][j] / Math.sqrt(n) + (i == j ? 3 : 0);
    return g;
  }

  static double[][] gaussian(Random rng, int n) {
    double[][] g = new double[n][n];
    for (double[] row : g) for (int j = 0; j < n; j++) row[j] = rng.nextGaussian();
    return g;
  }

  static Tensor randomVector(Random rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
    return Tensor.of(v);
  }

  /** Reference x = A⁻¹ b by Gaussian elimination with full pivoting (independent of the code under test). */
  static double[] referenceSolve(double[][] matrix, double[] rhs) {
    int n = rhs.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) a[i] = matrix[i].clone();
    double[] b = rhs.clone();
    int[] columnOrder = new int[n];
    for (int i = 0; i < n; i++) columnOrder[i] = i;
    for (int k = 0; k < n; k++) {
      int pr = k, pc = k;
      for (int i = k; i < n; i++)
        for (int j = k; j < n; j++)
          if (Math.abs(a[i][j]) > Math.abs(a[pr][pc])) { pr = i; pc = j; }
      double[] tmp = a[k]; a[k] = a[pr]; a[pr] = tmp;
      double tb = b[k]; b[k] = b[pr]; b[pr] = tb;
      for (double[] row : a) { double t = row[k]; row[k] = row[pc]; row[pc] = t; }
      int tc = columnOrder[k]; columnOrder[k] = columnOrder[pc]; columnOrder[pc] = tc;
      for (int i = k + 1; i < n; i++) {
        double f = a[i][k] / a[k][k];
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
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[columnOrder[i]] = y[i];
    return x;
  }

  static double[] matvec(double[][] a, double[] v) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) for (int j = 0; j < v.length; j++) y[i] += a[i][j] * v[j];
    return y;
  }

  /** max_i |x_i − y_i| / max(1, max|y|). */
  static double relativeError(double[] x, double[] y) {
    double d = 0, s = 1;
    for (int i = 0; i < x.length; i++) { d = Math.max(d, Math.abs(x[i] - y[i])); s = Math.max(s, Math.abs(y[i])); }
    return d / s;
  }

  /** ‖b − A x‖ / ‖b‖ computed here, independently of the solver's report. */
  static double relativeResidual(double[][] a, double[] x, double[] b) {
    double[] ax = matvec(a, x);
    double r = 0, bb = 0;
    for (int i = 0; i < b.length; i++) { r += (b[i] - ax[i]) * (b[i] - ax[i]); bb += b[i] * b[i]; }
    return Math.sqrt(r / bb);
  }

  /** 1-d Laplacian stencil (2, −1) with Dirichlet ends, matrix-free: SPD, eigenvalues in (0, 4). */
  static LinearOperator laplacian(int n) {
    return LinearOperator.symmetric(n, v -> {
      double[] u = v.toDoubleArray(), y = new double[n];
      for (int i = 0; i < n; i++) y[i] = 2 * u[i] - (i > 0 ? u[i - 1] : 0) - (i < n - 1 ? u[i + 1] : 0);
      return Tensor.of(y);
    });
  }

  static double[][] laplacianMatrix(int n) {
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      a[i][i] = 2;
      if (i > 0) a[i][i - 1] = -1;
      if (i < n - 1) a[i][i + 1] = -1;
    }
    return a;
  }
}
