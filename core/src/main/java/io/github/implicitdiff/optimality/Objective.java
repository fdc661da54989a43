package io.github.implicitdiff.optimality;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A scalar objective f(x, θ...) written in tensor operations; θ are explicit arguments (data,
 * hyperparameters) so that solutions can be differentiated with respect to them.
 *
 * <pre>{@code
 * Objective ridge = (w, th) -> X.matmul(w).sub(y).square().mean().mul(0.5).add(th[0].mul(w.square().sum()).mul(0.5));
 * }</pre>
 */
@FunctionalInterface
public interface Objective {
  Tensor apply(Tensor x, Tensor... theta);
}
