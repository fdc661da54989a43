package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * What an iterative solver returns: the solution (differentiable in θ when θ was being differentiated),
 * the iterations used, the final error (the solver's own stopping quantity, stated in its Javadoc), and
 * whether the error reached the tolerance.
 */
public record SolverResult(Tensor solution, int iterations, double error, boolean converged) {
  /** The solution, or a {@link NotConvergedException} saying how far the solver got. */
  public Tensor orThrow() {
    if (!converged)
      throw new NotConvergedException("no convergence after " + iterations + " iterations, error " + error
          + "; raise maxIterations, loosen tol, or change the step size");
    return solution;
  }
}
