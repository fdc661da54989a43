package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * A square matrix as a {@link LinearOperator}, with its transpose; symmetric when the matrix is exactly symmetric.
 * <pre>{@code
 * LinearOperator A = new DenseOperator(Tensor.of(new double[][] {{4, 1}, {1, 3}}));   // A.isSymmetric() == true
 * }</pre>
 */
public final class DenseOperator implements LinearOperator {
  private final Tensor matrix;
  private final boolean symmetric;
  private volatile double[] values; // row-major copy of a concrete matrix, made on the first fast product

  public DenseOperator(Tensor matrix) {
    CheckedOperator.present("DenseOperator", "matrix", matrix);
    if (matrix.ndim() != 2 || matrix.dim(0) != matrix.dim(1))
      throw new ShapeException("DenseOperator: needs a square matrix, got shape " + matrix.shapeString());
    matrix.requireFinite("DenseOperator: the matrix must be finite");
    this.matrix = matrix;
    double[][] a = matrix.toArray2d();
    boolean exact = true;
    for (int i = 0; i < a.length && exact; i++)
      for (int j = 0; j < i && exact; j++) exact = a[i][j] == a[j][i];
    this.symmetric = exact;
  }

  /** Whether the matrix equals its transpose exactly (checked once, at construction). */
  @Override
  public boolean isSymmetric() { return symmetric; }

  public Tensor matrix() { return matrix; }
  public int size() { return matrix.dim(0); }
  /** A v; for concrete A and v (no derivative being taken) a direct row-by-row product, else a differentiable matmul. */
  public Tensor apply(Tensor v) {
    if (matrix.isTraced() || v.isTraced() || v.ndim() != 1 || v.dim(0) != size()) return matrix.matmul(v);
    if (values == null) values = matrix.toDoubleArray(); // benign race: every thread computes the same copy
    double[] a = values, x = v.toDoubleArray(), y = new double[x.length];
    int n = x.length;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0, row = i * n; j < n; j++) s += a[row + j] * x[j];
      y[i] = s;
    }
    return Tensor.of(y);
  }
  public Tensor applyTranspose(Tensor v) { return matrix.T().matmul(v); }
  public Tensor toDense() { return matrix; }

  /** A + εI as a dense operator (so the direct solvers need no densification). */
  @Override
  public DenseOperator plusIdentity(double epsilon) {
    if (!Double.isFinite(epsilon)) throw new IllegalArgumentException("plusIdentity: epsilon must be finite, got " + epsilon);
    return new DenseOperator(matrix.add(Tensor.eye(size()).mul(epsilon)));
  }
}
