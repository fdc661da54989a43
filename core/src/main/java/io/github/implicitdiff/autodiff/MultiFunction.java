package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** A function of several tensors to several tensors. */
@FunctionalInterface
public interface MultiFunction {
  Tensor[] apply(Tensor... x);
}
