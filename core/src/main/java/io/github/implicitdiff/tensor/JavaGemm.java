package io.github.implicitdiff.tensor;

/** Reference pure-Java C = op(A) op(B) (row-major, C overwritten); the fast kernels are tested against it. */
final class JavaGemm {
  private JavaGemm() {}

  static void gemm(boolean tA, boolean tB, int m, int n, int k, double[] a, int ao, double[] b, int bo, double[] c, int co) {
    // Element accessors: A is m×k (stored k×m when transposed), B is k×n (stored n×k when transposed).
    if (!tB) {
      for (int i = 0; i < m; i++) {
        int ci = co + i * n;
        for (int p = 0; p < k; p++) {
          double av = tA ? a[ao + p * m + i] : a[ao + i * k + p];
          if (av == 0) continue;
          int bp = bo + p * n;
          for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
        }
      }
    } else {
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          double s = 0;
          int bj = bo + j * k;
          if (tA) for (int p = 0; p < k; p++) s += a[ao + p * m + i] * b[bj + p];
          else {
            int ai = ao + i * k;
            for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
          }
          c[co + i * n + j] = s;
        }
    }
  }
}
