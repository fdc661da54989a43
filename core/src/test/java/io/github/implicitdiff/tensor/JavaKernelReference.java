package io.github.implicitdiff.tensor;

/**
 * The pure-Java product kernel as it was before its matrix-vector paths processed several rows (or several
 * p) per pass (commit de41cfe), kept verbatim as the readable reference: {@link JavaKernel} must give the same
 * bits for every input ({@code JavaKernelBitsTest}), so figures computed through it do not move.
 */
final class JavaKernelReference {
  private JavaKernelReference() {}

  /** Below this many output columns the row update's inner loop is too short to vectorise well (X·W with W
   * 1000×10: row updates 37 ms, dot products 29 ms). */
  private static final int NARROW = 16;
  /** Blocking of the row update: a KB × NB panel of op(B) (256 KiB) stays in L2 while C rows stream. */
  private static final int KB = 128, NB = 256;

  static void gemm(boolean tA, boolean tB, int m, int n, int k, double[] a, int ao, double[] b, int bo, double[] c, int co) {
    if (m == 0 || n == 0 || k == 0) return;
    // A stored m×k (k×m if transposed); element (i, p) at ao + i*rsA + p*csA.
    int rsA = tA ? 1 : k, csA = tA ? m : 1;
    if (n >= NARROW || (m == 1 && !tB)) {
      if (tB && n > 1) {
        rowUpdate(m, n, k, a, ao, rsA, csA, transposeCopy(b, bo, n, k), 0, c, co);
      } else {
        rowUpdate(m, n, k, a, ao, rsA, csA, b, bo, c, co); // with n == 1 both layouts of B coincide
      }
    } else if (!tA || m == 1) {
      // narrow output: dot products of rows of A (contiguous unless m == 1) with columns of op(B)
      if (tB || n == 1) dots(m, n, k, a, ao, b, bo, c, co);
      else dots(m, n, k, a, ao, transposeCopy(b, bo, k, n), 0, c, co);
    } else {
      // narrow output with transposed A: Cᵀ (n×m) = op(B)ᵀ A, row updates over the rows of stored A
      double[] ct = new double[n * m];
      rowUpdate(n, m, k, b, bo, tB ? k : 1, tB ? 1 : n, a, ao, ct, 0);
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) c[co + i * n + j] = ct[j * m + i];
    }
  }

  /** C[i, :] += Σ_p A(i, p) B[p, :], with B row-major k×n at bo; four rows of C per pass. */
  private static void rowUpdate(int m, int n, int k, double[] a, int ao, int rsA, int csA, double[] b, int bo,
      double[] c, int co) {
    for (int j0 = 0; j0 < n; j0 += NB) {
      int j1 = Math.min(n, j0 + NB);
      for (int p0 = 0; p0 < k; p0 += KB) {
        int p1 = Math.min(k, p0 + KB);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
          int c0 = co + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
          int ai = ao + i * rsA;
          for (int p = p0; p < p1; p++) {
            int ap = ai + p * csA;
            double a0 = a[ap], a1 = a[ap + rsA], a2 = a[ap + 2 * rsA], a3 = a[ap + 3 * rsA];
            int bp = bo + p * n;
            for (int j = j0; j < j1; j++) {
              double bj = b[bp + j];
              c[c0 + j] += a0 * bj;
              c[c1 + j] += a1 * bj;
              c[c2 + j] += a2 * bj;
              c[c3 + j] += a3 * bj;
            }
          }
        }
        for (; i < m; i++) {
          int ci = co + i * n, ai = ao + i * rsA;
          for (int p = p0; p < p1; p++) {
            double av = a[ai + p * csA];
            int bp = bo + p * n;
            for (int j = j0; j < j1; j++) c[ci + j] += av * b[bp + j];
          }
        }
      }
    }
  }

  /** C[i, j] = A[i, :] · Bt[j, :] with A row-major m×k at ao and Bt row-major n×k at bo. */
  private static void dots(int m, int n, int k, double[] a, int ao, double[] bt, int bo, double[] c, int co) {
    for (int i = 0; i < m; i++) {
      int ai = ao + i * k;
      for (int j = 0; j < n; j++) {
        int bj = bo + j * k;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
          s0 += a[ai + p] * bt[bj + p];
          s1 += a[ai + p + 1] * bt[bj + p + 1];
          s2 += a[ai + p + 2] * bt[bj + p + 2];
          s3 += a[ai + p + 3] * bt[bj + p + 3];
        }
        for (; p < k; p++) s0 += a[ai + p] * bt[bj + p];
        c[co + i * n + j] = (s0 + s1) + (s2 + s3);
      }
    }
  }

  /** The transpose (cols × rows, row-major) of the rows × cols row-major block at {@code off}. */
  private static double[] transposeCopy(double[] x, int off, int rows, int cols) {
    double[] t = new double[rows * cols];
    for (int r = 0; r < rows; r++)
      for (int q = 0; q < cols; q++) t[q * rows + r] = x[off + r * cols + q];
    return t;
  }
}
