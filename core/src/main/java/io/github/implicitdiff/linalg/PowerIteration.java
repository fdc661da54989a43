package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * The largest-magnitude eigenvalue of a symmetric operator by power iteration, for step sizes 1/L of
 * first-order methods (L = λ_max of a Hessian or Gram matrix): from a unit start v₀, v_{k+1} = A v_k / ‖A v_k‖
 * with the estimate μ_k = ‖A v_k‖, which increases to |λ|_max at the rate (|λ₂| / |λ₁|)^{2k} and never exceeds
 * it. Values only: the estimate is a number, not a differentiable tensor.
 *
 * <p>Power iteration converges slowly when the top two eigenvalues are close, so a caller that needs an upper
 * bound on L (a step 1/L that cannot overshoot) multiplies the estimate by a small safety factor, as the
 * library's own solvers and experiments do.
 *
 * <pre>{@code
 * double L = PowerIteration.gramEigenvalue(X) / n;            // λ_max(XᵀX/n), without forming XᵀX
 * PowerIteration.Estimate e = PowerIteration.run(A, start, 500, 1e-12);
 * if (!e.converged()) ...                                     // e.value() is still a lower estimate
 * }</pre>
 */
public final class PowerIteration {
  private PowerIteration() {}

  /** The default iteration budget of {@link #largestEigenvalue(LinearOperator)}. */
  public static final int DEFAULT_ITERATIONS = 100;

  /**
   * The outcome of a run.
   *
   * @param value the estimate μ = ‖A v‖ of |λ|_max at the last unit iterate v (a lower estimate)
   * @param vector the last unit iterate (the dominant eigenvector when converged)
   * @param iterations products with A taken
   * @param converged whether μ changed by at most {@code tol} (relative) in the last iteration
   */
  public record Estimate(double value, Tensor vector, int iterations, boolean converged) {}

  /**
   * Power iteration on {@code A} from {@code start} (any nonzero vector of length n; normalized here) until the
   * estimate changes by at most {@code tol}·μ, or {@code maxIterations} products (tol = 0 runs them all).
   *
   * @throws IllegalArgumentException if A is not symmetric, the start vector is zero, non-finite or of the wrong
   *     length, maxIterations &lt; 1 or tol is negative or NaN; and if a product is not finite
   */
  public static Estimate run(LinearOperator A, Tensor start, int maxIterations, double tol) {
    if (A == null || start == null) throw new IllegalArgumentException("PowerIteration: operator and start must not be null");
    if (!A.isSymmetric())
      throw new IllegalArgumentException("PowerIteration: the operator must be symmetric (power iteration on a"
          + " non-symmetric operator need not converge to |λ|_max); use AᵀA for singular values");
    if (start.ndim() != 1 || start.dim(0) != A.size())
      throw new IllegalArgumentException("PowerIteration: start must be a vector of length " + A.size() + ", got shape "
          + start.shapeString());
    if (maxIterations < 1) throw new IllegalArgumentException("PowerIteration: maxIterations must be ≥ 1, got " + maxIterations);
    if (!(tol >= 0)) throw new IllegalArgumentException("PowerIteration: tol must be ≥ 0, got " + tol);
    Tensor v = start.concrete();
    double norm = v.norm2();
    if (!(norm > 0 && Double.isFinite(norm)))
      throw new IllegalArgumentException("PowerIteration: the start vector must be nonzero and finite, its norm is " + norm);
    v = v.div(norm);
    double estimate = 0;
    for (int k = 1; k <= maxIterations; k++) {
      Tensor Av = A.apply(v).concrete();
      double next = Av.norm2();
      if (!Double.isFinite(next)) throw new IllegalArgumentException("PowerIteration: A v is not finite at iteration " + k);
      if (next == 0) return new Estimate(0, v, k, true); // v in the null space: |λ|_max along this start is 0
      boolean converged = Math.abs(next - estimate) <= tol * next;
      estimate = next;
      v = Av.div(next);
      if (converged && tol > 0) return new Estimate(estimate, v, k, true);
    }
    return new Estimate(estimate, v, maxIterations, false);
  }

  /**
   * |λ|_max of a symmetric operator: {@value #DEFAULT_ITERATIONS} iterations at most from the generic start
   * vᵢ ∝ 1 + 0.37 i, stopping early at a relative change of 1e-10.
   */
  public static double largestEigenvalue(LinearOperator A) {
    return run(A, genericStart(A.size()), DEFAULT_ITERATIONS, 1e-10).value();
  }

  /** λ_max(XᵀX) = σ_max(X)² of a matrix X (m×n), by {@link #largestEigenvalue} on v ↦ Xᵀ(X v) without forming XᵀX. */
  public static double gramEigenvalue(Tensor X) {
    if (X == null || X.ndim() != 2)
      throw new IllegalArgumentException("PowerIteration.gramEigenvalue: X must be a matrix, got "
          + (X == null ? "null" : "shape " + X.shapeString()));
    Tensor M = X.concrete();
    return largestEigenvalue(LinearOperator.symmetric(M.dim(1), v -> M.T().matmul(M.matmul(v))));
  }

  /** The deterministic start vᵢ = 1 + 0.37 i (not orthogonal to any eigenvector in practice). */
  public static Tensor genericStart(int n) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) s[i] = 1 + 0.37 * i;
    return Tensor.of(s);
  }
}
