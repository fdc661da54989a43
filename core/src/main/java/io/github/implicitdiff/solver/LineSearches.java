package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * The line searches of {@link LineSearch}, on φ(α) = f(x + αd). Trial points are computed in tensor
 * operations (so the accepted point carries the unrolled derivative); the tests read values.
 */
final class LineSearches {
  private LineSearches() {}

  /** Approximate Wolfe constants (Hager and Zhang 2005): δ, σ, ε. */
  private static final double DELTA = 0.1, SIGMA = 0.9, EPSILON = 1e-10;

  /** f and ∇f at x. */
  record Point(Tensor x, Tensor value, Tensor grad) {
    static Point of(Objective f, Tensor x, Tensor[] theta) {
      ValueAndGrad vg = AD.valueAndGrad(z -> f.apply(z, theta), x);
      return new Point(x, vg.value(), vg.grad());
    }

    boolean finite() {
      return value.allFinite() && grad.allFinite();
    }
  }

  /** An accepted step α and the point x + αd. */
  record Step(double alpha, Point point) {}

  /** A trial: α, φ(α), φ'(α) and the point (null when not finite). */
  private record Trial(double alpha, double phi, double slope, Point point) {}

  /**
   * Where the trial points may go: steps α ≤ {@code maxStep}, and the trial point x + αd passed through
   * {@code snap} (L-BFGS-B: the box projection, which only removes the rounding of x + αd past a bound, d being
   * feasible for every α ≤ maxStep). {@link #FREE}: any step, no snapping.
   */
  record Ray(double maxStep, UnaryOperator<Tensor> snap) {
    static final Ray FREE = new Ray(Double.POSITIVE_INFINITY, UnaryOperator.identity());
  }

  /**
   * Throws for {@link LineSearch.FullStep} in a method whose first trial step is a guess (L-BFGS, nonlinear CG):
   * without a search its convergence argument is gone. Newton's unit step is the minimizer of its local model.
   */
  static void requireSearching(String solver, LineSearch ls) {
    if (ls instanceof LineSearch.FullStep)
      throw new IllegalArgumentException(solver + ": LineSearch.fullStep() is for Newton, whose unit step minimizes its"
          + " quadratic model; use LineSearch.wolfe() or LineSearch.armijo()");
  }

  private static Trial trial(Objective f, Tensor[] theta, Point p, Tensor d, double alpha, Ray ray) {
    Tensor x = ray.snap().apply(p.x().add(d.mul(alpha)));
    Point q = Point.of(f, x, theta);
    if (!q.finite()) return new Trial(alpha, Double.POSITIVE_INFINITY, Double.NaN, null);
    return new Trial(alpha, q.value().item(), q.grad().vdot(d), q);
  }

  static Step search(String solver, LineSearch ls, Objective f, Tensor[] theta, Point p, Tensor d, double alpha0, int iteration) {
    return search(solver, ls, f, theta, p, d, alpha0, iteration, Ray.FREE);
  }

  /** The search along d with steps limited and trial points snapped by {@code ray}; alpha0 ≤ ray.maxStep(). */
  static Step search(String solver, LineSearch ls, Objective f, Tensor[] theta, Point p, Tensor d, double alpha0, int iteration,
      Ray ray) {
    double phi0 = p.value().item(), slope0 = p.grad().vdot(d);
    if (!(slope0 < 0))
      throw new IllegalStateException(solver + ": the search direction is not a descent direction (slope " + slope0 + ")");
    if (ls instanceof LineSearch.FullStep) return fullStep(solver, f, theta, p, d, alpha0, phi0, iteration, ray);
    Step s = ls instanceof LineSearch.Armijo a ? armijo(a, f, theta, p, d, alpha0, phi0, slope0, ray)
        : wolfe((LineSearch.StrongWolfe) ls, f, theta, p, d, alpha0, phi0, slope0, ray);
    if (s == null)
      throw new NotConvergedException(solver + ": the line search (" + ls + ") found no acceptable step in "
          + ls.maxEvaluations() + " evaluations at iteration " + iteration + " (slope " + slope0 + ", f = " + phi0
          + "); check that the objective is smooth and its gradient correct, or loosen tol");
    return s;
  }

  /** The step α₀ itself, unless it leaves the finite values or both f and ‖∇f‖ grow (see {@link LineSearch.FullStep}). */
  private static Step fullStep(String solver, Objective f, Tensor[] theta, Point p, Tensor d, double alpha, double phi0,
      int iteration, Ray ray) {
    Trial t = trial(f, theta, p, d, alpha, ray);
    String advice = "; full steps are for polishing from close to a minimizer: start closer, or use LineSearch.armijo()";
    if (t.point() == null)
      throw new NonFiniteException(solver + ": the objective or its gradient became non-finite at the full step of"
          + " iteration " + iteration + advice);
    double grad0 = p.grad().norm2(), grad1 = t.point().grad().norm2();
    if (t.phi() > phi0 + EPSILON * Math.abs(phi0) && grad1 > grad0)
      throw new NonFiniteException(solver + ": the full step of iteration " + iteration + " increased f from " + phi0
          + " to " + t.phi() + " and ‖∇f‖ from " + grad0 + " to " + grad1 + ": the iteration diverges" + advice);
    return new Step(alpha, t.point());
  }

  private static boolean sufficientDecrease(double c1, Trial t, double phi0, double slope0) {
    return t.point() != null && t.phi() <= phi0 + c1 * t.alpha() * slope0;
  }

  private static boolean approximateWolfe(Trial t, double phi0, double slope0) {
    return t.point() != null && t.phi() <= phi0 + EPSILON * Math.abs(phi0) && SIGMA * slope0 <= t.slope()
        && t.slope() <= (2 * DELTA - 1) * slope0;
  }

  private static Step armijo(LineSearch.Armijo a, Objective f, Tensor[] theta, Point p, Tensor d, double alpha,
      double phi0, double slope0, Ray ray) {
    for (int i = 0; i < a.maxEvaluations(); i++, alpha *= a.shrink()) {
      Trial t = trial(f, theta, p, d, alpha, ray);
      if (sufficientDecrease(a.c1(), t, phi0, slope0) || approximateWolfe(t, phi0, slope0)) return new Step(alpha, t.point());
    }
    return null;
  }

  private static Step wolfe(LineSearch.StrongWolfe w, Objective f, Tensor[] theta, Point p, Tensor d, double alpha,
      double phi0, double slope0, Ray ray) {
    Trial previous = new Trial(0, phi0, slope0, p);
    int evaluations = 0;
    while (evaluations < w.maxEvaluations()) {
      Trial t = trial(f, theta, p, d, alpha, ray);
      evaluations++;
      if (!sufficientDecrease(w.c1(), t, phi0, slope0) || (evaluations > 1 && t.phi() >= previous.phi()))
        return zoom(w, f, theta, p, d, previous, t, phi0, slope0, evaluations, ray);
      if (Math.abs(t.slope()) <= -w.c2() * slope0 || approximateWolfe(t, phi0, slope0)) return new Step(t.alpha(), t.point());
      if (t.slope() >= 0) return zoom(w, f, theta, p, d, t, previous, phi0, slope0, evaluations, ray);
      // still descending with sufficient decrease at the largest allowed step: take it (as Moré–Thuente's dcsrch)
      if (alpha >= ray.maxStep()) return new Step(t.alpha(), t.point());
      previous = t;
      alpha = Math.min(2 * alpha, ray.maxStep());
    }
    return null;
  }

  /** Nocedal–Wright Algorithm 3.6: lo satisfies sufficient decrease, the minimiser lies between lo and hi. */
  private static Step zoom(LineSearch.StrongWolfe w, Objective f, Tensor[] theta, Point p, Tensor d, Trial lo, Trial hi,
      double phi0, double slope0, int evaluations, Ray ray) {
    while (evaluations < w.maxEvaluations()) {
      double alpha = interpolate(lo, hi);
      Trial t = trial(f, theta, p, d, alpha, ray);
      evaluations++;
      if (!sufficientDecrease(w.c1(), t, phi0, slope0) || t.phi() >= lo.phi()) {
        if (approximateWolfe(t, phi0, slope0)) return new Step(t.alpha(), t.point());
        hi = t;
      } else {
        if (Math.abs(t.slope()) <= -w.c2() * slope0 || approximateWolfe(t, phi0, slope0)) return new Step(t.alpha(), t.point());
        if (t.slope() * (hi.alpha() - lo.alpha()) >= 0) hi = lo;
        lo = t;
      }
    }
    return lo.alpha() > 0 && lo.point() != null && approximateWolfe(lo, phi0, slope0) ? new Step(lo.alpha(), lo.point()) : null;
  }

  /** The minimiser of the quadratic through φ(lo), φ'(lo), φ(hi), safeguarded into the middle 80% (else bisection). */
  private static double interpolate(Trial lo, Trial hi) {
    double delta = hi.alpha() - lo.alpha();
    double mid = lo.alpha() + 0.5 * delta;
    if (hi.point() == null || !Double.isFinite(hi.phi())) return mid;
    double curvature = hi.phi() - lo.phi() - lo.slope() * delta;
    if (!(curvature > 0)) return mid;
    double alpha = lo.alpha() - lo.slope() * delta * delta / (2 * curvature);
    double a = Math.min(lo.alpha(), hi.alpha()), b = Math.max(lo.alpha(), hi.alpha()), margin = 0.1 * (b - a);
    return alpha > a + margin && alpha < b - margin ? alpha : mid;
  }
}
