package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolver;

/**
 * The settings every {@link Optimizer} shares (package-private; set through its withers).
 * {@code linearSolver} and {@code implicitOptions} null mean the solver's own default;
 * {@code degeneracyCheck} null means no degeneracy detection (used by the solvers with a prox or projection).
 */
record OptimizerSettings(int maxIterations, double tol, Differentiation differentiation, LinearSolver linearSolver,
    ImplicitOptions implicitOptions, DegeneracyCheck degeneracyCheck) {
  static OptimizerSettings defaults(int maxIterations) {
    return defaults(maxIterations, Optimizer.DEFAULT_TOL);
  }

  static OptimizerSettings defaults(int maxIterations, double tol) {
    return new OptimizerSettings(maxIterations, tol, Differentiation.IMPLICIT, null, null, null);
  }

  OptimizerSettings withMaxIterations(int value) {
    return new OptimizerSettings(value, tol, differentiation, linearSolver, implicitOptions, degeneracyCheck);
  }

  OptimizerSettings withTol(double value) {
    return new OptimizerSettings(maxIterations, value, differentiation, linearSolver, implicitOptions, degeneracyCheck);
  }

  OptimizerSettings withDifferentiation(Differentiation value) {
    return new OptimizerSettings(maxIterations, tol, value, linearSolver, implicitOptions, degeneracyCheck);
  }

  OptimizerSettings withLinearSolver(LinearSolver value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, value, implicitOptions, degeneracyCheck);
  }

  OptimizerSettings withImplicitOptions(ImplicitOptions value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, linearSolver, value, degeneracyCheck);
  }

  OptimizerSettings withDegeneracyCheck(DegeneracyCheck value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, linearSolver, implicitOptions, value);
  }
}
