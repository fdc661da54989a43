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
 * acceleration the step length at y_k is the proxy, confirmed at x_{k+1} when it falls below tol. When the
 * condition is written in another geometry than the steps ({@link #withCondition}: mirror descent's steps,
 * the Euclidean projected-gradient condition), the error is that condition's residual at every x_k, one
 * extra operator application per iteration.
 * Everything is written in tensor operations, so unrolled differentiation goes through the loop, in
 * checkpointed segments when asked ({@link Checkpointing}: y_k, f(y_k), ∇f(y_k) and x_{k−1} enter each segment as
 * tensors, t, η and k are replayed).
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
  private final Checkpointing checkpointing;
  /** The geometry of the optimality condition, whose residual is the error (the steps' own by default). */
  private final Geometry condition;

  /**
   * @param errorScale the optimality condition is F = errorScale · (T_{η₀}(x) − x) (max(1, 1/η₀) for the
   *     proximal, projected, mirror and block methods, −1/η₀ for gradient descent, whose F is ∇f)
   * @param checkpointing how unrolled reverse mode records the iterations ({@link SegmentedLoop})
   */
  FirstOrderLoop(String solver, Objective f, Geometry geometry, StepSize stepSize, boolean accelerated, int maxIterations,
      double tol, double errorScale, Checkpointing checkpointing) {
    this(solver, f, geometry, stepSize, accelerated, maxIterations, tol, errorScale, checkpointing, geometry);
  }

  private FirstOrderLoop(String solver, Objective f, Geometry geometry, StepSize stepSize, boolean accelerated,
      int maxIterations, double tol, double errorScale, Checkpointing checkpointing, Geometry condition) {
    this.condition = condition;
    this.checkpointing = checkpointing;
    this.errorScale = Math.abs(errorScale);
    this.solver = solver;
    this.f = f;
    this.geometry = geometry;
    this.stepSize = stepSize;
    this.accelerated = accelerated;
    this.maxIterations = maxIterations;
    this.tol = tol;
  }

  /**
   * The same loop stopping on the residual of the condition c · (T'_{η₀}(x) − x), T' the step of {@code condition}
   * (not accelerated: the error is computed exactly at each iterate).
   */
  FirstOrderLoop withCondition(Geometry condition) {
    if (accelerated) throw new IllegalStateException(solver + ": a separate stopping condition needs the plain loop");
    return new FirstOrderLoop(solver, f, geometry, stepSize, false, maxIterations, tol, errorScale, checkpointing, condition);
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
    Point p0 = evaluate(x0, thetaF);
    Guards.requireFiniteStart(solver, p0.value(), p0.grad());
    Tensor[] theta = new Tensor[thetaF.length + thetaG.length];
    System.arraycopy(thetaF, 0, theta, 0, thetaF.length);
    System.arraycopy(thetaG, 0, theta, thetaF.length, thetaG.length);
    return SegmentedLoop.run(new State(thetaF.length, p0, x0, 1, stepSize.reference(), Double.NaN, Double.NaN, 0), theta,
        checkpointing);
  }

  /**
   * The loop between two iterations: the point y_k with f and ∇f there and FISTA's previous iterate x_{k−1}
   * (carried tensors); t_{k−1}, the step size, the errors and k (replayed).
   */
  private final class State implements SegmentedLoop.State<State> {
    private final int objectiveCount;
    private Point py;
    private Tensor xPrev;
    private double t, eta, error, initialError;
    private int k;

    State(int objectiveCount, Point py, Tensor xPrev, double t, double eta, double error, double initialError, int k) {
      this.objectiveCount = objectiveCount;
      this.py = py;
      this.xPrev = xPrev;
      this.t = t;
      this.eta = eta;
      this.error = error;
      this.initialError = initialError;
      this.k = k;
    }

    @Override
    public Tensor[] carried() {
      return accelerated ? new Tensor[] {py.x(), py.value(), py.grad(), xPrev} : new Tensor[] {py.x(), py.value(), py.grad()};
    }

    @Override
    public State restore(Tensor[] c) {
      return new State(objectiveCount, new Point(c[0], c[1], c[2]), accelerated ? c[3] : null, t, eta, error, initialError, k);
    }

    @Override
    public SolverResult step(Tensor[] theta) {
      if (k >= maxIterations) return new SolverResult(accelerated ? xPrev : py.x(), maxIterations, error, false);
      Tensor[] thetaF = java.util.Arrays.copyOf(theta, objectiveCount);
      Tensor[] thetaG = java.util.Arrays.copyOfRange(theta, objectiveCount, theta.length);
      double eta0 = stepSize.reference();
      Tensor y = py.x();
      Trial trial = FirstOrderLoop.this.step(py, eta, thetaF, thetaG, k);
      eta = trial.eta();
      Tensor z = trial.z();
      double proxy = Guards.relativeRms(z.sub(y), y) * (eta0 / eta) * errorScale;
      Point pz = trial.pz();
      if (!accelerated) {
        error = condition != geometry ? exactError(y, py.grad(), thetaG)
            : eta == eta0 || proxy > tol ? proxy : exactError(y, py.grad(), thetaG);
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
      k++;
      return null;
    }
  }

  /** rms(T_{η₀}(x) − x) / max(1, rms(x)), T the condition's step, from ∇f(x) already known. */
  private double exactError(Tensor x, Tensor grad, Tensor[] thetaG) {
    // on the values: the error is a number, and recording it would grow an unrolled run's tape every iteration
    Tensor xv = x.concrete();
    Tensor[] params = new Tensor[thetaG.length];
    for (int i = 0; i < params.length; i++) params[i] = thetaG[i].concrete();
    return Guards.relativeRms(condition.step(xv, grad.concrete(), stepSize.reference(), params).sub(xv), xv) * errorScale;
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
