package io.github.implicitdiff.optimality;

import io.github.implicitdiff.tensor.Tensor;

/**
 * A constraint function c(x, θ) with values a vector (or any tensor): H(x, θ) = 0 for equality
 * constraints, G(x, θ) ≤ 0 (elementwise) for inequality constraints.
 *
 * <pre>{@code
 * Constraint sumToOne = (x, theta) -> x.sum().sub(1).reshape(1);   // H(x) = 1ᵀx − 1
 * Constraint nonNegative = (x, theta) -> x.neg();                    // G(x) = −x ≤ 0
 * }</pre>
 */
@FunctionalInterface
public interface Constraint {
  Tensor apply(Tensor x, Tensor... theta);
}
