package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** A function of several tensors to one tensor. */
@FunctionalInterface
public interface MultiInputFunction {
  Tensor apply(Tensor... x);
}
