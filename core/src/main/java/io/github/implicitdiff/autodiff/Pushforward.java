package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/**
 * The linear map t ↦ ∂f(x)·t of a recorded evaluation ({@link AD#linearize}); may be called many times, and
 * runs only the recorded steps' JVP rules.
 */
@FunctionalInterface
public interface Pushforward {
  /** Tangents of the outputs for tangents {@code t} of the inputs (one per input, shapes equal). */
  Tensor[] apply(Tensor... t);
}
