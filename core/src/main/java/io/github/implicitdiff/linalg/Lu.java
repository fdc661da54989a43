package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * LU factorization with partial (row) pivoting, P A = L U, of a square matrix, kept for repeated solves
 * with A and Aᵀ in O(n²) each. Factoring costs (2/3) n³ flops at most: zero multipliers l_ik and zero
 * entries of sparse pivot rows are skipped, which makes structured matrices (KKT systems) cheaper. Throws {@link SingularMatrixException}
 * when a pivot is exactly zero (naming its index) or when the 1-norm reciprocal condition estimate
 * is below {@code minReciprocalCondition} (default 1e-14). The estimate (a few O(n²) solves) is made
 * only when the threshold is positive or {@link #reciprocalCondition()} is called.
 *
 * <pre>{@code
 * Lu lu = Lu.factor(Tensor.of(new double[][] {{2, 1}, {-1, 3}}));
 * Tensor x = lu.solve(Tensor.of(1, 2));            // [1/7, 5/7]
 * Tensor y = lu.solveTranspose(Tensor.of(1, 2));   // Aᵀ y = b
 * Tensor X = lu.solve(Tensor.eye(2));               // A⁻¹: an (n, k) right-hand side, all columns in one pass
 * }</pre>
 */
public final class Lu {
  private final int n;
  private final double[] lu; // row-major; strictly lower part holds L (unit diagonal), upper part holds U
  private final int[] pivots; // row i of P A is row pivots[i] of A
  private final int sign;
  private final double norm1;
  /** The estimate, computed on first use (NaN until then): a threshold of 0 does not need it. */
  private volatile double reciprocalCondition = Double.NaN;

  private Lu(int n, double[] lu, int[] pivots, int sign, double norm1) {
    this.n = n;
    this.lu = lu;
    this.pivots = pivots;
    this.sign = sign;
    this.norm1 = norm1;
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
    return factorInPlace(DenseMatrices.requireSquareFinite("Lu.factor", matrix), matrix.dim(0), minReciprocalCondition);
  }

  /**
   * Factors a square matrix given as rows (for callers that assemble plain arrays, such as the QP solvers'
   * KKT systems: one copy, no tensor); the rows are not modified.
   * @param minReciprocalCondition as in {@link #factor(Tensor, double)}
   * @throws SingularMatrixException on a zero pivot or a reciprocal condition estimate below the threshold
   */
  public static Lu factor(double[][] rows, double minReciprocalCondition) {
    DenseMatrices.requireValidThreshold("Lu.factor", minReciprocalCondition);
    int n = rows.length;
    double[] a = new double[n * n], columnSums = new double[n];
    for (int i = 0; i < n; i++) { // one pass: copy, check, and the column sums of ‖A‖₁
      double[] row = rows[i];
      if (row.length != n)
        throw new ShapeException("Lu.factor: needs a square matrix, got row " + i + " of length " + row.length + " in " + n + " rows");
      for (int j = 0; j < n; j++) {
        double v = row[j];
        if (!Double.isFinite(v)) throw new NonFiniteException("Lu.factor: matrix entry (" + i + ", " + j + ") is " + v);
        a[i * n + j] = v;
        columnSums[j] += Math.abs(v);
      }
    }
    double norm1 = 0;
    for (double c : columnSums) norm1 = Math.max(norm1, c);
    return factorInPlace(a, n, norm1, minReciprocalCondition);
  }

  private static Lu factorInPlace(double[] a, int n, double minReciprocalCondition) {
    return factorInPlace(a, n, ConditionEstimator.norm1(a, n), minReciprocalCondition);
  }

  /** Factors the row-major n×n array {@code a} (finite, with 1-norm {@code norm1}), overwriting it with L and U. */
  private static Lu factorInPlace(double[] a, int n, double norm1, double minReciprocalCondition) {
    int[] pivots = new int[n];
    for (int i = 0; i < n; i++) pivots[i] = i;
    int sign = 1;
    int[] nonzero = new int[n];
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
      // the columns j > k where u_kj ≠ 0: when they are few (structured KKT and Newton matrices), the row
      // updates visit only them; the skipped updates subtract l_ik · 0, so the factors are the same
      int count = 0;
      for (int j = k + 1; j < n; j++) if (a[k * n + j] != 0) nonzero[count++] = j;
      boolean sparseRow = 2 * count < n - k - 1;
      for (int i = k + 1; i < n; i++) { // a_ij ← a_ij − l_ik u_kj with l_ik = a_ik / u_kk
        double l = a[i * n + k] / pivot;
        a[i * n + k] = l;
        if (l == 0) continue;
        if (sparseRow) for (int c = 0; c < count; c++) a[i * n + nonzero[c]] -= l * a[k * n + nonzero[c]];
        else for (int j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
      }
    }
    Lu result = new Lu(n, a, pivots, sign, norm1);
    if (minReciprocalCondition > 0 && result.reciprocalCondition() < minReciprocalCondition) {
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
    double r = reciprocalCondition;
    if (Double.isNaN(r))
      reciprocalCondition = r = ConditionEstimator.reciprocalCondition(norm1, n, this::solveInPlaceCopy, this::solveTransposeCopy);
    return r;
  }

  /** det A = sign(P) Π u_kk. */
  public double determinant() {
    double d = sign;
    for (int k = 0; k < n; k++) d *= lu[k * n + k];
    return d;
  }

  /**
   * X = A⁻¹ B for a vector b of length n, or a matrix B of shape (n, k) whose k columns are solved together in
   * one pass over the factors (each column bit for bit as its own vector solve); B is not modified.
   * <pre>{@code
   * Tensor X = lu.solve(B);            // B (n, k): A X = B
   * Tensor Ainv = lu.solve(Tensor.eye(lu.size()));
   * }</pre>
   */
  public Tensor solve(Tensor b) {
    return DenseMatrices.solve("Lu.solve", b, n, (v, k) -> k == 1 ? solveInPlace(v) : solveColumns(v, k));
  }

  /** Y = A⁻ᵀ B for a vector b of length n or a matrix B of shape (n, k), as {@link #solve}; B is not modified. */
  public Tensor solveTranspose(Tensor b) {
    return DenseMatrices.solve("Lu.solveTranspose", b, n, (v, k) -> k == 1 ? solveTransposeInPlace(v) : solveTransposeColumns(v, k));
  }

  /** {@link #solveInPlace} on the k columns of the row-major n×k array b at once, row operations in the same order. */
  private double[] solveColumns(double[] b, int k) {
    double[] x = new double[n * k];
    for (int i = 0; i < n; i++) System.arraycopy(b, pivots[i] * k, x, i * k, k);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < i; j++) DenseMatrices.subtractRow(x, i, j, lu[i * n + j], k);
    for (int i = n - 1; i >= 0; i--) {
      for (int j = i + 1; j < n; j++) DenseMatrices.subtractRow(x, i, j, lu[i * n + j], k);
      DenseMatrices.divideRow(x, i, lu[i * n + i], k);
    }
    return x;
  }

  /** {@link #solveTransposeInPlace} on the k columns of the row-major n×k array b at once (b is overwritten). */
  private double[] solveTransposeColumns(double[] w, int k) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) DenseMatrices.subtractRow(w, i, j, lu[j * n + i], k);
      DenseMatrices.divideRow(w, i, lu[i * n + i], k);
    }
    for (int i = n - 1; i >= 0; i--)
      for (int j = i + 1; j < n; j++) DenseMatrices.subtractRow(w, i, j, lu[j * n + i], k);
    double[] y = new double[n * k];
    for (int i = 0; i < n; i++) System.arraycopy(w, i * k, y, pivots[i] * k, k);
    return y;
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
