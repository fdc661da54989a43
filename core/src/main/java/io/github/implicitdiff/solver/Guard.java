package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/** Checks shared by the solvers' loops: finiteness, divergence, argument counts and shapes. */
final class Guard {
  /** An error this many times above max(1, the first error) counts as divergence. */
  static final double DIVERGENCE_FACTOR = 1e8;

  private Guard() {}

  static void requireFinite(String solver, int iteration, String what, Tensor t) {
    if (!t.allFinite())
      throw new NonFiniteException(solver + ": " + what + " became NaN or infinite at iteration " + iteration
          + "; check the function for invalid operations (log of a negative, division by zero) or reduce the step");
  }

  static void requireFiniteError(String solver, int iteration, double error) {
    if (!Double.isFinite(error))
      throw new NonFiniteException(solver + ": the error became " + error + " at iteration " + iteration
          + "; check the function for invalid operations or reduce the step");
  }

  /** Throws when error > DIVERGENCE_FACTOR · max(1, firstError). */
  static void requireNotDiverged(String solver, int iteration, double error, double firstError) {
    requireFiniteError(solver, iteration, error);
    if (error > DIVERGENCE_FACTOR * Math.max(1, firstError))
      throw new NotConvergedException(solver + ": diverged: the error grew from " + firstError + " to " + error
          + " at iteration " + iteration + "; the map may not be a contraction here: start closer, damp the step, or use another solver");
  }

  static void requireCount(String solver, Tensor[] theta, int count, String names) {
    if (theta.length != count)
      throw new IllegalArgumentException(solver + ": expected θ = " + names + " (" + count + " tensors), got " + theta.length);
  }

  static void requireSameShape(String solver, String what, Tensor got, Tensor expected) {
    if (!Arrays.equals(got.shape(), expected.shape()))
      throw new ShapeException(solver + ": " + what + " has shape " + got.shapeString() + " but x has shape "
          + expected.shapeString() + "; the map must return x's shape");
  }

  /** The starting point: its concrete value in IMPLICIT mode (the solution must not depend on it). */
  static Tensor start(String solver, Tensor init, Differentiation mode) {
    if (init == null) throw new IllegalArgumentException(solver + ": init must not be null");
    init.requireFinite(solver + ": init");
    return mode == Differentiation.IMPLICIT ? init.concrete() : init;
  }
}
