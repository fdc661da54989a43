package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Gradient descent on a smooth objective: min_x f(x, θ).
 *
 * <p>One iteration: x_{k+1} = y_k − η ∇₁f(y_k, θ), with y_k = x_k, or with Nesterov acceleration the
 * extrapolation y_k = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1}) (adaptively restarted). η is fixed or
 * found by backtracking on the Armijo condition f(y − η∇f) ≤ f(y) − (η/2)‖∇f(y)‖² ({@link StepSize}).
 * Stopping criterion: error = rms(∇₁f(x, θ)) / max(1, rms(x)) ≤ tol at the returned x.
 * Optimality condition: stationarity F(x, θ) = ∇₁f(x, θ), whose Jacobian ∇²₁f is symmetric, so the
 * implicit system is solved by CG by default (positive definite for a strongly convex f).
 *
 * <p>θ convention: every θ goes to the objective, f(x, θ...).
 *
 * <pre>{@code
 * // ridge: f(w, λ) = ½‖Xw − y‖²/n + ½λ‖w‖²
 * Objective f = (w, th) -> X.matmul(w).sub(y).square().mean().mul(0.5).add(th[0].mul(w.square().sum()).mul(0.5));
 * GradientDescent gd = GradientDescent.of(f).withAcceleration(true);
 * Tensor w = gd.run(Tensor.zeros(d), Tensor.scalar(0.1)).orThrow();
 * Tensor dw = AD.jacobian(lam -> gd.run(Tensor.zeros(d), lam).orThrow(), Tensor.scalar(0.1));   // implicit
 * }</pre>
 */
public final class GradientDescent extends SmoothMinimizer<GradientDescent> {
  private final StepSize stepSize;
  private final boolean accelerated;

  private GradientDescent(OptimizerSettings settings, Objective f, StepSize stepSize, boolean accelerated) {
    super(settings, f);
    this.stepSize = stepSize;
    this.accelerated = accelerated;
  }

  /** Gradient descent on f with backtracking from η = 1, no acceleration, at most 10 000 iterations. */
  public static GradientDescent of(Objective f) {
    if (f == null) throw new IllegalArgumentException("GradientDescent: the objective must not be null");
    return new GradientDescent(OptimizerSettings.defaults(10_000), f, StepSize.backtracking(), false);
  }

  @Override
  GradientDescent with(OptimizerSettings s) {
    return new GradientDescent(s, f, stepSize, accelerated);
  }

  /** The step size rule (default {@link StepSize#backtracking()}). */
  public GradientDescent withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException("GradientDescent: stepSize must not be null");
    return new GradientDescent(settings, f, value, accelerated);
  }

  /** Nesterov acceleration with adaptive restart (default off). */
  public GradientDescent withAcceleration(boolean value) {
    return new GradientDescent(settings, f, stepSize, value);
  }

  public StepSize stepSize() {
    return stepSize;
  }

  public boolean accelerated() {
    return accelerated;
  }

  @Override
  public String name() {
    return "GradientDescent";
  }

  @Override
  String remedies() {
    return FirstOrderLoop.remedies(stepSize, accelerated, true);
  }



  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    FirstOrderLoop loop = new FirstOrderLoop(name(), f, Geometry.euclidean((v, eta, th) -> v), stepSize, accelerated,
        maxIterations(), tol(), 1 / stepSize.reference(), checkpointing());
    return solve(init, theta, (x0, th) -> loop.run(x0, th, new Tensor[0]));
  }
}
