package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.Consumer;

/**
 * One row of {@code bench solvers}: an inner problem solved by an iterative solver, a scalar outer loss of
 * its solution, and three timed tasks: the solve alone, the solve plus the implicit derivative of the
 * outer loss, and the same number of solver iterations recorded and differentiated in reverse mode.
 */
interface SolverProblem {
  /** The row's name, e.g. "lasso-proxgrad". */
  String name();

  /** Solves on concrete θ (nothing differentiated) and returns the iterations used. */
  int solve();

  /** The solve plus the implicit gradient of the outer loss with respect to θ. */
  Tensor implicitGradient();

  /** The solver's iterations for K iterations recorded on traced θ, then the reverse pass: the unrolled gradient. */
  Tensor unrolledGradient(int iterations);

  /**
   * The unrolled gradient by forward mode through the same K iterations (no tape: memory independent of K), for
   * problems with a scalar θ; the fallback reference when the reverse-mode tape does not fit in the heap.
   */
  default java.util.Optional<Tensor> unrolledForwardGradient(int iterations) {
    return java.util.Optional.empty();
  }

  /** How many iterations {@link #unrolledGradient} records for a solve that took {@code solveIterations}. */
  default int unrolledIterations(int solveIterations) {
    return solveIterations;
  }

  /** A short description of the problem (sizes, solver, hyperparameter) for the notes. */
  String describe();

  /** Receives the implicit layer's diagnostics (set before {@link #implicitGradient()}). */
  void listen(Consumer<ImplicitDiagnostics> listener);
}
