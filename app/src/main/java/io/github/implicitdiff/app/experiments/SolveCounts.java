package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.solver.SolverResult;

/**
 * Running totals of an experiment's inner solves and of the linear solves of their implicit derivatives: solves,
 * solver iterations, solves that stopped short of their tolerance, linear solves and their iterations. Pass
 * {@link #count(ImplicitDiagnostics)} as the solver's implicit-options listener and each result to
 * {@link #add(SolverResult)}.
 */
final class SolveCounts {
  private long solves, iterations, unconverged, linearSolves, linearIterations;

  /** Counts one solve. */
  void add(SolverResult r) {
    solves++;
    iterations += r.iterations();
    if (!r.converged()) unconverged++;
  }

  /** Counts the linear solve that a diagnostics report carries, if any (the listener of the implicit options). */
  void count(ImplicitDiagnostics d) {
    if (d.linearSolution() == null) return;
    linearSolves++;
    linearIterations += d.linearSolution().iterations();
  }

  long solves() {
    return solves;
  }

  /** Solver iterations, over all solves. */
  long iterations() {
    return iterations;
  }

  /** Solves that stopped before their tolerance. */
  long unconverged() {
    return unconverged;
  }

  long linearSolves() {
    return linearSolves;
  }

  /** Linear-solver iterations, over all linear solves. */
  long linearIterations() {
    return linearIterations;
  }
}
