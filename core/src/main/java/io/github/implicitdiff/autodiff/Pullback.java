package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** The linear map g ↦ gᵀ ∂f(x) recorded by a reverse-mode evaluation; may be called many times. */
@FunctionalInterface
public interface Pullback {
  /** Cotangents of the inputs for cotangents {@code g} of the outputs (one per output, shapes equal). */
  Tensor[] apply(Tensor... g);
}
