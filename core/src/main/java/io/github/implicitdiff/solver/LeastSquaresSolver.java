package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.tensor.Tensor;

/**
 * What {@link GaussNewton} and {@link LevenbergMarquardt} share: min_x ½‖r(x, θ)‖² over a vector x, the
 * stationarity condition F(x, θ) = J(x, θ)ᵀ r(x, θ) (its ∂₁F, the Hessian of ½‖r‖², is symmetric, so the
 * implicit system uses CG by default), and the run around each method's iterations.
 *
 * @param <S> the concrete solver, returned by the withers
 */
abstract class LeastSquaresSolver<S extends LeastSquaresSolver<S>> extends Optimizer<S> {
  final ResidualFunction r;

  LeastSquaresSolver(OptimizerSettings settings, ResidualFunction r) {
    super(settings);
    this.r = r;
  }

  /** The method's iterations from x (a vector) for parameters θ. */
  abstract SolverResult iterate(Tensor x, Tensor[] theta);

  @Override
  final boolean symmetricOptimality() {
    return true;
  }

  /** F(x, θ) = J(x, θ)ᵀ r(x, θ), the gradient of ½‖r‖². */
  @Override
  public final Optimality optimality() {
    return LeastSquares.stationarity(r);
  }

  /** Iterates from the vector {@code init} (not modified; its derivative is ignored in IMPLICIT mode). */
  @Override
  public final SolverResult run(Tensor init, Tensor... theta) {
    if (init != null) LeastSquares.requireVector(name(), init);
    return solve(init, theta, this::iterate);
  }
}
