package io.github.implicitdiff.implicit;

import io.github.implicitdiff.tensor.Tensor;

/** A map T(x, θ) whose fixed point x = T(x, θ) is the solution; T(x, θ) has x's shape. */
@FunctionalInterface
public interface FixedPointMap {
  Tensor apply(Tensor x, Tensor... theta);
}
