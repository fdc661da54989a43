package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** A JVP rule: the output tangent for inputs x, output out and input tangents dx (zeros, never null). */
@FunctionalInterface
public interface CustomJvpRule {
  Tensor apply(Tensor[] x, Tensor out, Tensor[] dx);
}
