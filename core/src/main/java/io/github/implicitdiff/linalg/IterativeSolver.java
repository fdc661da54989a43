package io.github.implicitdiff.linalg;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A Krylov solver for (A + εI) x = b, configured by immutable withers: each {@code withX} returns a new
 * solver and leaves this one unchanged. Stopping criterion: the relative residual ‖b − (A + εI) x‖ / ‖b‖
 * ≤ tol, where the final residual is recomputed from x (a true residual, not the recursively updated one).
 * By default a solver that misses its tolerance throws {@link NotConvergedException}; {@link #reporting()}
 * makes it return the unconverged {@link LinearSolution} instead. b = 0 returns x = 0 at once.
 *
 * <pre>{@code
 * LinearSolution s = LinearSolvers.cg().withTol(1e-8).withMaxIterations(500).withRidge(1e-6)
 *     .withPreconditioner(Preconditioners.jacobi(diagonal)).reporting().solve(A, b);
 * }</pre>
 *
 * @param <S> the concrete solver type, returned by the withers
 */
public abstract class IterativeSolver<S extends IterativeSolver<S>> implements Preconditionable {
  /** Default relative-residual tolerance, 1e-10. */
  public static final double DEFAULT_TOL = 1e-10;

  /**
   * How often an iteration may be restarted from a freshly computed true residual after its recursive
   * residual claimed convergence (guards against the drift between the two).
   */
  static final int MAX_REFINEMENTS = 8;

  final IterativeSettings settings;

  IterativeSolver(IterativeSettings settings) {
    this.settings = settings;
  }

  /** The same solver with other settings. */
  abstract S with(IterativeSettings settings);

  /** The name used in results and messages, e.g. "cg". */
  public abstract String method();

  /** The iteration budget used when none was set, for an operator of size n. */
  abstract int defaultMaxIterations(int n);

  /**
   * One pass of the method from the true residual r = b − (A + εI) x (norm rNorm, both modified in place),
   * run until its own residual estimate reaches tol·bNorm, the budget, a restart point or a breakdown.
   * {@code iterations} counts the iterations before this pass.
   */
  abstract Pass pass(CheckedOperator A, double[] r, double rNorm, double[] x, double bNorm, double tol, int maxIterations,
      int iterations);

  /** What a pass returns: the iteration count after it, and the breakdown that ended it (null if none). */
  record Pass(int iterations, String breakdown) {}

  /** Why the iteration stopped when a pass did not lower the true residual (or the restarts ran out). */
  abstract String stagnation(String lastBreakdown);

  /** How many passes may start from a true residual (unlimited unless a method caps its refinements). */
  int maxPasses() {
    return Integer.MAX_VALUE;
  }

  /**
   * Runs passes from x (modified in place), each from a freshly computed true residual, until that residual
   * meets the tolerance, the budget is spent, or a pass fails to lower it (stagnation); the outcome's residual
   * norm is the true ‖b − (A + εI) x‖ of the returned x.
   */
  final Outcome iterate(CheckedOperator A, double[] b, double[] x, double bNorm, double tol, int maxIterations) {
    int iterations = 0;
    double previousStart = Double.POSITIVE_INFINITY;
    String lastBreakdown = null;
    for (int passes = 0; ; passes++) {
      double[] r = A.residual(b, x, iterations);
      double rNorm = Vectors.norm(r);
      if (rNorm <= tol * bNorm || iterations >= maxIterations) return new Outcome(x, iterations, rNorm, null);
      if (passes >= maxPasses() || rNorm >= previousStart) return new Outcome(x, iterations, rNorm, stagnation(lastBreakdown));
      previousStart = rNorm;
      Pass pass = pass(A, r, rNorm, x, bNorm, tol, maxIterations, iterations);
      iterations = pass.iterations();
      lastBreakdown = pass.breakdown();
    }
  }

  /** What an iteration returns: the solution, iterations used, its true residual norm, and why it stopped if unconverged. */
  record Outcome(double[] x, int iterations, double residualNorm, String note) {}

  // ------------------------------------------------------------------------------------ withers

  /** Relative-residual tolerance (default 1e-10); must be positive. */
  public S withTol(double tol) {
    if (!(tol > 0) || !Double.isFinite(tol))
      throw new IllegalArgumentException(method() + ": tol must be a positive finite number, got " + tol);
    return with(settings.withTol(tol));
  }

  /** Iteration budget (each iteration is one product with A; default: see the solver). */
  public S withMaxIterations(int maxIterations) {
    if (maxIterations < 1)
      throw new IllegalArgumentException(method() + ": maxIterations must be at least 1, got " + maxIterations);
    return with(settings.withMaxIterations(maxIterations));
  }

  /** Solves (A + εI) x = b instead of A x = b (default ε = 0); ε must be finite (and ≥ 0 for CG). */
  public S withRidge(double epsilon) {
    if (!Double.isFinite(epsilon))
      throw new IllegalArgumentException(method() + ": ridge must be finite, got " + epsilon);
    return with(settings.withRidge(epsilon));
  }

  /** Uses z = M⁻¹ r as preconditioner (default none). */
  @Override
  public S withPreconditioner(Preconditioner preconditioner) {
    return with(settings.withPreconditioner(CheckedOperator.present(method(), "preconditioner", preconditioner)));
  }

  /** Returns unconverged solutions (converged = false) instead of throwing {@link NotConvergedException}. */
  public S reporting() {
    return with(settings.withReporting(true));
  }

  /** Throws {@link NotConvergedException} when the tolerance is missed (the default). */
  public S throwing() {
    return with(settings.withReporting(false));
  }

  public double tol() {
    return settings.tol();
  }

  public double ridge() {
    return settings.ridge();
  }

  public boolean isReporting() {
    return settings.reporting();
  }

  /** The iteration budget for an operator of size n. */
  public int maxIterations(int n) {
    return settings.maxIterations() != null ? settings.maxIterations() : defaultMaxIterations(n);
  }

  // ------------------------------------------------------------------------------------ solve

  @Override
  public final LinearSolution solve(LinearOperator A, Tensor b, Tensor x0) {
    double[] bValues = CheckedOperator.requireProblem(method(), A, b);
    int n = bValues.length;
    double bNorm = Vectors.norm(bValues);
    if (bNorm == 0) return new LinearSolution(Tensor.zeros(n), 0, 0, true, method());
    double[] x = x0 == null ? new double[n] : CheckedOperator.requireRightHandSide(method(), A, x0, "x0");
    CheckedOperator op = new CheckedOperator(method(), A, settings.ridge(), settings.preconditioner());
    int budget = maxIterations(n);
    Outcome outcome = iterate(op, bValues, x, bNorm, settings.tol(), budget);
    double relative = outcome.residualNorm() / bNorm;
    boolean converged = relative <= settings.tol();
    if (!converged && !settings.reporting())
      throw new NotConvergedException(method() + ": no convergence after " + outcome.iterations() + " iterations (budget "
          + budget + "), relative residual " + relative + " > tol " + settings.tol()
          + (outcome.note() == null ? "" : " (" + outcome.note() + ")")
          + "; raise maxIterations, loosen tol, add a ridge term or a preconditioner, or call reporting() to get the unconverged solution");
    return new LinearSolution(Tensor.of(outcome.x()), outcome.iterations(), relative, converged, method());
  }

  @Override
  public String toString() {
    return method() + "(tol=" + settings.tol() + ", maxIterations=" + (settings.maxIterations() == null ? "default" : settings.maxIterations())
        + ", ridge=" + settings.ridge() + ", preconditioner=" + (settings.preconditioner() == null ? "none" : "set")
        + (settings.reporting() ? ", reporting" : "") + ")";
  }
}
