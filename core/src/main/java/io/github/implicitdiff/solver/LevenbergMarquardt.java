package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Levenberg–Marquardt for nonlinear least squares min_x ½‖r(x, θ)‖², with Nielsen's damping update.
 *
 * <p>One iteration: J = ∂r/∂x by automatic differentiation, g = Jᵀr, the damped step δ solving
 * (JᵀJ + λI) δ = −g, and the gain ratio ρ = (½‖r(x)‖² − ½‖r(x + δ)‖²) / (½ δᵀ(λδ − g)) (actual over
 * predicted decrease; ρ = 1 when the predicted decrease is below the rounding of the cost, 1e-13 · ½‖r‖²). If ρ &gt; 0 the step is taken and λ ← λ · max(1/3, 1 − (2ρ − 1)³), ν ← 2;
 * otherwise the step is rejected and λ ← λν, ν ← 2ν. λ₀ = τ · max diag(JᵀJ) (τ = 1e-3 by default).
 * Stopping criterion: the relative gradient ‖Jᵀr‖₂ / max(1, ‖J‖_F ‖r‖₂) ≤ tol at the current x (returned); a damping above 1e16 · (1 + max
 * diag(JᵀJ)) ends the run unconverged (no decrease possible). Optimality: the stationarity condition
 * F(x, θ) = Jᵀr = 0 (∂₁F the symmetric Hessian of ½‖r‖²). Steps are tensor operations (acceptance and
 * λ decided on values), so UNROLLED mode differentiates through the accepted steps.
 * Defaults: maxIterations 200, tol 1e-10, τ 1e-3, IMPLICIT, CG.
 *
 * <pre>{@code
 * ResidualFunction r = (x, th) -> Tensor.stack(0, x.index(0, 0).rsub(1), x.index(0, 1).sub(x.index(0, 0).square()).mul(10));
 * Tensor x = LevenbergMarquardt.of(r).run(Tensor.of(-1.2, 1)).orThrow();        // Rosenbrock: [1, 1]
 * }</pre>
 */
public final class LevenbergMarquardt extends LeastSquaresSolver<LevenbergMarquardt> {
  private static final String NAME = "LevenbergMarquardt";
  private final double initialDampingFactor;

  /** @param initialDampingFactor τ &gt; 0, λ₀ = τ · max diag(J₀ᵀJ₀) */
  private LevenbergMarquardt(OptimizerSettings settings, ResidualFunction r, double initialDampingFactor) {
    super(settings, r);
    if (!(initialDampingFactor > 0) || !Double.isFinite(initialDampingFactor))
      throw new IllegalArgumentException(NAME + ": initialDampingFactor must be finite and > 0, got " + initialDampingFactor);
    this.initialDampingFactor = initialDampingFactor;
  }

  /** Levenberg–Marquardt on ½‖r‖²: τ = 1e-3, at most 200 iterations, tol 1e-10 on the relative gradient. */
  public static LevenbergMarquardt of(ResidualFunction r) {
    if (r == null) throw new IllegalArgumentException(NAME + ": r must not be null");
    return new LevenbergMarquardt(OptimizerSettings.defaults(200, 1e-10), r, 1e-3);
  }

  public double initialDampingFactor() { return initialDampingFactor; }
  public LevenbergMarquardt withInitialDampingFactor(double tau) { return new LevenbergMarquardt(settings, r, tau); }

  @Override
  LevenbergMarquardt with(OptimizerSettings s) {
    return new LevenbergMarquardt(s, r, initialDampingFactor);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "raise maxIterations if it used its budget; if it stopped before, the damping grew past 1e16 because no step"
        + " decreased ½‖r‖² at this precision: loosen tol, rescale r or x, or start elsewhere (a local minimum of ½‖r‖²"
        + " that is not a root stalls it too)";
  }

  @Override
  SolverResult iterate(Tensor x, Tensor[] theta) {
    int n = x.dim(0);
    Tensor res = LeastSquares.residual(NAME, r, x, theta, 0);
    Tensor J = LeastSquares.jacobian(r, x, theta, res.dim(0));
    Tensor JtJ = J.T().matmul(J), g = J.T().matmul(res);
    double maxDiag = maxDiagonal(JtJ);
    double lambda = initialDampingFactor * Math.max(maxDiag, Double.MIN_NORMAL), nu = 2;
    double first = LeastSquares.relativeGradient(J, res, g), error = first;
    for (int k = 0; k < maxIterations(); k++) {
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverged(NAME, k, error, first);
      if (lambda > 1e16 * (1 + maxDiag)) return new SolverResult(x, k, error, false);
      Tensor delta = io.github.implicitdiff.linalg.DenseSolve.solve(JtJ.add(Tensor.eye(n).mul(lambda)), g.neg());
      Tensor xNext = x.add(delta);
      Tensor resNext = LeastSquares.residual(NAME, r, xNext, theta, k + 1);
      Tensor dc = delta.concrete();
      double predicted = 0.5 * dc.vdot(dc.mul(lambda).sub(g.concrete()));
      double rho = LeastSquares.measurable(predicted, res) ? LeastSquares.reduction(res, resNext) / predicted : 1;
      if (rho > 0 && predicted > 0) {
        x = xNext;
        res = resNext;
        J = LeastSquares.jacobian(r, x, theta, res.dim(0));
        JtJ = J.T().matmul(J);
        g = J.T().matmul(res);
        maxDiag = maxDiagonal(JtJ);
        error = LeastSquares.relativeGradient(J, res, g);
        lambda *= Math.max(1.0 / 3, 1 - Math.pow(2 * rho - 1, 3));
        nu = 2;
      } else {
        lambda *= nu;
        nu *= 2;
      }
    }
    return new SolverResult(x, maxIterations(), error, error <= tol());
  }

  private static double maxDiagonal(Tensor JtJ) {
    double m = 0;
    for (int i = 0; i < JtJ.dim(0); i++) m = Math.max(m, JtJ.get(i, i));
    return m;
  }
}
