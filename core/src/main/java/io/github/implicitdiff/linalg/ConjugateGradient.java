package io.github.implicitdiff.linalg;

/**
 * Preconditioned conjugate gradient for a symmetric positive definite (A + εI) x = b.
 * One iteration is one product q = A p and the updates x ← x + α p, r ← r − α q with α = rᵀz / pᵀq,
 * z = M⁻¹ r (Hestenes–Stiefel). Stops when ‖r‖ ≤ tol ‖b‖; the final residual is recomputed as b − (A + εI) x
 * and the iteration restarts from it if the recursive residual drifted. Default budget: max(10 n, 100).
 * A is trusted to be symmetric (CG does not check {@link LinearOperator#isSymmetric()}); a curvature
 * pᵀAp ≤ 0 proves it is not positive definite and raises {@link SingularMatrixException}.
 *
 * <pre>{@code
 * LinearOperator A = LinearOperator.dense(Tensor.of(new double[][] {{4, 1}, {1, 3}}));
 * Tensor x = LinearSolvers.cg().solve(A, Tensor.of(1, 2)).x();   // [1/11, 7/11]
 * }</pre>
 */
public final class ConjugateGradient extends IterativeSolver<ConjugateGradient> {
  ConjugateGradient(IterativeSettings settings) {
    super(settings);
  }

  @Override
  ConjugateGradient with(IterativeSettings settings) {
    return new ConjugateGradient(settings);
  }

  @Override
  public String method() {
    return "cg";
  }

  @Override
  int defaultMaxIterations(int n) {
    return Math.max(10 * n, 100);
  }

  @Override
  public boolean requiresSymmetric() {
    return true;
  }

  @Override
  int maxPasses() {
    return MAX_REFINEMENTS;
  }

  @Override
  String stagnation(String lastBreakdown) {
    return "the true residual stagnated at the attainable accuracy; loosen tol";
  }

  /** Hestenes–Stiefel CG from the residual r until the recursive residual meets the tolerance or the budget. */
  @Override
  Pass pass(CheckedOperator A, double[] r, double rNorm, double[] x, double bNorm, double tol, int maxIterations,
      int iterations) {
    double[] z = A.precondition(r, iterations);
    double[] p = z.clone();
    double rz = Vectors.dot(r, z);
    requirePositivePreconditioner(rz, iterations);
    while (iterations < maxIterations) {
      double[] q = A.apply(p, iterations);
      double curvature = Vectors.dot(p, q); // pᵀ(A + εI)p
      if (!(curvature > 0))
        throw new SingularMatrixException("cg: curvature pᵀAp = " + curvature + " ≤ 0 at iteration " + iterations
            + ": the operator is not positive definite; use gmres() or bicgstab() for an indefinite or nonsymmetric "
            + "operator, or add a ridge term (withRidge) if it is only positive semidefinite");
      double alpha = rz / curvature;
      Vectors.axpy(alpha, p, x);
      Vectors.axpy(-alpha, q, r);
      iterations++;
      if (Vectors.norm(r) <= tol * bNorm) break;
      z = A.precondition(r, iterations);
      double rzNext = Vectors.dot(r, z);
      requirePositivePreconditioner(rzNext, iterations);
      double beta = rzNext / rz;
      for (int i = 0; i < p.length; i++) p[i] = z[i] + beta * p[i];
      rz = rzNext;
    }
    return new Pass(iterations, null);
  }

  private void requirePositivePreconditioner(double rz, int iterations) {
    if (!(rz > 0))
      throw new SingularMatrixException("cg: rᵀM⁻¹r = " + rz + " ≤ 0 at iteration " + iterations
          + ": the preconditioner is not positive definite; CG needs a symmetric positive definite M (e.g. Jacobi with a positive diagonal)");
  }
}
