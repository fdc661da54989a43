package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/** Input validation, the shared error measure and the divergence guards of the solvers. */
final class Guards {
  private Guards() {}

  /** An error that grows by this factor over its first value means the iteration diverges. */
  static final double DIVERGENCE_FACTOR = 1e10;

  static void requireInputs(String solver, Tensor init, Tensor[] theta) {
    if (init == null) throw new IllegalArgumentException(solver + ": init must not be null");
    requirePresent(solver, theta);
    init.requireFinite(solver + ": init must be finite");
    for (int i = 0; i < theta.length; i++)
      theta[i].requireFinite(solver + ": θ[" + i + "] must be finite (check the data for NaN)");
  }

  /** Throws unless θ and each of its tensors are present. */
  static void requirePresent(String solver, Tensor[] theta) {
    if (theta == null) throw new IllegalArgumentException(solver + ": θ must not be null (pass no arguments for none)");
    for (int i = 0; i < theta.length; i++)
      if (theta[i] == null) throw new IllegalArgumentException(solver + ": θ[" + i + "] is null");
  }

  /** rms(r) / max(1, rms(x)), the error every solver reports (eq. of the implicit layer's residual check). */
  static double relativeRms(Tensor r, Tensor x) {
    double n = Math.max(1, x.size());
    return (r.norm2() / Math.sqrt(n)) / Math.max(1, x.norm2() / Math.sqrt(n));
  }

  /** Throws when the objective value or gradient at the initial point is not finite. */
  static void requireFiniteStart(String solver, Tensor value, Tensor grad) {
    if (!value.allFinite() || !grad.allFinite())
      throw new NonFiniteException(solver + ": the objective (" + value.item() + ") or its gradient is not finite at the"
          + " initial point; check init, θ and the data the objective closes over for NaN or infinity");
  }

  /** Throws when a value became non-finite during the iterations. */
  static void requireFiniteStep(String solver, int iteration, String step, String what, Tensor... values) {
    for (Tensor v : values) if (!v.allFinite()) throw nonFiniteStep(solver, iteration, step, what);
  }

  /** The exception of {@link #requireFiniteStep}: {@code what} became non-finite. */
  static NonFiniteException nonFiniteStep(String solver, int iteration, String step, String what) {
    return new NonFiniteException(solver + ": " + what + " became non-finite at iteration " + iteration + " with " + step
        + ": the iteration diverges; use a smaller step size or a line search (StepSize.backtracking())");
  }

  /** Throws when the error grew by {@link #DIVERGENCE_FACTOR} over its first value. */
  static void requireNotDiverging(String solver, int iteration, String step, double initialError, double error) {
    if (!Double.isFinite(error) || error > DIVERGENCE_FACTOR * Math.max(initialError, Double.MIN_NORMAL))
      throw new NonFiniteException(solver + ": the error grew from " + initialError + " to " + error + " by iteration "
          + iteration + " with " + step + ": the iteration diverges; use a smaller step size or a line search"
          + " (StepSize.backtracking())");
  }

  /** For fixed-point and root solvers: an error this many times above max(1, the first error) is divergence. */
  static final double ROOT_DIVERGENCE_FACTOR = 1e8;


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

  /** Throws when error > ROOT_DIVERGENCE_FACTOR · max(1, firstError) (fixed-point and root solvers). */
  static void requireNotDiverged(String solver, int iteration, double error, double firstError) {
    requireFiniteError(solver, iteration, error);
    if (error > ROOT_DIVERGENCE_FACTOR * Math.max(1, firstError))
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
}
