package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Eigendecomposition A = V diag(λ) Vᵀ of a small dense symmetric matrix by cyclic Jacobi rotations: eigenvalues
 * in ascending order, orthonormal eigenvectors as the columns of V. Concrete values only (no derivative rules);
 * the PSD projection ({@code Projections.psd}) builds its own derivative rules on top of it.
 *
 * <p>Each sweep annihilates every off-diagonal entry once with the rotation tan 2φ = 2a_pq/(a_qq − a_pp) in
 * Rutishauser's stable form; sweeps stop when the off-diagonal Frobenius norm is below 1e-15 times the matrix's
 * (at most 100 sweeps; Jacobi converges quadratically, typically 6–10 sweeps). O(n³) per sweep: meant for the
 * sizes of conic layers (n up to a few hundred). Only the upper triangle is read if the input is not exactly
 * symmetric; callers validate symmetry. {@link SymmetricEigen} (Householder tridiagonalization and implicit QR) is
 * several times faster and what the library uses; Jacobi is kept as the independent reference it is tested against.
 *
 * <pre>{@code
 * JacobiEigen e = JacobiEigen.of(Tensor.of(new double[][] {{2, 1}, {1, 2}}));
 * e.values();                                                            // [1, 3]
 * e.vectors().matmul(e.values().reshape(-1, 1).mul(e.vectors().T()));  // A again
 * }</pre>
 *
 * @param values the eigenvalues, ascending (a vector of length n)
 * @param vectors the eigenvectors as columns (n×n, orthonormal)
 */
public record JacobiEigen(Tensor values, Tensor vectors) {
  private static final int MAX_SWEEPS = 100;

  /**
   * The decomposition of the symmetric n×n matrix {@code A} (concrete values are used).
   *
   * @throws IllegalArgumentException if A is not a square matrix
   * @throws io.github.implicitdiff.tensor.NonFiniteException if A holds NaN or an infinity
   */
  public static JacobiEigen of(Tensor A) {
    double[] a = SymmetricInput.upperMirrored("JacobiEigen", A);
    int n = A.dim(0);
    double[] v = new double[n * n], diagonal = new double[n];
    for (int i = 0; i < n; i++) v[i * n + i] = 1;
    diagonalize(a, v, n);
    for (int i = 0; i < n; i++) diagonal[i] = a[i * n + i];
    Tensor[] sorted = SymmetricInput.ascending(diagonal, v, n); // v holds the eigenvectors as rows
    return new JacobiEigen(sorted[0], sorted[1]);
  }

  /**
   * The eigenvalues of the symmetric matrix {@code s} (not modified), ascending, without the eigenvectors.
   *
   * @throws IllegalArgumentException if s is not square
   * @throws io.github.implicitdiff.tensor.NonFiniteException if s holds NaN or an infinity
   */
  public static double[] eigenvalues(double[][] s) {
    int n = s.length;
    double[] a = SymmetricInput.upperMirrored("JacobiEigen", s);
    diagonalize(a, null, n);
    double[] ev = new double[n];
    for (int i = 0; i < n; i++) ev[i] = a[i * n + i];
    java.util.Arrays.sort(ev);
    return ev;
  }

  /** V diag(λ) Vᵀ: the matrix this decomposition came from, up to rounding. */
  public Tensor reconstruct() {
    return vectors.mul(values).matmul(vectors.T());
  }

  /**
   * Rotates the row-major symmetric {@code a} (n×n, both triangles filled) to diagonal form in place; when
   * {@code v} is not null its rows (initially the identity) accumulate the rotations, ending as the eigenvectors.
   */
  private static void diagonalize(double[] a, double[] v, int n) {
    double total = 0;
    for (double x : a) total += x * x;
    for (int sweep = 0; ; sweep++) {
      double off = 0;
      for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) off += 2 * a[i * n + j] * a[i * n + j];
      if (off <= 1e-30 * total) return;
      if (sweep == MAX_SWEEPS)
        throw new NotConvergedException("JacobiEigen: not converged after " + MAX_SWEEPS + " sweeps (off-diagonal norm "
            + Math.sqrt(off) + " vs matrix norm " + Math.sqrt(total) + "); the matrix is too large or badly scaled for"
            + " Jacobi rotations");
      for (int p = 0; p < n; p++)
        for (int q = p + 1; q < n; q++) rotate(a, v, n, p, q);
    }
  }

  /** One Jacobi rotation in the (p, q) plane zeroing a_pq (Rutishauser's form, Numerical Recipes §11.1). */
  private static void rotate(double[] a, double[] v, int n, int p, int q) {
    double apq = a[p * n + q];
    if (apq == 0) return;
    double app = a[p * n + p], aqq = a[q * n + q];
    double theta = (aqq - app) / (2 * apq);
    // t = tan φ, the smaller root of t² + 2θt − 1 = 0; 1/(2θ) when θ² would overflow
    double t = Math.abs(theta) > 1e150 ? 0.5 / theta
        : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    double c = 1 / Math.sqrt(t * t + 1), s = t * c, tau = s / (1 + c);
    a[p * n + p] = app - t * apq;
    a[q * n + q] = aqq + t * apq;
    a[p * n + q] = 0;
    a[q * n + p] = 0;
    int rp = p * n, rq = q * n;
    for (int k = 0; k < n; k++) {
      if (k == p || k == q) continue;
      double g = a[rp + k], h = a[rq + k];
      double gp = g - s * (h + g * tau), hq = h + s * (g - h * tau);
      a[rp + k] = gp;
      a[rq + k] = hq;
      a[k * n + p] = gp;
      a[k * n + q] = hq;
    }
    if (v != null)
      for (int k = 0; k < n; k++) {
        double g = v[rp + k], h = v[rq + k];
        v[rp + k] = g - s * (h + g * tau);
        v[rq + k] = h + s * (g - h * tau);
      }
  }
}
