package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * LU factorization with partial (row) pivoting, P A = L U, of a square matrix, kept for repeated solves
 * with A and Aᵀ in O(n²) each. Factoring costs (2/3) n³ flops. Throws {@link SingularMatrixException}
 * when a pivot is exactly zero (naming its index) or when the 1-norm reciprocal condition estimate
 * is below {@code minReciprocalCondition} (default 1e-14).
 *
 * <pre>{@code
 * Lu lu = Lu.factor(Tensor.of(new double[][] {{2, 1}, {-1, 3}}));
 * Tensor x = lu.solve(Tensor.of(1, 2));            // [1/7, 5/7]
 * Tensor y = lu.solveTranspose(Tensor.of(1, 2));   // Aᵀ y = b
 * }</pre>
 */
public final class Lu {
  private final int n;
  private final double[] lu; // row-major; strictly lower part holds L (unit diagonal), upper part holds U
  private final int[] pivots; // row i of P A is row pivots[i] of A
  private final int sign;
  private final double reciprocalCondition;

  private Lu(int n, double[] lu, int[] pivots, int sign, double norm1) {
    this.n = n;
    this.lu = lu;
    this.pivots = pivots;
    this.sign = sign;
    this.reciprocalCondition = ConditionEstimator.reciprocalCondition(norm1, n, this::solveInPlaceCopy, this::solveTransposeCopy);
  }

  /** Factors a square matrix with the default threshold rcond ≥ 1e-14; the matrix is not modified. */
  public static Lu factor(Tensor matrix) {
    return factor(matrix, DenseMatrices.DEFAULT_MIN_RECIPROCAL_CONDITION);
  }

  /**
   * Factors a square matrix; the matrix is not modified.
   * @param minReciprocalCondition the smallest accepted estimate of 1 / (‖A‖₁ ‖A⁻¹‖₁), in [0, 1); 0 accepts any nonzero pivots
   * @throws SingularMatrixException on a zero pivot or a reciprocal condition estimate below the threshold
   */
  public static Lu factor(Tensor matrix, double minReciprocalCondition) {
    DenseMatrices.requireValidThreshold("Lu.factor", minReciprocalCondition);
    double[] a = DenseMatrices.requireSquareFinite("Lu.factor", matrix);
    int n = matrix.dim(0);
    double norm1 = ConditionEstimator.norm1(a, n);
    int[] pivots = new int[n];
    for (int i = 0; i < n; i++) pivots[i] = i;
    int sign = 1;
    for (int k = 0; k < n; k++) {
      int p = k;
      for (int i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
      double pivot = a[p * n + k];
      if (pivot == 0)
        throw new SingularMatrixException("Lu.factor: the matrix is singular: pivot " + k + " is 0 (column " + k
            + " is a combination of the previous columns); add a ridge term (A + εI) or remove the dependent rows/columns");
      if (p != k) {
        for (int j = 0; j < n; j++) {
          double t = a[k * n + j];
          a[k * n + j] = a[p * n + j];
          a[p * n + j] = t;
        }
        int t = pivots[k];
        pivots[k] = pivots[p];
        pivots[p] = t;
        sign = -sign;
      }
      for (int i = k + 1; i < n; i++) { // a_ij ← a_ij − l_ik u_kj with l_ik = a_ik / u_kk
        double l = a[i * n + k] / pivot;
        a[i * n + k] = l;
        if (l == 0) continue;
        for (int j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
      }
    }
    Lu result = new Lu(n, a, pivots, sign, norm1);
    if (result.reciprocalCondition < minReciprocalCondition) {
      int smallest = 0;
      for (int k = 1; k < n; k++) if (Math.abs(a[k * n + k]) < Math.abs(a[smallest * n + smallest])) smallest = k;
      DenseMatrices.requireConditioned("Lu.factor (smallest pivot " + a[smallest * n + smallest] + " at index " + smallest + ")",
          result.reciprocalCondition, minReciprocalCondition);
    }
    return result;
  }

  /** n, the order of the matrix. */
  public int size() {
    return n;
  }

  /** The 1-norm reciprocal condition estimate 1 / (‖A‖₁ ‖A⁻¹‖₁), within a small factor of the true value. */
  public double reciprocalCondition() {
    return reciprocalCondition;
  }

  /** det A = sign(P) Π u_kk. */
  public double determinant() {
    double d = sign;
    for (int k = 0; k < n; k++) d *= lu[k * n + k];
    return d;
  }

  /** x = A⁻¹ b for a vector b of length n; b is not modified. */
  public Tensor solve(Tensor b) {
    return Tensor.of(solveInPlace(DenseMatrices.requireVector("Lu.solve", b, n)));
  }

  /** y = A⁻ᵀ b for a vector b of length n; b is not modified. */
  public Tensor solveTranspose(Tensor b) {
    return Tensor.of(solveTransposeInPlace(DenseMatrices.requireVector("Lu.solveTranspose", b, n)));
  }

  private double[] solveInPlaceCopy(double[] b) {
    return solveInPlace(b.clone());
  }

  private double[] solveTransposeCopy(double[] b) {
    return solveTransposeInPlace(b.clone());
  }

  /** A x = b ⇔ L U x = P b: permute, forward substitution with L, back substitution with U. */
  double[] solveInPlace(double[] b) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = b[pivots[i]];
    for (int i = 0; i < n; i++) {
      double s = x[i];
      for (int j = 0; j < i; j++) s -= lu[i * n + j] * x[j];
      x[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = x[i];
      for (int j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j];
      x[i] = s / lu[i * n + i];
    }
    return x;
  }

  /** Aᵀ y = b ⇔ Uᵀ Lᵀ (P y) = b: solve Uᵀ w = b, then Lᵀ v = w, then y = Pᵀ v. */
  double[] solveTransposeInPlace(double[] b) {
    double[] w = b;
    for (int i = 0; i < n; i++) {
      double s = w[i];
      for (int j = 0; j < i; j++) s -= lu[j * n + i] * w[j];
      w[i] = s / lu[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = w[i];
      for (int j = i + 1; j < n; j++) s -= lu[j * n + i] * w[j];
      w[i] = s;
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) y[pivots[i]] = w[i];
    return y;
  }
}
