package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.solver.SolverResult;

/**
 * Running totals of an experiment's inner solves and of the linear solves of their implicit derivatives: solves,
 * solver iterations, solves that stopped short of their tolerance, linear solves and their iterations. Pass
 * {@link #count(ImplicitDiagnostics)} as the solver's implicit-options listener and each result to
 * {@link #add(SolverResult)}. Thread-safe: solves may run on worker threads ({@code ParallelMap}).
 */
final class SolveCounts {
  private long solves, iterations, unconverged, linearSolves, linearIterations;

  /** Counts one solve. */
  synchronized void add(SolverResult r) {
    solves++;
    iterations += r.iterations();
    if (!r.converged()) unconverged++;
  }

  /** Counts the linear solve that a diagnostics report carries, if any (the listener of the implicit options). */
  synchronized void count(ImplicitDiagnostics d) {
    if (d.linearSolution() == null) return;
    linearSolves++;
    linearIterations += d.linearSolution().iterations();
  }

  synchronized long solves() {
    return solves;
  }

  /** Solver iterations, over all solves. */
  synchronized long iterations() {
    return iterations;
  }

  /** Solves that stopped before their tolerance. */
  synchronized long unconverged() {
    return unconverged;
  }

  synchronized long linearSolves() {
    return linearSolves;
  }

  /** Linear-solver iterations, over all linear solves. */
  synchronized long linearIterations() {
    return linearIterations;
  }
}
