package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/**
 * Outputs of a function with its pushforward (JVP) and pullback (VJP) at one point, from one recorded
 * evaluation, as returned by {@link AD#linearize}.
 */
public record Linearization(Tensor[] value, Pushforward pushforward, Pullback pullback) {
  /** The single output. */
  public Tensor out() {
    return value[0];
  }
}
