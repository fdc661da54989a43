package io.github.implicitdiff.optimality;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A proximal operator with its hyperparameters explicit:
 * prox_{η g(·, θ)}(x) = argmin_z ½‖z − x‖² + η g(z, θ), written in tensor operations so that it
 * differentiates in x and θ.
 *
 * <p>A minimal local interface: no {@code prox} package exists on this branch yet. When one is merged,
 * this interface should move there (or be replaced by the one it defines).
 *
 * <pre>{@code
 * // soft thresholding, the prox of η λ‖·‖₁ with θ = (λ)
 * ProximalOperator softThreshold = (x, eta, theta) ->
 *     x.sign().mul(x.abs().sub(theta[0].mul(eta)).relu());
 * }</pre>
 */
@FunctionalInterface
public interface ProximalOperator {
  /**
   * @param x the point, not modified
   * @param scaling η > 0, the step size multiplying g
   * @param theta hyperparameters of g
   */
  Tensor apply(Tensor x, double scaling, Tensor... theta);
}
