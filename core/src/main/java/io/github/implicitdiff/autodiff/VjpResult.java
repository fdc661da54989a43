package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** Outputs of a function and its pullback, as returned by {@link AD#vjp(MultiFunction, Tensor...)}. */
public record VjpResult(Tensor[] value, Pullback pullback) {
  /** The single output. */
  public Tensor out() {
    return value[0];
  }
}
