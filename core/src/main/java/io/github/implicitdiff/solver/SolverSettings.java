package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolver;

/**
 * The hyperparameters every solver in this package shares; each solver offers {@code withX} methods
 * that return a new solver with one of them changed.
 *
 * @param maxIterations the iteration budget (≥ 1); every loop stops there
 * @param tol the tolerance on the solver's stopping quantity (stated in each solver's Javadoc)
 * @param differentiation IMPLICIT (default) or UNROLLED
 * @param linearSolver solves the implicit-differentiation systems with ∂₁F
 * @param implicitOptions residual check, symmetry flag and listener of the implicit layer
 */
public record SolverSettings(int maxIterations, double tol, Differentiation differentiation, LinearSolver linearSolver,
    ImplicitOptions implicitOptions) {

  public SolverSettings {
    if (maxIterations < 1) throw new IllegalArgumentException("maxIterations must be ≥ 1, got " + maxIterations);
    if (!(tol > 0) || !Double.isFinite(tol)) throw new IllegalArgumentException("tol must be finite and > 0, got " + tol);
    if (differentiation == null) throw new IllegalArgumentException("differentiation must not be null");
    if (linearSolver == null) throw new IllegalArgumentException("linearSolver must not be null");
    if (implicitOptions == null) throw new IllegalArgumentException("implicitOptions must not be null");
  }

  /** IMPLICIT differentiation with default implicit options. */
  public static SolverSettings of(int maxIterations, double tol, LinearSolver linearSolver) {
    return new SolverSettings(maxIterations, tol, Differentiation.IMPLICIT, linearSolver, ImplicitOptions.defaults());
  }

  public SolverSettings withMaxIterations(int n) {
    return new SolverSettings(n, tol, differentiation, linearSolver, implicitOptions);
  }

  public SolverSettings withTol(double t) {
    return new SolverSettings(maxIterations, t, differentiation, linearSolver, implicitOptions);
  }

  public SolverSettings withDifferentiation(Differentiation d) {
    return new SolverSettings(maxIterations, tol, d, linearSolver, implicitOptions);
  }

  public SolverSettings withLinearSolver(LinearSolver s) {
    return new SolverSettings(maxIterations, tol, differentiation, s, implicitOptions);
  }

  public SolverSettings withImplicitOptions(ImplicitOptions o) {
    return new SolverSettings(maxIterations, tol, differentiation, linearSolver, o);
  }
}
