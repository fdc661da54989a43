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

  public DenseOperator(Tensor matrix) {
    if (matrix.ndim() != 2 || matrix.dim(0) != matrix.dim(1))
      throw new ShapeException("DenseOperator: needs a square matrix, got shape " + matrix.shapeString());
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
  public Tensor apply(Tensor v) { return matrix.matmul(v); }
  public Tensor applyTranspose(Tensor v) { return matrix.T().matmul(v); }
  public Tensor toDense() { return matrix; }

  /** A + εI as a dense operator (so the direct solvers need no densification). */
  @Override
  public DenseOperator plusIdentity(double epsilon) {
    if (!Double.isFinite(epsilon)) throw new IllegalArgumentException("plusIdentity: epsilon must be finite, got " + epsilon);
    return new DenseOperator(matrix.add(Tensor.eye(size()).mul(epsilon)));
  }
}
