package io.github.implicitdiff.solver;

import io.github.implicitdiff.tensor.Tensor;

/**
 * The residual vector r(x, θ) ∈ ℝᵐ of a nonlinear least-squares problem min_x ½‖r(x, θ)‖², written in
 * tensor operations (its Jacobian comes from automatic differentiation).
 *
 * <pre>{@code
 * ResidualFunction r = (p, th) -> p.index(0, 0).mul(th[0].mul(p.index(0, 1)).exp()).sub(th[1]);  // a·exp(b t) − y
 * }</pre>
 */
@FunctionalInterface
public interface ResidualFunction {
  Tensor apply(Tensor x, Tensor... theta);
}
