package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;

/**
 * Projected gradient for min_{x ∈ C(θ_C)} f(x, θ_f), C a convex set with a Euclidean projection.
 *
 * <p>One iteration: x_{k+1} = proj_{C(θ_C)}(y_k − η∇₁f(y_k, θ_f)), with y_k = x_k or the accelerated
 * (FISTA) extrapolation. η is fixed or found by backtracking on
 * f(z) ≤ f(y) + ⟨∇f(y), z − y⟩ + ‖z − y‖²/(2η) ({@link StepSize}).
 * Optimality condition: F(x, θ) = s · (proj_{C(θ_C)}(x − η₀∇₁f(x, θ_f)) − x), η₀ = {@code stepSize().reference()},
 * s = max(1, 1/η₀) (the larger of the fixed-point residual and the gradient mapping, see {@link ProximalGradient});
 * GMRES solves the implicit system by default.
 * Stopping criterion: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol at the returned x.
 *
 * <p>θ convention: {@code run(init, θ_f..., θ_C...)}: the last {@code projectionParameterCount} tensors are
 * the set's parameters θ_C (a radius, bounds, a simplex size), the others go to the objective.
 *
 * <pre>{@code
 * // min ½‖x − c‖² over the simplex of size s, differentiable in c and s
 * Objective f = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);
 * ProjectedGradient pg = ProjectedGradient.of(f, Projection.simplex(), 1);
 * Tensor x = pg.run(Tensor.full(1.0 / 3, 3), c, Tensor.scalar(1)).orThrow();   // θ_f = (c), θ_C = (s)
 * }</pre>
 */
public final class ProjectedGradient extends ProximalMethod<ProjectedGradient> {
  private final Projection projection;

  private ProjectedGradient(OptimizerSettings settings, Objective f, Projection projection, int projectionParameterCount,
      StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    super(settings, f, (v, eta, params) -> projection.apply(v, params), projectionParameterCount, "projection", stepSize,
        accelerated, activeSet);
    this.projection = projection;
  }

  /**
   * Projected gradient with backtracking from η = 1, no acceleration, at most 10 000 iterations.
   *
   * @param projectionParameterCount how many trailing θ tensors are the set's parameters
   */
  public static ProjectedGradient of(Objective f, Projection projection, int projectionParameterCount) {
    if (f == null || projection == null)
      throw new IllegalArgumentException("ProjectedGradient: objective and projection must not be null");
    Theta.requireCount("ProjectedGradient", projectionParameterCount, "projection");
    return new ProjectedGradient(OptimizerSettings.defaults(10_000), f, projection, projectionParameterCount,
        StepSize.backtracking(), false, null);
  }

  @Override
  ProjectedGradient copy(OptimizerSettings settings, StepSize stepSize, boolean accelerated, ActiveSetReduction activeSet) {
    return new ProjectedGradient(settings, f, projection, operatorParameterCount, stepSize, accelerated, activeSet);
  }

  public int projectionParameterCount() {
    return operatorParameterCount;
  }

  @Override
  public String name() {
    return "ProjectedGradient";
  }
}
