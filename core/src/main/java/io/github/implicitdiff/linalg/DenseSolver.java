package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A direct solver for (A + εI) x = b: densifies A ({@link DenseOperator#matrix()} as is, otherwise
 * {@link LinearOperator#toDense()} with n products), factors it and solves. The result reports 0 iterations,
 * the true relative residual ‖b − (A + εI) x‖ / ‖b‖ and converged = true; a singular or badly conditioned
 * matrix raises {@link SingularMatrixException} instead. The initial guess x0 is ignored; b = 0 returns 0.
 * To reuse a factorization across right-hand sides, call {@link Lu#factor} or {@link Cholesky#factor} directly.
 *
 * <pre>{@code
 * Tensor x = LinearSolvers.lu().withRidge(1e-8).solve(A, b).x();
 * }</pre>
 *
 * @param <S> the concrete solver type, returned by the withers
 */
public abstract class DenseSolver<S extends DenseSolver<S>> implements LinearSolver {
  final double ridge;
  final double minReciprocalCondition;

  DenseSolver(double ridge, double minReciprocalCondition) {
    this.ridge = ridge;
    this.minReciprocalCondition = minReciprocalCondition;
  }

  abstract S with(double ridge, double minReciprocalCondition);

  /** The name used in results and messages, e.g. "lu". */
  public abstract String method();

  /** Factors the (ridged) matrix and solves with the right-hand side values. */
  abstract Tensor factorAndSolve(Tensor matrix, Tensor b);

  /** Solves (A + εI) x = b instead of A x = b (default ε = 0). */
  public S withRidge(double epsilon) {
    if (!Double.isFinite(epsilon)) throw new IllegalArgumentException(method() + ": ridge must be finite, got " + epsilon);
    return with(epsilon, minReciprocalCondition);
  }

  /** Smallest accepted reciprocal condition estimate 1 / (‖A‖₁ ‖A⁻¹‖₁) (default 1e-14; 0 accepts any nonzero pivots). */
  public S withMinReciprocalCondition(double value) {
    DenseMatrices.requireValidThreshold(method(), value);
    return with(ridge, value);
  }

  public double ridge() {
    return ridge;
  }

  public double minReciprocalCondition() {
    return minReciprocalCondition;
  }

  @Override
  public final LinearSolution solve(LinearOperator A, Tensor b, Tensor x0) {
    double[] bValues = CheckedOperator.requireProblem(method(), A, b);
    int n = bValues.length;
    double bNorm = Vectors.norm(bValues);
    // a direct method does not use x0, but a wrong one is the caller's mistake all the same (as for the Krylov methods)
    if (x0 != null) CheckedOperator.requireRightHandSide(method(), A, x0, "x0");
    if (bNorm == 0) return new LinearSolution(Tensor.zeros(n), 0, 0, true, method());
    Tensor matrix = ridged(A);
    Tensor x = factorAndSolve(matrix, b);
    double[] residual = Vectors.subtract(bValues, matrix.matmul(x).toDoubleArray());
    return new LinearSolution(x, 0, Vectors.norm(residual) / bNorm, true, method());
  }

  /** Factors A + εI once and solves all k columns of B in one pass over the factors. */
  @Override
  public final Tensor solveColumns(LinearOperator A, Tensor B) {
    CheckedOperator.requireColumns(method(), A, B);
    return factorAndSolve(ridged(A), B);
  }

  /** A + εI as a dense matrix. */
  private Tensor ridged(LinearOperator A) {
    Tensor matrix = A instanceof DenseOperator dense ? dense.matrix() : A.toDense();
    return ridge == 0 ? matrix : matrix.add(Tensor.eye(A.size()).mul(ridge));
  }

  @Override
  public String toString() {
    return method() + "(ridge=" + ridge + ", minReciprocalCondition=" + minReciprocalCondition + ")";
  }
}
