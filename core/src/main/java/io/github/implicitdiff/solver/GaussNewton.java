package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Gauss–Newton for nonlinear least squares min_x ½‖r(x, θ)‖², with a backtracking (Armijo) line search.
 *
 * <p>One iteration: J = ∂r/∂x by automatic differentiation, g = Jᵀr, the step δ solving
 * (JᵀJ) δ = −g (a dense solve), then x_{k+1} = x_k + t δ with t the first of 1, ½, ¼, … (at most 50
 * halvings) such that ½‖r(x + tδ)‖² ≤ ½‖r(x)‖² + 10⁻⁴ t gᵀδ (t = 1 when −gᵀδ is below the
 * rounding of the cost, 1e-13 · ½‖r‖², where no decrease can be measured). Stopping criterion: the relative gradient
 * ‖Jᵀr‖₂ / max(1, ‖J‖_F ‖r‖₂) ≤ tol at x_k, which is returned. Optimality: the stationarity condition F(x, θ) = J(x, θ)ᵀ r(x, θ) = 0,
 * whose ∂₁F = JᵀJ + Σ r_i ∇²r_i is the (symmetric) Hessian of ½‖r‖². Every step is tensor operations
 * (the step length is chosen on values), so UNROLLED mode differentiates through the iterations.
 * JᵀJ singular (J rank deficient) raises SingularMatrixException: use {@link LevenbergMarquardt}.
 * Defaults: maxIterations 100, tol 1e-10, IMPLICIT, CG (symmetric ∂₁F, positive definite at a strict minimum).
 *
 * <pre>{@code
 * ResidualFunction r = (p, th) -> p.index(0, 0).mul(p.index(0, 1).mul(t).exp()).sub(th[0]);   // a·exp(b t) − y
 * Tensor p = GaussNewton.of(r).run(Tensor.of(1, 0), y).orThrow();
 * Tensor dpdy = AD.jacobian(yy -> GaussNewton.of(r).run(Tensor.of(1, 0), yy).solution(), y);
 * }</pre>
 */
public final class GaussNewton extends LeastSquaresSolver<GaussNewton> {
  private static final String NAME = "GaussNewton";
  private static final int MAX_HALVINGS = 50;

  private GaussNewton(OptimizerSettings settings, ResidualFunction r) {
    super(settings, r);
  }

  /** Gauss–Newton on ½‖r‖²: at most 100 iterations, tol 1e-10 on the relative gradient. */
  public static GaussNewton of(ResidualFunction r) {
    if (r == null) throw new IllegalArgumentException(NAME + ": r must not be null");
    return new GaussNewton(OptimizerSettings.defaults(100, 1e-10), r);
  }

  @Override
  GaussNewton with(OptimizerSettings s) {
    return new GaussNewton(s, r);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "Gauss–Newton takes undamped steps: start closer, or use LevenbergMarquardt (damped) on the same residual;"
        + " if the error stalled just above tol, loosen tol";
  }

  @Override
  SolverResult iterate(Tensor x, Tensor[] theta) {
    Tensor res = LeastSquares.residual(NAME, r, x, theta, 0);
    double first = Double.NaN, error = Double.NaN;
    for (int k = 0; k < maxIterations(); k++) {
      Tensor J = LeastSquares.jacobian(r, x, theta, res.dim(0));
      Tensor g = J.T().matmul(res);
      error = LeastSquares.relativeGradient(J, res, g);
      if (k == 0) first = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverged(NAME, k, error, first);
      Tensor delta = io.github.implicitdiff.linalg.DenseSolve.solve(J.T().matmul(J), g.neg());
      double slope = g.concrete().vdot(delta.concrete());
      double t = 1;
      Tensor xNext = x.add(delta), resNext = LeastSquares.residual(NAME, r, xNext, theta, k + 1);
      boolean measurable = LeastSquares.measurable(-slope, res);
      for (int h = 0; measurable && LeastSquares.reduction(res, resNext) < -1e-4 * t * slope; h++) {
        if (h == MAX_HALVINGS)
          throw new NotConvergedException(NAME + ": the line search found no decrease of ½‖r‖² = " + LeastSquares.cost(res) + " along the"
              + " Gauss–Newton step at iteration " + k + " (‖Jᵀr‖ = " + error + "); use LevenbergMarquardt");
        t *= 0.5;
        xNext = x.add(delta.mul(t));
        resNext = LeastSquares.residual(NAME, r, xNext, theta, k + 1);
      }
      x = xNext;
      res = resNext;
    }
    Tensor J = LeastSquares.jacobian(r, x, theta, res.dim(0));
    error = LeastSquares.relativeGradient(J, res, J.T().matmul(res));
    return new SolverResult(x, maxIterations(), error, error <= tol());
  }
}
