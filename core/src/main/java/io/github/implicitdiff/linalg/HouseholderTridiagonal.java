package io.github.implicitdiff.linalg;

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Qᵀ (Golub and Van Loan,
 * <em>Matrix Computations</em>, 4th ed., Algorithm 8.3.1), with the orthogonal Q accumulated backwards (§5.1.6);
 * package-private, the first half of {@link SymmetricEigen}.
 */
final class HouseholderTridiagonal {
  private HouseholderTridiagonal() {}

  /**
   * Reduces the symmetric row-major {@code a} (n×n, both triangles filled; overwritten) to the tridiagonal T with
   * diagonal {@code d} and off-diagonal {@code e} (e[i] = T[i][i+1], e[n−1] = 0). When {@code q} is not null it
   * receives Q (n×n row-major) with A = Q T Qᵀ.
   */
  static void reduce(double[] a, int n, double[] d, double[] e, double[] q) {
    double[] w = new double[n];
    for (int k = 0; k + 2 < n; k++) {
      d[k] = a[k * n + k];
      e[k] = reflect(a, n, k, w);
    }
    if (n >= 2) {
      d[n - 2] = a[(n - 2) * n + n - 2];
      e[n - 2] = a[(n - 2) * n + n - 1];
    }
    if (n >= 1) d[n - 1] = a[(n - 1) * n + n - 1];
    e[n - 1] = 0;
    if (q != null) accumulate(a, n, q, w);
  }

  /**
   * Step k: the reflector H = I − 2uuᵀ (‖u‖ = 1) on the indices s = k+1..n−1 with H x = α e₁ for x = A[k][s..],
   * α = −sign(x₀)‖x‖ (no cancellation in u ∝ x − α e₁); stores u in A[k][s..] and applies A₂₂ ← H A₂₂ H as the
   * rank-2 update A₂₂ − u wᵀ − w uᵀ with p = 2A₂₂u, w = p − (uᵀp) u (GVL (8.3.1)). Returns α, the new T[k][k+1].
   */
  private static double reflect(double[] a, int n, int k, double[] w) {
    int s = k + 1, row = k * n;
    double scale = 0;
    for (int j = s; j < n; j++) scale = Math.max(scale, Math.abs(a[row + j]));
    if (scale == 0) return 0; // x = 0: H = I, u = 0 marks it for the accumulation
    double sumSquares = 0;
    for (int j = s; j < n; j++) {
      double t = a[row + j] / scale;
      sumSquares += t * t;
    }
    double norm = scale * Math.sqrt(sumSquares), x0 = a[row + s];
    double alpha = x0 >= 0 ? -norm : norm;
    // ‖x − α e₁‖² = 2‖x‖(‖x‖ + |x₀|), its square root taken factor by factor so that tiny ‖x‖ does not underflow
    double vNorm = Math.sqrt(2 * norm) * Math.sqrt(norm + Math.abs(x0));
    a[row + s] = x0 - alpha;
    for (int j = s; j < n; j++) a[row + j] /= vNorm;
    double up = 0;
    for (int i = s; i < n; i++) {
      double sum = 0;
      int ri = i * n;
      for (int j = s; j < n; j++) sum += a[ri + j] * a[row + j];
      w[i] = 2 * sum;
      up += a[row + i] * w[i];
    }
    for (int i = s; i < n; i++) w[i] -= up * a[row + i];
    for (int i = s; i < n; i++) {
      double ui = a[row + i], wi = w[i];
      int ri = i * n;
      for (int j = s; j < n; j++) a[ri + j] -= ui * w[j] + wi * a[row + j];
    }
    return alpha;
  }

  /**
   * Q = H₀ H₁ ⋯ H_{n−3}, formed backwards: Q ← H_k Q for k = n−3, …, 0, where H_k touches only the trailing block
   * Q[s..][s..] (s = k+1; the rest of those rows is still zero), as Q₂₂ − u (2uᵀQ₂₂).
   */
  private static void accumulate(double[] a, int n, double[] q, double[] w) {
    java.util.Arrays.fill(q, 0);
    for (int i = 0; i < n; i++) q[i * n + i] = 1;
    for (int k = n - 3; k >= 0; k--) {
      int s = k + 1, row = k * n;
      java.util.Arrays.fill(w, s, n, 0);
      for (int i = s; i < n; i++) {
        double ui = 2 * a[row + i];
        int ri = i * n;
        if (ui != 0) for (int j = s; j < n; j++) w[j] += ui * q[ri + j];
      }
      for (int i = s; i < n; i++) {
        double ui = a[row + i];
        int ri = i * n;
        if (ui != 0) for (int j = s; j < n; j++) q[ri + j] -= ui * w[j];
      }
    }
  }
}
