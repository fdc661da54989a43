package io.github.implicitdiff.optimality;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A Euclidean projection onto a set C(θ) with its hyperparameters explicit:
 * proj_{C(θ)}(x) = argmin_{z ∈ C(θ)} ‖z − x‖², written in tensor operations.
 *
 * <pre>{@code
 * Projection box = (x, theta) -> x.clip(theta[0], theta[1]);    // C(θ) = [lo, hi]
 * }</pre>
 */
@FunctionalInterface
public interface Projection {
  Tensor apply(Tensor x, Tensor... theta);
}
