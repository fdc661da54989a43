package io.github.implicitdiff.linalg;

/**
 * Factory of the linear solvers, each an immutable configured object.
 *
 * <pre>{@code
 * LinearSolution s = LinearSolvers.cg().withTol(1e-8).withRidge(1e-6).solve(A, b);
 * Tensor x = LinearSolvers.gmres().withRestart(50).solve(A, b).x();
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
}
