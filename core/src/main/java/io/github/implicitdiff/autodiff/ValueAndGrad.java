package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** A scalar value and its gradient(s), one per input. */
public record ValueAndGrad(Tensor value, Tensor[] grads) {
  /** The gradient of the single (or first) input. */
  public Tensor grad() {
    return grads[0];
  }
}
