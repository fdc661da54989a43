package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/** Shared checks and conversions for the dense factorizations (package-private). */
final class DenseMatrices {
  private DenseMatrices() {}

  /** Default smallest accepted reciprocal condition estimate, 1e-14 (cond(A) ≤ 1e14). */
  static final double DEFAULT_MIN_RECIPROCAL_CONDITION = 1e-14;

  /** Row-major values of a finite square matrix; throws naming the operation otherwise. */
  static double[] requireSquareFinite(String method, Tensor matrix) {
    if (matrix.ndim() != 2 || matrix.dim(0) != matrix.dim(1))
      throw new ShapeException(method + ": needs a square matrix, got shape " + matrix.shapeString());
    requireValues(method, "the matrix", matrix);
    double[] a = matrix.toDoubleArray();
    int n = matrix.dim(0);
    for (int i = 0; i < a.length; i++)
      if (!Double.isFinite(a[i]))
        throw new NonFiniteException(method + ": matrix entry (" + i / n + ", " + i % n + ") is " + a[i]);
    return a;
  }

  /**
   * Throws when t is being differentiated: the factorizations and Krylov solvers compute on values, so a traced
   * tensor's derivative would be silently dropped.
   */
  static void requireValues(String method, String role, Tensor t) {
    if (t.isTraced())
      throw new IllegalArgumentException(method + ": " + role + " is being differentiated (a traced tensor: an input, or a"
          + " tensor the operator closes over), but this solver computes on values and would drop its derivative; for a"
          + " differentiable solve use"
          + " DenseSolve.solve(A, b), and to differentiate a solution through its optimality condition use"
          + " Implicit.customRoot (or rootJvp / rootVjp)");
  }

  static void requireValidThreshold(String method, double minReciprocalCondition) {
    if (!(minReciprocalCondition >= 0 && minReciprocalCondition < 1))
      throw new IllegalArgumentException(method + ": minReciprocalCondition must be in [0, 1), got " + minReciprocalCondition);
  }

  static void requireConditioned(String method, double rcond, double minReciprocalCondition) {
    if (rcond < minReciprocalCondition)
      throw new SingularMatrixException(method + ": the matrix is numerically singular: reciprocal condition estimate "
          + rcond + " < " + minReciprocalCondition + " (condition number about " + (rcond == 0 ? "∞" : String.format("%.2e", 1 / rcond))
          + "); add a ridge term (A + εI), rescale the problem, or lower minReciprocalCondition if the precision loss is acceptable");
  }

  /** A solve of the k right-hand sides stored row-major in an n×k array (k = 1: a vector), in place or not. */
  interface ColumnsSolve {
    double[] apply(double[] rowMajor, int k);
  }

  /**
   * X = A⁻¹ B by {@code solve}, for B a vector of length n (result a vector) or an (n, k) matrix (result (n, k));
   * B is checked (shape, finite) and not modified.
   */
  static Tensor solve(String method, Tensor b, int n, ColumnsSolve solve) {
    requireValues(method, "the right-hand side", b);
    if (b.ndim() == 1) return Tensor.of(solve.apply(requireVector(method, b, n), 1));
    if (b.ndim() != 2 || b.dim(0) != n)
      throw new ShapeException(method + ": right-hand side has shape " + b.shapeString() + " but the matrix is "
          + n + "×" + n + "; pass a vector of shape (" + n + ",) or a matrix of shape (" + n + ", k)");
    int k = b.dim(1);
    double[] values = b.toDoubleArray();
    for (int i = 0; i < values.length; i++)
      if (!Double.isFinite(values[i]))
        throw new NonFiniteException(method + ": right-hand side contains " + values[i] + " at (" + i / k + ", " + i % k + ")");
    return Tensor.fromArray(solve.apply(values, k), n, k);
  }

  /** Row i of the row-major n×k array x minus c times row j: one step of a substitution on k right-hand sides at once. */
  static void subtractRow(double[] x, int i, int j, double c, int k) {
    if (c == 0) return; // x − 0·y = x exactly for finite y: the same result as the unskipped update
    int ri = i * k, rj = j * k;
    for (int col = 0; col < k; col++) x[ri + col] -= c * x[rj + col];
  }

  /** Row i of the row-major n×k array x divided by d. */
  static void divideRow(double[] x, int i, double d, int k) {
    int ri = i * k;
    for (int col = 0; col < k; col++) x[ri + col] /= d;
  }

  /** The right-hand side values of length n. */
  static double[] requireVector(String method, Tensor b, int n) {
    if (b.ndim() != 1 || b.dim(0) != n)
      throw new ShapeException(method + ": right-hand side has shape " + b.shapeString() + " but the matrix is "
          + n + "×" + n + "; pass a vector of shape (" + n + ",)");
    double[] values = b.toDoubleArray();
    for (int i = 0; i < values.length; i++)
      if (!Double.isFinite(values[i]))
        throw new NonFiniteException(method + ": right-hand side contains " + values[i] + " at index " + i);
    return values;
  }
}
