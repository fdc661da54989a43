package io.github.implicitdiff.linalg;

/**
 * Factory of the linear solvers, each an immutable configured object.
 *
 * <pre>{@code
 * LinearSolution s = LinearSolvers.cg().withTol(1e-8).withRidge(1e-6).solve(A, b);
 * Tensor x = LinearSolvers.gmres().withRestart(50).solve(A, b).x();
 * Lu lu = Lu.factor(matrix);   // reusable factorization: lu.solve(b), lu.solveTranspose(b)
 * }</pre>
 */
public final class LinearSolvers {
  private LinearSolvers() {}

  /** Conjugate gradient for symmetric positive definite operators; tol 1e-10, budget max(10 n, 100). */
  public static ConjugateGradient cg() {
    return new ConjugateGradient(IterativeSettings.DEFAULTS);
  }

  /** Restarted GMRES for general square operators; tol 1e-10, restart 30, budget max(10 n, 100). */
  public static Gmres gmres() {
    return new Gmres(IterativeSettings.DEFAULTS, Gmres.DEFAULT_RESTART);
  }

  /** Conjugate gradient on the normal equations AᵀA x = Aᵀ b (needs Aᵀ); tol 1e-10, budget max(10 n, 100). */
  public static NormalConjugateGradient normalCg() {
    return new NormalConjugateGradient(IterativeSettings.DEFAULTS);
  }

  /** BiCGSTAB for general square operators (needs only A v); tol 1e-10, budget max(10 n, 100). */
  public static BiCgStab bicgstab() {
    return new BiCgStab(IterativeSettings.DEFAULTS);
  }

  /** Dense LU with partial pivoting; rejects matrices with reciprocal condition estimate below 1e-14. */
  public static LuSolver lu() {
    return new LuSolver(0, DenseMatrices.DEFAULT_MIN_RECIPROCAL_CONDITION);
  }

  /** Dense Cholesky for symmetric positive definite matrices; rejects reciprocal condition estimates below 1e-14. */
  public static CholeskySolver cholesky() {
    return new CholeskySolver(0, DenseMatrices.DEFAULT_MIN_RECIPROCAL_CONDITION);
  }

  /**
   * {@code inner} started from its previous solution when that helps (see {@link WarmStartedSolver}):
   * for sequences of nearby systems such as the backward solves of a hyperparameter loop.
   */
  public static WarmStartedSolver warmStarted(LinearSolver inner) {
    return new WarmStartedSolver(inner, new java.util.concurrent.atomic.AtomicReference<>());
  }
}
