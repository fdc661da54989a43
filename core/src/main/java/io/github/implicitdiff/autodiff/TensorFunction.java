package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** A function of one tensor to one tensor, written in tensor operations. */
@FunctionalInterface
public interface TensorFunction {
  Tensor apply(Tensor x);
}
