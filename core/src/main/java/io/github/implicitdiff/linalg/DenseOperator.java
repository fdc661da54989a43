package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/** A square matrix as a {@link LinearOperator}. */
public final class DenseOperator implements LinearOperator {
  private final Tensor matrix;

  public DenseOperator(Tensor matrix) {
    if (matrix.ndim() != 2 || matrix.dim(0) != matrix.dim(1))
      throw new ShapeException("DenseOperator: needs a square matrix, got shape " + matrix.shapeString());
    this.matrix = matrix;
  }

  public Tensor matrix() { return matrix; }
  public int size() { return matrix.dim(0); }
  public Tensor apply(Tensor v) { return matrix.matmul(v); }
  public Tensor applyTranspose(Tensor v) { return matrix.T().matmul(v); }
  public Tensor toDense() { return matrix; }
}
