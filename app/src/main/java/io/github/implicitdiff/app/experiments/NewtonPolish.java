package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LineSearch;
import io.github.implicitdiff.solver.Newton;

/**
 * Reference solutions for finite-difference checks: a minimizer from a solver with a line search, polished by
 * Newton's full steps ({@link LineSearch#fullStep()}). A line search stops seeing g decrease near
 * rms(∇g) ≈ √(rounding of g); full Newton steps take ∇g to rounding level, so the finite differences of an outer
 * loss at these solutions measure the derivative, not solver error.
 */
final class NewtonPolish {
  private NewtonPolish() {}

  /**
   * rms(∇g)/max(1, rms(x)) to reach: above the rounding floors of the experiments' inner problems (1.5e-17 for
   * distillation, up to 1.4e-16 for iMAML and 5e-16 for savi, measured), reached from L-BFGS's 1e-6 to 1e-10 in one or
   * two steps.
   */
  static final double TOL = 1e-14;

  /** Newton on g with full steps to {@link #TOL} (Hessian-vector products; {@code withHessianMode} for dense). */
  static Newton of(Objective g) {
    return Newton.of(g).withLineSearch(LineSearch.fullStep()).withTol(TOL);
  }
}
