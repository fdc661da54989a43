package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A linear map v ↦ A v on vectors of length {@link #size()}, given matrix-free; its transpose when
 * available. A dense matrix is one kind of operator ({@link #dense}).
 *
 * <pre>{@code
 * LinearOperator A = LinearOperator.dense(Tensor.of(new double[][] {{4, 1}, {1, 3}}));
 * LinearSolution s = LinearSolvers.cg().solve(A, Tensor.of(1, 2));
 * }</pre>
 */
public interface LinearOperator {
  /** n, the length of the vectors the operator maps (square operators only). */
  int size();

  /** A v for a vector v of length n. */
  Tensor apply(Tensor v);

  /** Aᵀ v; throws {@link UnsupportedOperationException} when the operator has no transpose. */
  default Tensor applyTranspose(Tensor v) {
    if (isSymmetric()) return apply(v);
    throw new UnsupportedOperationException("this operator has no transpose; use a solver that needs only A v (GMRES, BiCGSTAB)");
  }

  /** Whether A = Aᵀ is known (CG needs it). */
  default boolean isSymmetric() {
    return false;
  }

  /** The transposed operator. */
  default LinearOperator transpose() {
    LinearOperator self = this;
    return new LinearOperator() {
      public int size() { return self.size(); }
      public Tensor apply(Tensor v) { return self.applyTranspose(v); }
      public Tensor applyTranspose(Tensor v) { return self.apply(v); }
      public boolean isSymmetric() { return self.isSymmetric(); }
    };
  }

  /**
   * A + εI, the ridge-regularised operator; symmetric and transposable when A is.
   * <pre>{@code
   * LinearOperator shifted = A.plusIdentity(1e-6);
   * }</pre>
   */
  default LinearOperator plusIdentity(double epsilon) {
    if (!Double.isFinite(epsilon)) throw new IllegalArgumentException("plusIdentity: epsilon must be finite, got " + epsilon);
    LinearOperator self = this;
    return new LinearOperator() {
      public int size() { return self.size(); }
      public Tensor apply(Tensor v) { return self.apply(v).add(v.mul(epsilon)); }
      public Tensor applyTranspose(Tensor v) { return self.applyTranspose(v).add(v.mul(epsilon)); }
      public boolean isSymmetric() { return self.isSymmetric(); }
    };
  }

  /** A matrix-free operator from a function and, optionally, its transpose. */
  static LinearOperator of(int n, java.util.function.UnaryOperator<Tensor> matvec,
      java.util.function.UnaryOperator<Tensor> rmatvec, boolean symmetric) {
    if (n < 0) throw new IllegalArgumentException("LinearOperator.of: the size n must be ≥ 0, got " + n);
    CheckedOperator.present("LinearOperator.of", "matvec", matvec);
    return new LinearOperator() {
      public int size() { return n; }
      public Tensor apply(Tensor v) { return matvec.apply(v); }
      public Tensor applyTranspose(Tensor v) {
        if (rmatvec != null) return rmatvec.apply(v);
        return LinearOperator.super.applyTranspose(v);
      }
      public boolean isSymmetric() { return symmetric; }
    };
  }

  /** A symmetric matrix-free operator. */
  static LinearOperator symmetric(int n, java.util.function.UnaryOperator<Tensor> matvec) {
    return of(n, matvec, matvec, true);
  }

  /** The operator of a dense square matrix. */
  static LinearOperator dense(Tensor matrix) {
    return new DenseOperator(matrix);
  }

  /** The dense matrix of this operator, built column by column from n products (for small n). */
  default Tensor toDense() {
    int n = size();
    Tensor[] cols = new Tensor[n];
    for (int j = 0; j < n; j++) {
      double[] e = new double[n];
      e[j] = 1;
      cols[j] = apply(Tensor.of(e)).reshape(n, 1);
    }
    return n == 0 ? Tensor.zeros(0, 0) : Tensor.concat(1, cols);
  }
}
