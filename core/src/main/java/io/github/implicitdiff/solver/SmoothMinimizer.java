package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;

/**
 * What the unconstrained minimizers of a smooth f(x, θ) share ({@link GradientDescent}, {@link Newton},
 * {@link LBFGS}, {@link NonlinearConjugateGradient}): the objective and the optimality condition
 * F(x, θ) = ∇₁f(x, θ), whose Jacobian ∂₁F (the Hessian) is symmetric, so the implicit system may use CG.
 *
 * @param <S> the concrete solver, returned by the withers
 */
abstract class SmoothMinimizer<S extends SmoothMinimizer<S>> extends Optimizer<S> {
  final Objective f;

  SmoothMinimizer(OptimizerSettings settings, Objective f) {
    super(settings);
    this.f = f;
  }

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, records the iterations in checkpointed segments
   * (default {@link Checkpointing#none()}): O(K/k + k) iteration records instead of O(K) for one more forward pass,
   * with the same solution, iteration count and derivatives (see {@link Checkpointing}).
   *
   * <pre>{@code
   * LBFGS lbfgs = LBFGS.of(f).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(Checkpointing.growing());
   * }</pre>
   */
  public S withCheckpointing(Checkpointing value) {
    return checkpointedBy(value);
  }

  @Override
  final boolean symmetricOptimality() {
    return true;
  }

  /** Stationarity F(x, θ) = ∇₁f(x, θ). */
  @Override
  public final Optimality optimality() {
    return Stationarity.of(f);
  }
}
