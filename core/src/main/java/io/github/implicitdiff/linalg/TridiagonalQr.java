package io.github.implicitdiff.linalg;

/**
 * The symmetric QR algorithm on a tridiagonal matrix: implicit single-shift steps with the Wilkinson shift, each a
 * chase of Givens rotations (Golub and Van Loan, <em>Matrix Computations</em>, 4th ed., Algorithm 8.3.2), with
 * deflation of negligible off-diagonal entries (Algorithm 8.3.3); package-private, the second half of
 * {@link SymmetricEigen}. The Wilkinson shift converges globally, and in practice cubically: about two steps per
 * eigenvalue.
 */
final class TridiagonalQr {
  private TridiagonalQr() {}

  /** Unit roundoff 2⁻⁵³: e_i is negligible when |e_i| ≤ u (|d_i| + |d_{i+1}|) (GVL (8.3.6)). */
  private static final double ROUNDOFF = 0x1p-53;
  /** An absolute floor for that test (the smallest normal double over u) so that a tiny block still deflates. */
  private static final double FLOOR = Double.MIN_NORMAL / ROUNDOFF;
  /** QR steps allowed per eigenvalue, on average, before giving up (LAPACK's dsteqr allows 30). */
  static final int MAX_STEPS_PER_EIGENVALUE = 30;

  /**
   * Diagonalizes the symmetric tridiagonal T (diagonal {@code d}, off-diagonal {@code e}, e[i] = T[i][i+1]) in
   * place: {@code d} ends as the eigenvalues, unsorted. When {@code rows} is not null, its rows (n×n row-major,
   * holding Zᵀ for some orthogonal Z) are rotated with T: if A = Z T Zᵀ on entry, then A = Z' diag(d) Z'ᵀ on exit
   * and the rows are the eigenvectors of A.
   *
   * @throws NotConvergedException after {@link #MAX_STEPS_PER_EIGENVALUE}·n steps
   */
  static void diagonalize(double[] d, double[] e, int n, double[] rows, String op) {
    diagonalize(d, e, n, rows, op, MAX_STEPS_PER_EIGENVALUE * n);
  }

  /** As {@link #diagonalize(double[], double[], int, double[], String)} with at most {@code cap} QR steps. */
  static void diagonalize(double[] d, double[] e, int n, double[] rows, String op, int cap) {
    int hi = n - 1, steps = 0;
    while (hi > 0) {
      if (negligible(e[hi - 1], d[hi - 1], d[hi])) { // d[hi] is an eigenvalue: deflate
        e[hi - 1] = 0;
        hi--;
        continue;
      }
      int lo = hi - 1; // the unreduced block lo..hi
      while (lo > 0 && !negligible(e[lo - 1], d[lo - 1], d[lo])) lo--;
      if (lo > 0) e[lo - 1] = 0;
      if (++steps > cap)
        throw new NotConvergedException(op + ": the tridiagonal QR iteration did not converge in " + cap + " steps ("
            + MAX_STEPS_PER_EIGENVALUE + " per eigenvalue by default; " + (hi + 1) + " of " + n + " eigenvalues left, off-diagonal "
            + e[hi - 1] + " next to diagonal " + d[hi] + ")");
      step(d, e, n, lo, hi, rows);
    }
  }

  private static boolean negligible(double offDiagonal, double left, double right) {
    double x = Math.abs(offDiagonal);
    return x <= ROUNDOFF * (Math.abs(left) + Math.abs(right)) || x <= FLOOR;
  }

  /**
   * One implicit QR step on the unreduced block lo..hi. The shift μ is the eigenvalue of the trailing 2×2 block
   * [[a, b], [b, c]] closer to c, μ = c − b²/(δ + sign(δ)√(δ² + b²)), δ = (a − c)/2 (GVL (8.3.2)). The first
   * rotation is the one that would start the QR step of T − μI (it zeroes the second entry of (d_lo − μ, e_lo));
   * each further rotation G_k in the plane (k, k+1) zeroes the bulge T[k+1][k−1] that the previous one created
   * (the implicit Q theorem makes the result the QR step's). T ← G T Gᵀ with G = [[c, s], [−s, c]] updates the
   * 2×2 block on k, k+1 in closed form and pushes the bulge s·e_{k+1} to T[k][k+2]; rows ← G rows.
   */
  private static void step(double[] d, double[] e, int n, int lo, int hi, double[] rows) {
    double b = e[hi - 1], delta = (d[hi - 1] - d[hi]) / 2;
    double mu = d[hi] - b * (b / (delta + Math.copySign(Math.hypot(delta, b), delta)));
    double x = d[lo] - mu, z = e[lo];
    for (int k = lo; k < hi; k++) {
      double r = Math.hypot(x, z), c = 1, s = 0;
      if (r != 0) {
        c = x / r;
        s = z / r;
      }
      if (k > lo) e[k - 1] = r; // T[k][k−1] after the bulge T[k+1][k−1] is rotated into it
      double dk = d[k], dk1 = d[k + 1], ek = e[k], cs = c * s;
      d[k] = c * c * dk + 2 * cs * ek + s * s * dk1;
      d[k + 1] = s * s * dk - 2 * cs * ek + c * c * dk1;
      e[k] = cs * (dk1 - dk) + (c * c - s * s) * ek;
      if (k + 1 < hi) {
        x = e[k];
        z = s * e[k + 1]; // the new bulge T[k][k+2]
        e[k + 1] *= c;
      }
      if (rows != null) {
        int rk = k * n, rk1 = rk + n;
        for (int j = 0; j < n; j++) {
          double u = rows[rk + j], v = rows[rk1 + j];
          rows[rk + j] = c * u + s * v;
          rows[rk1 + j] = c * v - s * u;
        }
      }
    }
  }
}
