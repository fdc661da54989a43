package io.github.implicitdiff.tensor;

/**
 * A one-input primitive whose VJP writes the cotangent into part of a zero tensor shaped like its input (a slice,
 * a gather). Reverse mode adds such cotangents into one buffer per input instead of materializing each padded
 * tensor and adding them: L slices of an n-vector then cost O(n + Σ slice sizes) in the backward pass instead of
 * O(L·n). Used only when the cotangent is concrete; a traced one (a higher derivative) takes {@link #vjp}.
 */
public interface Scatter extends Primitive {
  /** acc += (the VJP of the concrete cotangent g), acc being the row-major values of a tensor of the input's shape. */
  void addVjpInto(Tensor g, double[] acc);
}
