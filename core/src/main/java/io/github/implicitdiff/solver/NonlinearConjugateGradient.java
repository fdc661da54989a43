package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LineSearches.Point;
import io.github.implicitdiff.solver.LineSearches.Step;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Nonlinear conjugate gradient, Polak–Ribière+ (Nocedal and Wright, eq. 5.45), for min_x f(x, θ), f smooth.
 *
 * <p>One iteration: x_{k+1} = x_k + α_k d_k with α_k from the line search (strong Wolfe with c₂ = 0.1
 * by default), then d_{k+1} = −g_{k+1} + β_{k+1} d_k, β_{k+1} = max(0, g_{k+1}ᵀ(g_{k+1} − g_k) / g_kᵀg_k);
 * a direction that is not a descent direction restarts with −g. The first trial step is
 * α_{k−1} g_{k−1}ᵀd_{k−1} / g_kᵀd_k (eq. 3.60). Written in tensor operations for the unrolled mode.
 * Optimality condition: stationarity F(x, θ) = ∇₁f(x, θ) (CG for the implicit system by default).
 * Stopping criterion: error = rms(∇₁f(x, θ)) / max(1, rms(x)) ≤ tol.
 *
 * <p>θ convention: every θ goes to the objective, f(x, θ...).
 *
 * <pre>{@code
 * NonlinearConjugateGradient ncg = NonlinearConjugateGradient.of(f);
 * Tensor x = ncg.run(Tensor.zeros(n), theta).orThrow();
 * }</pre>
 */
public final class NonlinearConjugateGradient extends SmoothMinimizer<NonlinearConjugateGradient> {
  private final LineSearch lineSearch;

  private NonlinearConjugateGradient(OptimizerSettings settings, Objective f, LineSearch lineSearch) {
    super(settings, f);
    this.lineSearch = lineSearch;
  }

  /** PR+ with a strong Wolfe search (c₂ = 0.1), at most 5 000 iterations. */
  public static NonlinearConjugateGradient of(Objective f) {
    if (f == null) throw new IllegalArgumentException("NonlinearConjugateGradient: the objective must not be null");
    return new NonlinearConjugateGradient(OptimizerSettings.defaults(5_000), f, LineSearch.wolfe().withC2(0.1));
  }

  @Override
  NonlinearConjugateGradient with(OptimizerSettings s) {
    return new NonlinearConjugateGradient(s, f, lineSearch);
  }

  /** The line search (default strong Wolfe, c₂ = 0.1). */
  public NonlinearConjugateGradient withLineSearch(LineSearch value) {
    if (value == null) throw new IllegalArgumentException("NonlinearConjugateGradient: lineSearch must not be null");
    LineSearches.requireSearching(name(), value);
    return new NonlinearConjugateGradient(settings, f, value);
  }

  public LineSearch lineSearch() {
    return lineSearch;
  }

  @Override
  public String name() {
    return "NonlinearConjugateGradient";
  }

  @Override
  String remedies() {
    return "use LBFGS, which needs fewer iterations on most problems, or " + DescentLoop.LINE_SEARCH_REMEDIES;
  }



  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    return solve(init, theta, (x0, th) -> DescentLoop.run(name(), f, lineSearch, maxIterations(), tol(), x0, th,
        new PolakRibierePlus(), checkpointing()));
  }

  private static final class PolakRibierePlus implements DescentLoop.DirectionRule {
    private Tensor previousDirection, previousGrad;
    private double previousSlopeTimesStep = Double.NaN;

    /** d_{k−1} and ∇f(x_{k−1}), those that are set (reset() clears the direction, the first step sets both). */
    @Override
    public Tensor[] carried() {
      return previousDirection != null ? new Tensor[] {previousDirection, previousGrad}
          : previousGrad != null ? new Tensor[] {previousGrad} : new Tensor[0];
    }

    @Override
    public DescentLoop.DirectionRule restore(Tensor[] carried) {
      PolakRibierePlus copy = new PolakRibierePlus();
      copy.previousSlopeTimesStep = previousSlopeTimesStep;
      if (previousDirection != null) copy.previousDirection = carried[0];
      if (previousGrad != null) copy.previousGrad = carried[carried.length - 1];
      return copy;
    }

    @Override
    public Tensor direction(Point p, Tensor[] theta, int k) {
      if (previousDirection == null) return p.grad().neg();
      Tensor g = p.grad();
      Tensor beta = g.mul(g.sub(previousGrad)).sum().div(previousGrad.square().sum()).maximum(0.0);
      return g.neg().add(previousDirection.mul(beta));
    }

    @Override
    public double initialStep(Point p, Tensor d, int k) {
      if (Double.isNaN(previousSlopeTimesStep)) return DescentLoop.cautiousStep(d);
      double alpha = previousSlopeTimesStep / p.grad().vdot(d);
      return alpha > 0 && Double.isFinite(alpha) ? Math.min(alpha, 1e10) : 1;
    }

    @Override
    public void accepted(Point from, Tensor d, Step step) {
      previousDirection = d;
      previousGrad = from.grad();
      previousSlopeTimesStep = step.alpha() * from.grad().vdot(d);
    }

    @Override
    public void reset() {
      previousDirection = null;
      previousSlopeTimesStep = Double.NaN;
    }
  }
}
