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
    Guards.requireFinite(solver, iteration, "r(x, θ)", v);
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

  /**
   * ½‖r‖² − ½‖r'‖² computed as −½ (r' − r)ᵀ(r' + r): the difference of residuals is accurate where the
   * difference of two nearly equal costs would be lost in rounding near the minimum.
   */
  static double reduction(Tensor r, Tensor rNext) {
    Tensor a = r.concrete(), b = rNext.concrete();
    return -0.5 * b.sub(a).vdot(b.add(a));
  }

  /**
   * Whether a predicted decrease of ½‖r‖² can be measured at all in floating point: near the minimum it
   * falls below the rounding of the cost, and the full (Gauss–Newton or damped) step is then taken.
   */
  static boolean measurable(double predictedDecrease, Tensor r) {
    return predictedDecrease > 1e-13 * cost(r);
  }

  /** Stationarity F(x, θ) = ∇ₓ ½‖r(x, θ)‖² = J(x, θ)ᵀ r(x, θ). */
  static Optimality stationarity(ResidualFunction r) {
    return (x, theta) -> AD.grad(z -> r.apply(z, theta).square().sum().mul(0.5), x);
  }

  /** The stopping quantity ‖Jᵀr‖₂ / max(1, ‖J‖_F ‖r‖₂): the gradient relative to its scale (values only). */
  static double relativeGradient(Tensor J, Tensor r, Tensor g) {
    return g.concrete().norm2() / Math.max(1, J.concrete().norm2() * r.concrete().norm2());
  }

  static void requireVector(String solver, Tensor init) {
    if (init.ndim() != 1) throw new ShapeException(solver + ": x must be a vector, got shape " + init.shapeString());
  }
}
