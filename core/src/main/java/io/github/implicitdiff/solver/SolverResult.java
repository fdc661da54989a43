package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.tensor.Tensor;

/**
 * What an iterative solver returns: the solution (differentiable in θ when θ was being differentiated),
 * the iterations used, the final error (the solver's own stopping quantity, stated in its Javadoc),
 * whether the error reached the tolerance, and the degenerate coordinates of the solution.
 *
 * <p>{@code degeneracy} lists the coordinates (or constraints) at which the solution map x*(θ) has a kink
 * — a soft-threshold input exactly at ±ηλ, a box coordinate at a bound with zero gradient, a tie with
 * the simplex threshold — found by the solver's {@link DegeneracyCheck} at the returned x. There x*(θ)
 * is not differentiable, and the derivative returned follows the convention stated by the solver (for
 * the built-in tests: the degenerate coordinate is held on the non-smooth side of its kink, see
 * {@link DegeneracyCheck}). Solvers of smooth problems, or without a test, report
 * {@link Degeneracy#none()}.
 *
 * <pre>{@code
 * SolverResult r = ProximalGradient.of(f, ProximalOperator.lasso(), 1)
 *     .withDegeneracyCheck(DegeneracyCheck.lasso()).run(w0, lambda);
 * if (r.degenerate()) log("coordinates at the soft-threshold kink: " + r.degeneracy().indices());
 * }</pre>
 */
public record SolverResult(Tensor solution, int iterations, double error, boolean converged, Degeneracy degeneracy) {

  public SolverResult {
    if (degeneracy == null) throw new IllegalArgumentException("SolverResult: degeneracy must not be null; use Degeneracy.none()");
  }

  /** A result with no degeneracy information ({@link Degeneracy#none()}). */
  public SolverResult(Tensor solution, int iterations, double error, boolean converged) {
    this(solution, iterations, error, converged, Degeneracy.none());
  }

  /** Whether the solution sits at a kink of the solution map (see {@link #degeneracy()}). */
  public boolean degenerate() {
    return degeneracy.isDegenerate();
  }

  /** The same result with another solution tensor (for example the differentiable one). */
  SolverResult withSolution(Tensor x) {
    return new SolverResult(x, iterations, error, converged, degeneracy);
  }

  /** The same result with a degeneracy report. */
  SolverResult withDegeneracy(Degeneracy d) {
    return new SolverResult(solution, iterations, error, converged, d);
  }

  /** The solution, or a {@link NotConvergedException} saying how far the solver got. */
  public Tensor orThrow() {
    if (!converged)
      throw new NotConvergedException("no convergence after " + iterations + " iterations, error " + error
          + "; raise maxIterations, loosen tol, or change the step size");
    return solution;
  }
}
