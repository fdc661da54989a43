package io.github.implicitdiff.autodiff;

import io.github.implicitdiff.tensor.Tensor;

/** Outputs of a function and their tangents, as returned by {@link AD#jvp(MultiFunction, Tensor[], Tensor[])}. */
public record JvpResult(Tensor[] value, Tensor[] tangent) {
  /** The single output. */
  public Tensor out() {
    return value[0];
  }

  /** The single output's tangent. */
  public Tensor outTangent() {
    return tangent[0];
  }
}
