package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * The result of a linear solve: the solution, the iterations used (0 for a direct method), the final
 * relative residual ‖b − A x‖ / ‖b‖, and whether the requested tolerance was reached.
 */
public record LinearSolution(Tensor x, int iterations, double relativeResidual, boolean converged, String method) {
  /** The solution, or a {@link NotConvergedException} naming the method, the residual and the remedy. */
  public Tensor orThrow() {
    if (!converged)
      throw new NotConvergedException(method + ": no convergence after " + iterations + " iterations, relative residual "
          + relativeResidual + "; raise maxIterations, loosen tol, add a ridge term or use a preconditioner");
    return x;
  }
}
