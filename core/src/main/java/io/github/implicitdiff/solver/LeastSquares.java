package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/** What Gauss–Newton and Levenberg–Marquardt share: residual, Jacobian, gradient Jᵀr, stationarity. */
final class LeastSquares {
  private LeastSquares() {}

  /** r(x, θ), checked to be a finite vector. */
  static Tensor residual(String solver, ResidualFunction r, Tensor x, Tensor[] theta, int iteration) {
    Tensor v = r.apply(x, theta);
    if (v.ndim() != 1) throw new ShapeException(solver + ": r(x, θ) must be a vector, got shape " + v.shapeString());
    Guard.requireFinite(solver, iteration, "r(x, θ)", v);
    return v;
  }

  /** J = ∂r/∂x (m × n), by forward mode when n ≤ m, else by reverse mode. */
  static Tensor jacobian(ResidualFunction r, Tensor x, Tensor[] theta, int m) {
    AD.Mode mode = x.dim(0) <= m ? AD.Mode.FORWARD : AD.Mode.REVERSE;
    return AD.jacobian(z -> r.apply(z, theta), x, mode);
  }

  /** ½‖r‖² as a double. */
  static double cost(Tensor r) {
    double s = r.concrete().norm2();
    return 0.5 * s * s;
  }

  /** Stationarity F(x, θ) = ∇ₓ ½‖r(x, θ)‖² = J(x, θ)ᵀ r(x, θ). */
  static Optimality stationarity(ResidualFunction r) {
    return (x, theta) -> AD.grad(z -> r.apply(z, theta).square().sum().mul(0.5), x);
  }

  static void requireVector(String solver, Tensor init) {
    if (init.ndim() != 1) throw new ShapeException(solver + ": x must be a vector, got shape " + init.shapeString());
  }
}
