package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Cholesky factorization A = L Lᵀ of a symmetric positive definite matrix, kept for repeated O(n²) solves.
 * Factoring costs n³/3 flops. The matrix must be symmetric up to 1e-10 ‖A‖_max (its two triangles are
 * averaged). Throws {@link SingularMatrixException} "not positive definite at pivot k" when a pivot
 * a_kk − Σ_j l_kj² is ≤ 0, or when the reciprocal condition estimate is below {@code minReciprocalCondition}
 * (default 1e-14).
 *
 * <pre>{@code
 * Cholesky c = Cholesky.factor(Tensor.of(new double[][] {{4, 1}, {1, 3}}));
 * Tensor x = c.solve(Tensor.of(1, 2));   // [1/11, 7/11]
 * Tensor X = c.solve(Tensor.eye(2));     // A⁻¹: an (n, k) right-hand side, all columns in one pass
 * }</pre>
 */
public final class Cholesky {
  /** Largest accepted |a_ij − a_ji| relative to max |a_ij|. */
  static final double SYMMETRY_TOLERANCE = 1e-10;

  private final int n;
  private final double[] lower; // row-major; entries above the diagonal are 0
  private final double reciprocalCondition;

  private Cholesky(int n, double[] lower, double norm1) {
    this.n = n;
    this.lower = lower;
    this.reciprocalCondition = ConditionEstimator.reciprocalCondition(norm1, n, b -> solveInPlace(b.clone()), b -> solveInPlace(b.clone()));
  }

  /** Factors a symmetric positive definite matrix with the default threshold rcond ≥ 1e-14; not modified. */
  public static Cholesky factor(Tensor matrix) {
    return factor(matrix, DenseMatrices.DEFAULT_MIN_RECIPROCAL_CONDITION);
  }

  /**
   * Factors a symmetric positive definite matrix; the matrix is not modified.
   * @param minReciprocalCondition the smallest accepted estimate of 1 / (‖A‖₁ ‖A⁻¹‖₁), in [0, 1)
   * @throws IllegalArgumentException if the matrix is not symmetric
   * @throws SingularMatrixException if it is not positive definite or too badly conditioned
   */
  public static Cholesky factor(Tensor matrix, double minReciprocalCondition) {
    DenseMatrices.requireValidThreshold("Cholesky.factor", minReciprocalCondition);
    double[] a = DenseMatrices.requireSquareFinite("Cholesky.factor", matrix);
    int n = matrix.dim(0);
    double maxAbs = 0;
    for (double v : a) maxAbs = Math.max(maxAbs, Math.abs(v));
    for (int i = 0; i < n; i++)
      for (int j = 0; j < i; j++) {
        double upper = a[j * n + i], low = a[i * n + j];
        if (Math.abs(upper - low) > SYMMETRY_TOLERANCE * maxAbs)
          throw new IllegalArgumentException("Cholesky.factor: the matrix is not symmetric: entry (" + i + ", " + j + ") = " + low
              + " but (" + j + ", " + i + ") = " + upper + "; use Lu (LinearSolvers.lu()) for nonsymmetric matrices");
        a[i * n + j] = 0.5 * (upper + low);
      }
    double norm1 = ConditionEstimator.norm1(a, n);
    double[] l = new double[n * n];
    for (int k = 0; k < n; k++) { // l_kk = sqrt(a_kk − Σ_{j<k} l_kj²), l_ik = (a_ik − Σ_{j<k} l_ij l_kj) / l_kk
      double d = a[k * n + k];
      for (int j = 0; j < k; j++) d -= l[k * n + j] * l[k * n + j];
      if (!(d > 0))
        throw new SingularMatrixException("Cholesky.factor: the matrix is not positive definite at pivot " + k
            + " (a_kk − Σ l_kj² = " + d + "); use Lu (LinearSolvers.lu()) for indefinite matrices, or add a ridge term (A + εI) "
            + "if it is only semidefinite");
      double lkk = Math.sqrt(d);
      l[k * n + k] = lkk;
      for (int i = k + 1; i < n; i++) {
        double s = a[i * n + k];
        for (int j = 0; j < k; j++) s -= l[i * n + j] * l[k * n + j];
        l[i * n + k] = s / lkk;
      }
    }
    Cholesky result = new Cholesky(n, l, norm1);
    DenseMatrices.requireConditioned("Cholesky.factor", result.reciprocalCondition, minReciprocalCondition);
    return result;
  }

  /** n, the order of the matrix. */
  public int size() {
    return n;
  }

  /** The factor L (lower triangular, positive diagonal) as an n×n tensor. */
  public Tensor lower() {
    return Tensor.fromArray(lower, n, n);
  }

  /** The 1-norm reciprocal condition estimate 1 / (‖A‖₁ ‖A⁻¹‖₁). */
  public double reciprocalCondition() {
    return reciprocalCondition;
  }

  /** log det A = 2 Σ log l_kk. */
  public double logDeterminant() {
    double s = 0;
    for (int k = 0; k < n; k++) s += Math.log(lower[k * n + k]);
    return 2 * s;
  }

  /**
   * X = A⁻¹ B for a vector b of length n, or a matrix B of shape (n, k) whose k columns are solved together in
   * one pass over L (each column bit for bit as its own vector solve); B is not modified.
   * <pre>{@code
   * Tensor X = c.solve(B);                           // B (n, k): A X = B
   * Tensor Ainv = c.solve(Tensor.eye(c.size()));
   * }</pre>
   */
  public Tensor solve(Tensor b) {
    return DenseMatrices.solve("Cholesky.solve", b, n, (v, k) -> k == 1 ? solveInPlace(v) : solveColumnsInPlace(v, k));
  }

  /** {@link #solveInPlace} on the k columns of the row-major n×k array b at once, row operations in the same order. */
  private double[] solveColumnsInPlace(double[] b, int k) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) DenseMatrices.subtractRow(b, i, j, lower[i * n + j], k);
      DenseMatrices.divideRow(b, i, lower[i * n + i], k);
    }
    for (int i = n - 1; i >= 0; i--) {
      for (int j = i + 1; j < n; j++) DenseMatrices.subtractRow(b, i, j, lower[j * n + i], k);
      DenseMatrices.divideRow(b, i, lower[i * n + i], k);
    }
    return b;
  }

  /** L Lᵀ x = b: forward substitution with L, back substitution with Lᵀ; overwrites and returns b. */
  double[] solveInPlace(double[] b) {
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int j = 0; j < i; j++) s -= lower[i * n + j] * b[j];
      b[i] = s / lower[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      for (int j = i + 1; j < n; j++) s -= lower[j * n + i] * b[j];
      b[i] = s / lower[i * n + i];
    }
    return b;
  }
}
