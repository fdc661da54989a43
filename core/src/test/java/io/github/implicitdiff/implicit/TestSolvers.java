package io.github.implicitdiff.implicit;

import io.github.implicitdiff.linalg.LinearSolution;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;

/** Reference dense Gaussian elimination, independent of the library's solvers. */
final class TestSolvers {
  private TestSolvers() {}

  static LinearSolver dense() {
    return (A, b, x0) -> {
      Tensor x = gauss(A.toDense(), b);
      double res = A.apply(x).sub(b).norm2() / Math.max(1e-300, b.norm2());
      return new LinearSolution(x, 0, res, true, "test-gauss");
    };
  }

  /** Solves A X = B (B a vector or a matrix) by Gaussian elimination with partial pivoting. */
  static Tensor gauss(Tensor A, Tensor B) {
    int n = A.dim(0);
    boolean vec = B.ndim() == 1;
    int m = vec ? 1 : B.dim(1);
    double[][] a = A.toArray2d();
    double[][] b = vec ? Tensor.of(B.toDoubleArray()).reshape(n, 1).toArray2d() : B.toArray2d();
    for (int k = 0; k < n; k++) {
      int piv = k;
      for (int i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[piv][k])) piv = i;
      if (Math.abs(a[piv][k]) < 1e-13) throw new SingularMatrixException("test-gauss: singular at column " + k);
      double[] t = a[k]; a[k] = a[piv]; a[piv] = t;
      t = b[k]; b[k] = b[piv]; b[piv] = t;
      for (int i = k + 1; i < n; i++) {
        double f = a[i][k] / a[k][k];
        for (int j = k; j < n; j++) a[i][j] -= f * a[k][j];
        for (int j = 0; j < m; j++) b[i][j] -= f * b[k][j];
      }
    }
    double[][] x = new double[n][m];
    for (int i = n - 1; i >= 0; i--)
      for (int j = 0; j < m; j++) {
        double s = b[i][j];
        for (int q = i + 1; q < n; q++) s -= a[i][q] * x[q][j];
        x[i][j] = s / a[i][i];
      }
    Tensor X = Tensor.of(x);
    return vec ? X.reshape(n) : X;
  }
}
