package io.github.implicitdiff.tensor;

/**
 * Blocked pure-Java C = op(A) op(B) (row-major, C must hold zeros on entry): the kernel for products
 * too small for a native call to pay off, and the fallback when OpenBLAS cannot be loaded.
 *
 * <p>Two loop orders, chosen by shape so the innermost loop always runs over contiguous memory:
 * <ul>
 *   <li>row update, C[i, :] += op(A)[i, p] · op(B)[p, :], four rows of C at a time (the inner loop over j
 *       is vectorised by the JIT); needs rows of op(B) contiguous, so a transposed B is packed first;
 *   <li>dot products, C[i, j] = op(A)[i, :] · op(B)[:, j], for narrow outputs (n small), where the row
 *       update's inner loop would be too short; needs rows of op(A) and columns of op(B) contiguous.
 * </ul>
 * A narrow product with a transposed A, such as Xᵀ G, is computed as its transpose Cᵀ = Gᵀ X by row
 * updates over the rows of X and transposed into place, so X is never copied.
 *
 * <p>Rounding is fixed per output element, whatever the shape's remainders: a row update adds the terms
 * one by one in increasing p, starting from C's zero; a dot product keeps four partial sums (s_r over
 * p &#8801; r mod 4, the k mod 4 tail going to s0) and returns (s0 + s1) + (s2 + s3). The kernels process
 * several rows or several p per pass only in ways that keep these orders, so results are bit for bit
 * those of the earlier one-row, one-p-at-a-time kernel kept in the test tree ({@code JavaKernelReference}).
 */
final class JavaKernel {
  private JavaKernel() {}

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
      if (n == 1) { // Aᵀ v: Cᵀ (1×m) has C's layout, no transposing copy
        rowUpdate(1, m, k, b, bo, 1, 1, a, ao, c, co);
        return;
      }
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
        for (; i < m; i++) addRow(j0, j1, p0, p1, n, a, ao + i * rsA, csA, b, bo, c, co + i * n);
      }
    }
  }

  /** C[i, j] = A[i, :] · Bt[j, :] with A row-major m×k at ao and Bt row-major n×k at bo. */
  private static void dots(int m, int n, int k, double[] a, int ao, double[] bt, int bo, double[] c, int co) {
    if (n == 1) {
      dotRows(m, k, a, ao, bt, bo, c, co); // A v: the rows of A against v
      return;
    }
    for (int i = 0; i < m; i++) dotRows(n, k, bt, bo, a, ao + i * k, c, co + i * n); // row i of C: Bt against A[i, :]
  }

  /**
   * y[yo + r] = R[r, :] · x for r &lt; rows, R row-major rows×k at ro, x at xo, each a four-partial-sum dot
   * product. Four rows per pass share each load of x (16 independent sums); the order within each row's
   * sums is the one-row loop's, so the results are the same bits.
   */
  private static void dotRows(int rows, int k, double[] r, int ro, double[] x, int xo, double[] y, int yo) {
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
      int r0 = ro + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
      double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      double s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        double x0 = x[xo + p], x1 = x[xo + p + 1], x2 = x[xo + p + 2], x3 = x[xo + p + 3];
        s00 += r[r0 + p] * x0;
        s01 += r[r0 + p + 1] * x1;
        s02 += r[r0 + p + 2] * x2;
        s03 += r[r0 + p + 3] * x3;
        s10 += r[r1 + p] * x0;
        s11 += r[r1 + p + 1] * x1;
        s12 += r[r1 + p + 2] * x2;
        s13 += r[r1 + p + 3] * x3;
        s20 += r[r2 + p] * x0;
        s21 += r[r2 + p + 1] * x1;
        s22 += r[r2 + p + 2] * x2;
        s23 += r[r2 + p + 3] * x3;
        s30 += r[r3 + p] * x0;
        s31 += r[r3 + p + 1] * x1;
        s32 += r[r3 + p + 2] * x2;
        s33 += r[r3 + p + 3] * x3;
      }
      for (; p < k; p++) { // the k mod 4 tail goes to the first partial sum, as in the one-row loop
        double xp = x[xo + p];
        s00 += r[r0 + p] * xp;
        s10 += r[r1 + p] * xp;
        s20 += r[r2 + p] * xp;
        s30 += r[r3 + p] * xp;
      }
      y[yo + i] = (s00 + s01) + (s02 + s03);
      y[yo + i + 1] = (s10 + s11) + (s12 + s13);
      y[yo + i + 2] = (s20 + s21) + (s22 + s23);
      y[yo + i + 3] = (s30 + s31) + (s32 + s33);
    }
    for (; i < rows; i++) {
      int ri = ro + i * k;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += r[ri + p] * x[xo + p];
        s1 += r[ri + p + 1] * x[xo + p + 1];
        s2 += r[ri + p + 2] * x[xo + p + 2];
        s3 += r[ri + p + 3] * x[xo + p + 3];
      }
      for (; p < k; p++) s0 += r[ri + p] * x[xo + p];
      y[yo + i] = (s0 + s1) + (s2 + s3);
    }
  }

  /**
   * One row of the row update: C[ci + j] += Σ_{p0 &#8804; p &lt; p1} A(p) B[p, j] for j0 &#8804; j &lt; j1, A(p) at
   * ai + p·csA. Four p per pass keep C[j] in a register; the sum is written left to right,
   * (((c + a0 b0) + a1 b1) + a2 b2) + a3 b3, the rounding of four single updates (Java neither reorders nor
   * fuses floating-point operations). Xᵀu, uᵀX and the m mod 4 rows of a product run here.
   */
  private static void addRow(int j0, int j1, int p0, int p1, int n, double[] a, int ai, int csA, double[] b, int bo,
      double[] c, int ci) {
    int p = p0;
    for (; p + 4 <= p1; p += 4) {
      int ap = ai + p * csA;
      double a0 = a[ap], a1 = a[ap + csA], a2 = a[ap + 2 * csA], a3 = a[ap + 3 * csA];
      int b0 = bo + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (int j = j0; j < j1; j++)
        c[ci + j] = c[ci + j] + a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; p < p1; p++) {
      double av = a[ai + p * csA];
      int bp = bo + p * n;
      for (int j = j0; j < j1; j++) c[ci + j] += av * b[bp + j];
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
