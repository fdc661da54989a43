package io.github.implicitdiff.projection;

/**
 * How close an input is to a kink of a piecewise-smooth operator: the number of coordinates within
 * {@code tolerance} of a switching point (an element tied with the simplex threshold τ, a box
 * coordinate at a bound, a soft-threshold input with |x_i| = ηλ). At such a point the operator is not
 * differentiable and the derivative the library returns is one element of its generalized Jacobian,
 * chosen by the convention documented on each operator.
 *
 * <pre>{@code
 * Degeneracy d = Projections.simplexDegeneracy(Tensor.of(0.5, 0.5, 0), Tensor.scalar(1));
 * d.isDegenerate();   // true: x_2 = 0 equals the threshold τ = 0 (d.ties() == 1)
 * }</pre>
 *
 * @param ties number of coordinates within {@code tolerance} of a switching point
 * @param size number of coordinates inspected
 * @param tolerance the absolute tolerance used
 */
public record Degeneracy(int ties, int size, double tolerance) {
  /** True when at least one coordinate sits at a switching point. */
  public boolean isDegenerate() {
    return ties > 0;
  }
}
