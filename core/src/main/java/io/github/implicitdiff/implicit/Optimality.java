package io.github.implicitdiff.implicit;

import io.github.implicitdiff.tensor.Tensor;

/**
 * An optimality condition F(x, θ) = 0 satisfied by the solution x*(θ), written in tensor operations.
 * F(x, θ) must have x's shape. Examples: a gradient ∇₁f(x, θ), a fixed-point residual T(x, θ) − x.
 *
 * <pre>{@code
 * Optimality F = (w, theta) -> X.T().matmul(X.matmul(w).sub(y)).div(n).add(theta[0].mul(w));
 * }</pre>
 */
@FunctionalInterface
public interface Optimality {
  Tensor apply(Tensor x, Tensor... theta);
}
