package io.github.implicitdiff.linalg;

/**
 * Conjugate gradient on the normal equations (A + εI)ᵀ(A + εI) x = (A + εI)ᵀ b (CGLS form), for a general
 * square operator that provides Aᵀ v. One iteration is one product with A and one with Aᵀ; the residual
 * r = b − (A + εI) x of the original system is updated alongside, and the iteration stops when
 * ‖r‖ ≤ tol ‖b‖ (then checked against a recomputed true residual). A preconditioner approximates
 * ((A + εI)ᵀ(A + εI))⁻¹, e.g. Jacobi with the squared column norms of A. Default budget: max(10 n, 100).
 * Convergence is governed by cond(A)², so prefer {@link Gmres} or {@link BiCgStab} when Aᵀ is unavailable
 * or A is badly conditioned.
 *
 * <pre>{@code
 * LinearOperator A = LinearOperator.dense(Tensor.of(new double[][] {{2, 1}, {-1, 3}}));
 * Tensor x = LinearSolvers.normalCg().solve(A, Tensor.of(1, 2)).x();   // [1/7, 5/7]
 * }</pre>
 */
public final class NormalConjugateGradient extends IterativeSolver<NormalConjugateGradient> {
  NormalConjugateGradient(IterativeSettings settings) {
    super(settings);
  }

  @Override
  NormalConjugateGradient with(IterativeSettings settings) {
    return new NormalConjugateGradient(settings);
  }

  @Override
  public String method() {
    return "normalCg";
  }

  @Override
  int defaultMaxIterations(int n) {
    return Math.max(10 * n, 100);
  }

  @Override
  public boolean requiresTranspose() {
    return true;
  }

  @Override
  int maxPasses() {
    return MAX_REFINEMENTS;
  }

  @Override
  String stagnation(String lastBreakdown) {
    return "the true residual stagnated; A may be singular (the least-squares solution does not solve A x = b) "
        + "or tol is below the attainable accuracy";
  }

  /** CGLS from the residual r of the original system until it meets the tolerance, the budget or Aᵀr = 0. */
  @Override
  Pass pass(CheckedOperator A, double[] r, double rNorm, double[] x, double bNorm, double tol, int maxIterations,
      int iterations) {
    double[] s = A.applyTranspose(r, iterations); // s = Aᵀ r, the normal-equation residual
    double[] z = A.precondition(s, iterations);
    double[] p = z.clone();
    double gamma = Vectors.dot(s, z);
    if (gamma == 0)
      throw new SingularMatrixException("normalCg: Aᵀ r = 0 with relative residual " + rNorm / bNorm
          + ": x already minimises ‖b − A x‖, so A is singular and b is not in its range; add a ridge term (withRidge)");
    requirePositive(gamma, iterations);
    while (iterations < maxIterations) {
      double[] q = A.apply(p, iterations);
      double qq = Vectors.dot(q, q); // pᵀAᵀA p
      if (qq == 0)
        throw new SingularMatrixException("normalCg: A p = 0 for a nonzero search direction p at iteration " + iterations
            + ": the operator is singular; add a ridge term (withRidge)");
      double alpha = gamma / qq;
      Vectors.axpy(alpha, p, x);
      Vectors.axpy(-alpha, q, r);
      iterations++;
      if (Vectors.norm(r) <= tol * bNorm) break;
      s = A.applyTranspose(r, iterations);
      z = A.precondition(s, iterations);
      double gammaNext = Vectors.dot(s, z);
      if (gammaNext == 0) break; // least-squares stationary: the next true residual decides convergence or stagnation
      requirePositive(gammaNext, iterations);
      double beta = gammaNext / gamma;
      for (int i = 0; i < p.length; i++) p[i] = z[i] + beta * p[i];
      gamma = gammaNext;
    }
    return new Pass(iterations, null);
  }

  private static void requirePositive(double gamma, int iterations) {
    if (!(gamma > 0))
      throw new SingularMatrixException("normalCg: sᵀM⁻¹s = " + gamma + " ≤ 0 at iteration " + iterations
          + ": the preconditioner is not positive definite; normal CG needs a symmetric positive definite M");
  }
}
