package io.github.implicitdiff.solver;

/**
 * How a first-order solver chooses its step size η: a fixed value, or backtracking.
 *
 * <p>Backtracking accepts the trial point z = T_η(x) when the objective's quadratic (or Bregman)
 * upper bound holds, f(z) ≤ f(x) + ⟨∇f(x), z − x⟩ + D(z, x)/η, with D(z, x) = ½‖z − x‖² (Euclidean) or
 * KL(z‖x) (mirror descent) — for gradient descent this is the Armijo condition
 * f(x − η∇f) ≤ f(x) − (η/2)‖∇f‖². To stay reliable when f(z) − f(x) falls to round-off near the
 * solution, the gradient form ⟨∇f(z) − ∇f(x), z − x⟩ ≤ D(z, x)/η (which implies the first for convex f)
 * also accepts. Otherwise η ← shrink·η; after an accepted step the next one starts from growth·η.
 *
 * <pre>{@code
 * StepSize fixed = StepSize.fixed(0.1);
 * StepSize search = StepSize.backtracking().withInitial(10).withShrink(0.5);
 * }</pre>
 */
public sealed interface StepSize permits StepSize.Fixed, StepSize.Backtracking {

  /** A fixed step η (for an L-smooth f, η ≤ 1/L converges). */
  static Fixed fixed(double value) {
    return new Fixed(value);
  }

  /** Backtracking from η = 1, shrink 0.5, no growth, at most 60 shrinks per iteration. */
  static Backtracking backtracking() {
    return new Backtracking(1.0, 0.5, 1.0, 60);
  }

  /**
   * The step η used in the solver's optimality condition (a fixed-point map T_η): the fixed value, or
   * the backtracking's initial step. At the solution the condition holds for every η.
   */
  double reference();

  /** A description for messages. */
  String describe(double current);

  /** A fixed step size η &gt; 0. */
  record Fixed(double value) implements StepSize {
    public Fixed {
      if (!(value > 0) || !Double.isFinite(value))
        throw new IllegalArgumentException("StepSize.fixed: the step must be positive and finite, got " + value);
    }

    @Override
    public double reference() {
      return value;
    }

    @Override
    public String describe(double current) {
      return "fixed step size " + value;
    }
  }

  /**
   * Backtracking: start each iteration from the previous accepted step times {@code growth}
   * (the first from {@code initial}), multiply by {@code shrink} until the sufficient decrease test holds.
   *
   * @param initial first trial step, &gt; 0
   * @param shrink factor in (0, 1)
   * @param growth factor ≥ 1 applied to the accepted step before the next iteration (1: non-increasing steps)
   * @param maxShrinks bound on the shrinks per iteration, ≥ 1
   */
  record Backtracking(double initial, double shrink, double growth, int maxShrinks) implements StepSize {
    public Backtracking {
      if (!(initial > 0) || !Double.isFinite(initial))
        throw new IllegalArgumentException("StepSize.backtracking: initial step must be positive and finite, got " + initial);
      if (!(shrink > 0 && shrink < 1))
        throw new IllegalArgumentException("StepSize.backtracking: shrink must be in (0, 1), got " + shrink);
      if (!(growth >= 1) || !Double.isFinite(growth))
        throw new IllegalArgumentException("StepSize.backtracking: growth must be ≥ 1 and finite, got " + growth);
      if (maxShrinks < 1)
        throw new IllegalArgumentException("StepSize.backtracking: maxShrinks must be ≥ 1, got " + maxShrinks);
    }

    public Backtracking withInitial(double value) {
      return new Backtracking(value, shrink, growth, maxShrinks);
    }

    public Backtracking withShrink(double value) {
      return new Backtracking(initial, value, growth, maxShrinks);
    }

    public Backtracking withGrowth(double value) {
      return new Backtracking(initial, shrink, value, maxShrinks);
    }

    public Backtracking withMaxShrinks(int value) {
      return new Backtracking(initial, shrink, growth, value);
    }

    @Override
    public double reference() {
      return initial;
    }

    @Override
    public String describe(double current) {
      return "backtracking step size " + current;
    }
  }
}
