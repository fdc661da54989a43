package io.github.implicitdiff.solver;

/**
 * How a descent-direction method (L-BFGS, nonlinear CG, Newton) picks the step α along a direction d,
 * for φ(α) = f(x + αd, θ):
 * <ul>
 *   <li>{@link Armijo}: backtracking from the initial trial until the sufficient decrease
 *       φ(α) ≤ φ(0) + c₁αφ'(0);</li>
 *   <li>{@link StrongWolfe}: bracketing and zoom (Nocedal and Wright, Algorithms 3.5–3.6) until also
 *       |φ'(α)| ≤ c₂|φ'(0)|, which keeps L-BFGS updates positive definite.</li>
 * </ul>
 * Both also accept Hager and Zhang's approximate Wolfe conditions (2005, eq. 4.1),
 * σφ'(0) ≤ φ'(α) ≤ (2δ − 1)φ'(0) with φ(α) ≤ φ(0) + 1e-10|φ(0)|, so that steps stay possible once
 * f's decrease falls below round-off near the solution. A search that exhausts its evaluations throws
 * {@link io.github.implicitdiff.linalg.NotConvergedException}.
 *
 * <pre>{@code
 * LBFGS solver = LBFGS.of(f).withLineSearch(LineSearch.wolfe().withC2(0.5));
 * Newton newton = Newton.of(f).withLineSearch(LineSearch.armijo());
 * }</pre>
 */
public sealed interface LineSearch permits LineSearch.Armijo, LineSearch.StrongWolfe {

  /** Armijo backtracking: c₁ = 1e-4, shrink 0.5, at most 60 evaluations. */
  static Armijo armijo() {
    return new Armijo(1e-4, 0.5, 60);
  }

  /** Strong Wolfe: c₁ = 1e-4, c₂ = 0.9, at most 60 evaluations. */
  static StrongWolfe wolfe() {
    return new StrongWolfe(1e-4, 0.9, 60);
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
}
