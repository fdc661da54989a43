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
 *
 * <p>{@code source} says which solver produced the result, with its tolerance, iteration budget and the
 * remedies that fit it, so that {@link #orThrow()} can say what to change. The library's solvers attach it
 * (every {@link Optimizer} does, in its shared run); a result built with the shorter constructors has
 * {@link Source#unknown()}.
 *
 * <pre>{@code
 * Broyden.of(F).run(x0, theta).orThrow();
 * // NotConvergedException: Broyden: no convergence after 200 iterations (its budget, maxIterations 200),
 * //   error 2.7 > tol 1.0E-10; Broyden takes full steps without a line search or damping: start closer ...
 * }</pre>
 */
public record SolverResult(Tensor solution, int iterations, double error, boolean converged, Degeneracy degeneracy,
    Source source) {

  public SolverResult {
    if (degeneracy == null) throw new IllegalArgumentException("SolverResult: degeneracy must not be null; use Degeneracy.none()");
    if (source == null) throw new IllegalArgumentException("SolverResult: source must not be null; use Source.unknown()");
  }

  /** A result from an unnamed solver ({@link Source#unknown()}). */
  public SolverResult(Tensor solution, int iterations, double error, boolean converged, Degeneracy degeneracy) {
    this(solution, iterations, error, converged, degeneracy, Source.unknown());
  }

  /** A result with no degeneracy information ({@link Degeneracy#none()}) from an unnamed solver. */
  public SolverResult(Tensor solution, int iterations, double error, boolean converged) {
    this(solution, iterations, error, converged, Degeneracy.none());
  }

  /**
   * The solver a result comes from, as its failure message names it: its name, its tolerance on
   * {@code error}, its iteration budget, and what to change when it does not converge (each solver's own
   * remedies: a step size for first-order methods, the tolerance for line-search methods, another method
   * for undamped root finders...).
   *
   * <pre>{@code
   * SolverResult r = LBFGS.of(f).withMaxIterations(3).run(x0, theta);
   * r.source().solver();   // "LBFGS"
   * r.source().tol();      // 1e-8
   * }</pre>
   *
   * @param solver the solver's name ({@link Optimizer#name()}), or "solver" when unknown
   * @param tol the tolerance the error was compared with; NaN when unknown
   * @param maxIterations the iteration budget; 0 when unknown
   * @param remedies what to try when the solver did not converge, as a sentence fragment
   */
  public record Source(String solver, double tol, int maxIterations, String remedies) {
    private static final Source UNKNOWN = new Source("solver", Double.NaN, 0,
        "raise maxIterations, loosen tol, or (for a first-order method) change the step size");

    public Source {
      if (solver == null || remedies == null)
        throw new IllegalArgumentException("SolverResult.Source: solver and remedies must not be null");
    }

    /** No solver named: what results built by hand carry. */
    public static Source unknown() {
      return UNKNOWN;
    }

    /** "after k iterations (its budget, maxIterations N)", or "(stopped before its budget of N)", or nothing when unknown. */
    String iterationsPhrase(int iterations) {
      String after = "no convergence after " + iterations + " iterations";
      if (maxIterations <= 0) return after;
      return after + (iterations < maxIterations ? " (it stopped before its budget of " + maxIterations + " iterations)"
          : " (its budget, maxIterations " + maxIterations + ")");
    }
  }

  /** Whether the solution sits at a kink of the solution map (see {@link #degeneracy()}). */
  public boolean degenerate() {
    return degeneracy.isDegenerate();
  }

  /** The same result with another solution tensor (for example the differentiable one). */
  SolverResult withSolution(Tensor x) {
    return new SolverResult(x, iterations, error, converged, degeneracy, source);
  }

  /** The same result with a degeneracy report. */
  SolverResult withDegeneracy(Degeneracy d) {
    return new SolverResult(solution, iterations, error, converged, d, source);
  }

  /** The same result attributed to a solver. */
  SolverResult withSource(Source s) {
    return new SolverResult(solution, iterations, error, converged, degeneracy, s);
  }

  /**
   * The solution, or a {@link NotConvergedException} naming the solver, the iterations (and whether it used
   * its whole budget), the error and the tolerance, with the remedies that fit that solver (see {@link Source}).
   */
  public Tensor orThrow() {
    if (!converged) {
      String tol = Double.isNaN(source.tol()) ? "" : " > tol " + source.tol();
      String prefix = source == Source.unknown() ? "" : source.solver() + ": ";
      throw new NotConvergedException(prefix + source.iterationsPhrase(iterations) + ", error " + error + tol + "; "
          + source.remedies());
    }
    return solution;
  }
}
