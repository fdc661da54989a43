package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.LinearSolver;

/**
 * The settings every {@link Optimizer} shares (package-private; set through its withers).
 * {@code linearSolver} and {@code implicitOptions} null mean the solver's own default;
 * {@code degeneracyCheck} null means no degeneracy detection (used by the solvers with a prox or projection);
 * {@code checkpointing} is read by the solvers whose loop supports it.
 */
record OptimizerSettings(int maxIterations, double tol, Differentiation differentiation, LinearSolver linearSolver,
    ImplicitOptions implicitOptions, DegeneracyCheck degeneracyCheck, Checkpointing checkpointing) {
  static OptimizerSettings defaults(int maxIterations) {
    return defaults(maxIterations, Optimizer.DEFAULT_TOL);
  }

  static OptimizerSettings defaults(int maxIterations, double tol) {
    return new OptimizerSettings(maxIterations, tol, Differentiation.IMPLICIT, null, null, null, Checkpointing.none());
  }

  OptimizerSettings withMaxIterations(int value) {
    return new OptimizerSettings(value, tol, differentiation, linearSolver, implicitOptions, degeneracyCheck, checkpointing);
  }

  OptimizerSettings withTol(double value) {
    return new OptimizerSettings(maxIterations, value, differentiation, linearSolver, implicitOptions, degeneracyCheck, checkpointing);
  }

  OptimizerSettings withDifferentiation(Differentiation value) {
    return new OptimizerSettings(maxIterations, tol, value, linearSolver, implicitOptions, degeneracyCheck, checkpointing);
  }

  OptimizerSettings withLinearSolver(LinearSolver value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, value, implicitOptions, degeneracyCheck, checkpointing);
  }

  OptimizerSettings withImplicitOptions(ImplicitOptions value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, linearSolver, value, degeneracyCheck, checkpointing);
  }

  OptimizerSettings withDegeneracyCheck(DegeneracyCheck value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, linearSolver, implicitOptions, value, checkpointing);
  }

  OptimizerSettings withCheckpointing(Checkpointing value) {
    return new OptimizerSettings(maxIterations, tol, differentiation, linearSolver, implicitOptions, degeneracyCheck, value);
  }
}
