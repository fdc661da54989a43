package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The loop shared by gradient descent, proximal and projected gradient and mirror descent:
 * x_{k+1} = T_η(y_k; ∇f(y_k)), with y_k = x_k (plain) or the FISTA extrapolation
 * y_k = x_k + ((t_{k−1} − 1)/t_k)(x_k − x_{k−1}), t_k = (1 + √(1 + 4t_{k−1}²))/2, restarted (t = 1) when
 * ⟨y_k − x_{k+1}, x_{k+1} − x_k⟩ &gt; 0 (O'Donoghue–Candès gradient restart).
 *
 * <p>Error: rms(F(x)) / max(1, rms(x)) at the returned x, F = c·(T_{η₀}(x) − x), c = max(1, 1/η₀),
 * with η₀ the step size's reference value
 * — exactly the residual of the solver's optimality condition. Without acceleration it is computed at x_k
 * from the step already taken (one extra prox when the backtracking step differs from η₀); with
 * acceleration the step length at y_k is the proxy, confirmed at x_{k+1} when it falls below tol.
 * Everything is written in tensor operations, so unrolled differentiation goes through the loop.
 */
final class FirstOrderLoop {
  private final String solver;
  private final Objective f;
  private final Geometry geometry;
  private final StepSize stepSize;
  private final boolean accelerated;
  private final int maxIterations;
  private final double tol;
  private final double errorScale;

  /**
   * @param errorScale the optimality condition is F = errorScale · (T_{η₀}(x) − x) (max(1, 1/η₀) for the
   *     proximal, projected, mirror and block methods, −1/η₀ for gradient descent, whose F is ∇f)
   */
  FirstOrderLoop(String solver, Objective f, Geometry geometry, StepSize stepSize, boolean accelerated, int maxIterations,
      double tol, double errorScale) {
    this.errorScale = Math.abs(errorScale);
    this.solver = solver;
    this.f = f;
    this.geometry = geometry;
    this.stepSize = stepSize;
    this.accelerated = accelerated;
    this.maxIterations = maxIterations;
    this.tol = tol;
  }

  /** f and ∇f at a point. */
  private record Point(Tensor x, Tensor value, Tensor grad) {}

  private Point evaluate(Tensor x, Tensor[] thetaF) {
    ValueAndGrad vg = AD.valueAndGrad(z -> f.apply(z, thetaF), x);
    return new Point(x, vg.value(), vg.grad());
  }

  /** The accepted trial: z = T_η(y), f and ∇f at z when they were computed (backtracking), and η. */
  private record Trial(Tensor z, Point pz, double eta) {}

  /**
   * What to change when a first-order method runs out of iterations: its step size first (a fixed step below
   * 1/L, or a backtracking that starts small and never grows, makes every iteration short), then acceleration
   * when the method has it.
   *
   * @param canAccelerate whether the method has {@code withAcceleration}
   */
  static String remedies(StepSize stepSize, boolean accelerated, boolean canAccelerate) {
    String step = stepSize instanceof StepSize.Fixed fixed
        ? "take a larger step (the fixed step " + fixed.value() + " should be close to 1/L for an L-smooth f) or"
            + " StepSize.backtracking()"
        : "let the backtracking step grow again after a shrink (withGrowth(2)) or start it larger (withInitial; it is "
            + ((StepSize.Backtracking) stepSize).initial() + ")";
    String acceleration = canAccelerate && !accelerated ? ", use withAcceleration(true)" : "";
    return "raise maxIterations, " + step + acceleration + "; or loosen tol if the error had stalled above it";
  }

  SolverResult run(Tensor x0, Tensor[] thetaF, Tensor[] thetaG) {
    double eta0 = stepSize.reference();
    double eta = eta0;
    Point py = evaluate(x0, thetaF);
    Guards.requireFiniteStart(solver, py.value(), py.grad());
    Tensor xPrev = x0;
    double t = 1, error = Double.NaN, initialError = Double.NaN;
    for (int k = 0; k < maxIterations; k++) {
      Tensor y = py.x();
      Trial trial = step(py, eta, thetaF, thetaG, k);
      eta = trial.eta();
      Tensor z = trial.z();
      double proxy = Guards.relativeRms(z.sub(y), y) * (eta0 / eta) * errorScale;
      Point pz = trial.pz();
      if (!accelerated) {
        error = eta == eta0 || proxy > tol ? proxy : exactError(y, py.grad(), thetaG);
        if (k == 0) initialError = error;
        if (error <= tol) return new SolverResult(y, k, error, true);
      } else {
        error = proxy;
        if (k == 0) initialError = error;
        if (proxy <= tol) {
          if (pz == null) pz = evaluate(z, thetaF);
          Guards.requireFiniteStep(solver, k, stepSize.describe(eta), "the objective", pz.value(), pz.grad());
          double exact = exactError(z, pz.grad(), thetaG);
          if (exact <= tol) return new SolverResult(z, k + 1, exact, true);
        }
      }
      Guards.requireNotDiverging(solver, k, stepSize.describe(eta), initialError, error);
      if (!accelerated) {
        py = pz != null ? pz : evaluate(z, thetaF);
      } else {
        double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
        boolean restart = y.sub(z).vdot(z.sub(xPrev)) > 0;
        double beta = restart ? 0 : (t - 1) / tNext;
        t = restart ? 1 : tNext;
        Tensor yNext = beta == 0 ? z : z.add(z.sub(xPrev).mul(beta));
        xPrev = z;
        py = beta == 0 && pz != null ? pz : evaluate(yNext, thetaF);
      }
      Guards.requireFiniteStep(solver, k, stepSize.describe(eta), "the objective or its gradient", py.value(), py.grad());
      if (stepSize instanceof StepSize.Backtracking b) eta *= b.growth();
    }
    Tensor last = accelerated ? xPrev : py.x();
    return new SolverResult(last, maxIterations, error, false);
  }

  /** rms(T_{η₀}(x) − x) / max(1, rms(x)), from ∇f(x) already known. */
  private double exactError(Tensor x, Tensor grad, Tensor[] thetaG) {
    return Guards.relativeRms(geometry.step(x, grad, stepSize.reference(), thetaG).sub(x), x) * errorScale;
  }

  /** One step from y: fixed, or backtracking on the sufficient decrease test (see {@link StepSize}). */
  private Trial step(Point py, double eta, Tensor[] thetaF, Tensor[] thetaG, int k) {
    Tensor y = py.x();
    if (stepSize instanceof StepSize.Fixed) {
      Tensor z = geometry.step(y, py.grad(), eta, thetaG);
      Guards.requireFiniteStep(solver, k, stepSize.describe(eta), "the step", z);
      return new Trial(z, null, eta);
    }
    StepSize.Backtracking b = (StepSize.Backtracking) stepSize;
    double fy = py.value().item();
    for (int s = 0; s <= b.maxShrinks(); s++, eta *= b.shrink()) {
      Tensor z = geometry.step(y, py.grad(), eta, thetaG);
      if (!z.allFinite()) continue;
      Point pz = evaluate(z, thetaF);
      if (!pz.value().allFinite() || !pz.grad().allFinite()) continue;
      Tensor s1 = z.sub(y);
      double bound = geometry.distance(z, y) / eta;
      double valueGap = pz.value().item() - fy - py.grad().vdot(s1);
      double gradientGap = pz.grad().sub(py.grad()).vdot(s1);
      if (valueGap <= bound || gradientGap <= bound) return new Trial(z, pz, eta);
    }
    throw new NotConvergedException(solver + ": backtracking found no step satisfying the sufficient decrease test after "
        + b.maxShrinks() + " shrinks (step size down to " + eta + ") at iteration " + k
        + "; check that the objective is smooth and its gradient correct, or raise maxShrinks");
  }
}
