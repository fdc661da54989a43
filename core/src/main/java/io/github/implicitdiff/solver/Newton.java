package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.Pushforward;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LineSearches.Point;
import io.github.implicitdiff.solver.LineSearches.Step;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Damped Newton's method for min_x f(x, θ), f twice differentiable (x of any shape).
 *
 * <p>One iteration: the Newton direction d solves ∇²f(x_k) d = −∇f(x_k) by truncated conjugate gradient
 * (stopping at relative residual η_k = min(0.5, √‖∇f‖), superlinear convergence, or with full steps
 * η_k = min(0.5, ‖∇f‖), quadratic (Nocedal and Wright, Theorem 7.2); or at negative curvature, where the steepest
 * descent direction or the CG iterate so far is used), with Hessian products either through ∇f recorded once
 * per iteration ({@link HessianMode#PRODUCTS}, matrix-free, the default: each product is a pushforward of
 * {@link AD#linearize}, not a new evaluation of f) or by a dense Hessian built once per iteration
 * ({@link HessianMode#DENSE}, for small n); then x_{k+1} = x_k + α_k d with α_k from the line search
 * (Armijo from α = 1 by default; {@link LineSearch#fullStep()}: α = 1 without a search, to polish a solution to
 * rounding level). CG is written in tensor operations, so the unrolled mode differentiates through it.
 * Optimality condition: stationarity F(x, θ) = ∇₁f(x, θ) (CG for the implicit system by default).
 * Stopping criterion: error = rms(∇₁f(x, θ)) / max(1, rms(x)) ≤ tol.
 *
 * <p>θ convention: every θ goes to the objective, f(x, θ...).
 *
 * <pre>{@code
 * Newton newton = Newton.of(f).withHessianMode(Newton.HessianMode.DENSE);
 * Tensor x = newton.run(Tensor.zeros(n), theta).orThrow();
 * // full steps from an L-BFGS solution: ∇f to rounding level in two or three steps
 * Tensor polished = newton.withLineSearch(LineSearch.fullStep()).withTol(1e-13).run(x, theta).orThrow();
 * }</pre>
 */
public final class Newton extends SmoothMinimizer<Newton> {
  /** How Hessian products are formed. */
  public enum HessianMode {
    /** Hessian-vector products by forward-over-reverse AD, one per CG iteration. */
    PRODUCTS,
    /** The dense n×n Hessian (n products) once per iteration, then matrix products. */
    DENSE
  }

  private final LineSearch lineSearch;
  private final HessianMode hessianMode;

  private Newton(OptimizerSettings settings, Objective f, LineSearch lineSearch, HessianMode hessianMode) {
    super(settings, f);
    this.lineSearch = lineSearch;
    this.hessianMode = hessianMode;
  }

  /** Newton with Hessian-vector products, Armijo line search, at most 100 iterations. */
  public static Newton of(Objective f) {
    if (f == null) throw new IllegalArgumentException("Newton: the objective must not be null");
    return new Newton(OptimizerSettings.defaults(100), f, LineSearch.armijo(), HessianMode.PRODUCTS);
  }

  @Override
  Newton with(OptimizerSettings s) {
    return new Newton(s, f, lineSearch, hessianMode);
  }

  /** The line search (default {@link LineSearch#armijo()} from α = 1; {@link LineSearch#fullStep()} for none). */
  public Newton withLineSearch(LineSearch value) {
    if (value == null) throw new IllegalArgumentException("Newton: lineSearch must not be null");
    return new Newton(settings, f, value, hessianMode);
  }

  /** Hessian products by AD (default) or through a dense Hessian. */
  public Newton withHessianMode(HessianMode value) {
    if (value == null) throw new IllegalArgumentException("Newton: hessianMode must not be null");
    return new Newton(settings, f, lineSearch, value);
  }

  public LineSearch lineSearch() {
    return lineSearch;
  }

  public HessianMode hessianMode() {
    return hessianMode;
  }

  @Override
  public String name() {
    return "Newton";
  }

  @Override
  String remedies() {
    return "Newton needs few iterations once close to a minimum, so a used-up budget means it is not getting there: start"
        + " closer, make f strongly convex near the solution (a ridge term), or use LBFGS; if the error stalled just above"
        + " tol, loosen tol";
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    return solve(init, theta, (x0, th) -> DescentLoop.run(name(), f, lineSearch, maxIterations(), tol(), x0, th,
        new NewtonDirection(), checkpointing()));
  }

  private final class NewtonDirection implements DescentLoop.DirectionRule {
    @Override
    public Tensor direction(Point p, Tensor[] theta, int k) {
      Tensor x = p.x();
      int[] shape = x.shape();
      UnaryOperator<Tensor> hessian;
      if (hessianMode == HessianMode.DENSE) {
        Tensor H = AD.hessian(z -> f.apply(z.reshape(shape), theta), x.flatten());
        hessian = v -> H.matmul(v.flatten()).reshape(shape);
      } else {
        // ∇f recorded once per iteration; each CG product pushes v forward through it (forward over reverse
        // without evaluating f again)
        Pushforward hvp = AD.linearize(z -> new Tensor[] {AD.grad(y -> f.apply(y, theta), z[0])}, x).pushforward();
        hessian = v -> hvp.apply(v)[0];
      }
      Tensor b = p.grad().neg();
      // full steps are for the local regime, where solving to η_k = O(‖∇f‖) buys quadratic convergence
      double forcing = Math.min(0.5, lineSearch instanceof LineSearch.FullStep ? b.norm2() : Math.sqrt(b.norm2()));
      return TruncatedConjugateGradient.solve(hessian, b, forcing, 2 * x.size() + 10);
    }

    @Override
    public double initialStep(Point p, Tensor d, int k) {
      return 1;
    }

    @Override
    public void accepted(Point from, Tensor d, Step step) {}
  }
}
