package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** A VJP rule: the input cotangents (one per input, shapes of x) for inputs x, output out and output cotangent g. */
@FunctionalInterface
public interface CustomVjpRule {
  Tensor[] apply(Tensor[] x, Tensor out, Tensor g);
}
