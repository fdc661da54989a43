package io.github.implicitdiff.solver;

/**
 * How a descent-direction method (L-BFGS, nonlinear CG, Newton) picks the step α along a direction d,
 * for φ(α) = f(x + αd, θ):
 * <ul>
 *   <li>{@link Armijo}: backtracking from the initial trial until the sufficient decrease
 *       φ(α) ≤ φ(0) + c₁αφ'(0);</li>
 *   <li>{@link StrongWolfe}: bracketing and zoom (Nocedal and Wright, Algorithms 3.5–3.6) until also
 *       |φ'(α)| ≤ c₂|φ'(0)|, which keeps L-BFGS updates positive definite;</li>
 *   <li>{@link FullStep} (Newton only): no search, α = 1.</li>
 * </ul>
 * Both also accept Hager and Zhang's approximate Wolfe conditions (2005, eq. 4.1),
 * σφ'(0) ≤ φ'(α) ≤ (2δ − 1)φ'(0) with φ(α) ≤ φ(0) + 1e-10|φ(0)|, so that steps stay possible once
 * f's decrease falls below round-off near the solution. A search that exhausts its evaluations throws
 * {@link io.github.implicitdiff.linalg.NotConvergedException}.
 *
 * <pre>{@code
 * LBFGS solver = LBFGS.of(f).withLineSearch(LineSearch.wolfe().withC2(0.5));
 * Newton newton = Newton.of(f).withLineSearch(LineSearch.armijo());
 * Newton polish = Newton.of(f).withLineSearch(LineSearch.fullStep()).withTol(1e-13); // from close to x*
 * }</pre>
 */
public sealed interface LineSearch permits LineSearch.Armijo, LineSearch.StrongWolfe, LineSearch.FullStep {

  /** Armijo backtracking: c₁ = 1e-4, shrink 0.5, at most 60 evaluations. */
  static Armijo armijo() {
    return new Armijo(1e-4, 0.5, 60);
  }

  /** Strong Wolfe: c₁ = 1e-4, c₂ = 0.9, at most 60 evaluations. */
  static StrongWolfe wolfe() {
    return new StrongWolfe(1e-4, 0.9, 60);
  }

  /** Full Newton steps, no search (see {@link FullStep}). */
  static FullStep fullStep() {
    return new FullStep();
  }

  /** The bound on function evaluations per search. */
  int maxEvaluations();

  /** Armijo backtracking with sufficient-decrease constant c₁ ∈ (0, 1) and shrink factor in (0, 1). */
  record Armijo(double c1, double shrink, int maxEvaluations) implements LineSearch {
    public Armijo {
      if (!(c1 > 0 && c1 < 1)) throw new IllegalArgumentException("LineSearch.armijo: c1 must be in (0, 1), got " + c1);
      if (!(shrink > 0 && shrink < 1)) throw new IllegalArgumentException("LineSearch.armijo: shrink must be in (0, 1), got " + shrink);
      if (maxEvaluations < 1) throw new IllegalArgumentException("LineSearch.armijo: maxEvaluations must be ≥ 1, got " + maxEvaluations);
    }

    public Armijo withC1(double value) {
      return new Armijo(value, shrink, maxEvaluations);
    }

    public Armijo withShrink(double value) {
      return new Armijo(c1, value, maxEvaluations);
    }

    public Armijo withMaxEvaluations(int value) {
      return new Armijo(c1, shrink, value);
    }
  }

  /** Strong Wolfe conditions with 0 &lt; c₁ &lt; c₂ &lt; 1. */
  record StrongWolfe(double c1, double c2, int maxEvaluations) implements LineSearch {
    public StrongWolfe {
      if (!(c1 > 0 && c1 < c2 && c2 < 1))
        throw new IllegalArgumentException("LineSearch.wolfe: need 0 < c1 < c2 < 1, got c1 = " + c1 + ", c2 = " + c2);
      if (maxEvaluations < 1) throw new IllegalArgumentException("LineSearch.wolfe: maxEvaluations must be ≥ 1, got " + maxEvaluations);
    }

    public StrongWolfe withC1(double value) {
      return new StrongWolfe(value, c2, maxEvaluations);
    }

    public StrongWolfe withC2(double value) {
      return new StrongWolfe(c1, value, maxEvaluations);
    }

    public StrongWolfe withMaxEvaluations(int value) {
      return new StrongWolfe(c1, c2, value);
    }
  }

  /**
   * No line search, for {@link Newton} only: x_{k+1} = x_k + d_k, the Newton step itself, which converges
   * quadratically from close enough to a minimizer with a nonsingular Hessian (Nocedal and Wright, Theorem 3.5)
   * and keeps going where a line search stalls: once f's decrease falls below its rounding (rms(∇f) near
   * √(rounding of f)), sufficient decrease can no longer be seen, while Newton steps take ∇f on to its own
   * rounding level. Use it to polish a solution (reference solutions for finite differences), not from far away.
   *
   * <p>Checks: a step to a point where f or ∇f is not finite, or one that increases both f (beyond 1e-10·|f|, its
   * rounding) and ‖∇f‖, throws {@link io.github.implicitdiff.tensor.NonFiniteException} naming the iteration:
   * the iterate is outside the region where Newton's method converges (without the check, an objective whose
   * gradient stays bounded as ‖x‖ grows, such as Σ √(1 + x_i²) from |x_i| &gt; 1, would run off to where
   * rms(∇f)/max(1, rms(x)) is below tol and report convergence).
   *
   * <pre>{@code
   * Tensor rough = LBFGS.of(f).withTol(1e-6).run(init, theta).orThrow();
   * Tensor polished = Newton.of(f).withLineSearch(LineSearch.fullStep()).withTol(1e-13).run(rough, theta).orThrow();
   * }</pre>
   */
  record FullStep() implements LineSearch {
    /** One evaluation, at the full step. */
    @Override
    public int maxEvaluations() {
      return 1;
    }
  }
}
