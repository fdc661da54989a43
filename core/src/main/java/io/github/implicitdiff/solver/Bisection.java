package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Bisection for a scalar root of F(x, θ) = 0 in a bracket [lo, hi] where F changes sign.
 *
 * <p>One iteration: m = (lo + hi)/2; keep the half whose end values of F differ in sign. Stopping
 * criterion: (hi − lo)/2 ≤ tol, F(m) = 0 exactly, or lo and hi adjacent doubles; the error is the half-width, the solution the
 * midpoint. Optimality: F itself; the solution is differentiated implicitly, the derivative of x* is −∂₂F / ∂₁F
 * (a zero ∂₁F at the root, e.g. a double root, raises SingularMatrixException when differentiated).
 * Only {@link Differentiation#IMPLICIT} is offered: the iterates depend on θ only through signs, so
 * an unrolled derivative would be zero. Defaults: maxIterations 200 (ample: each halves the bracket),
 * tol 1e-12, GMRES for the 1×1 implicit system.
 *
 * <pre>{@code
 * Optimality F = (x, th) -> x.square().sub(th[0]);                         // x² = θ
 * Tensor r = Bisection.of(F).run(Tensor.of(0, 3), Tensor.scalar(2)).orThrow();   // √2
 * }</pre>
 *
 * <p>{@link #run} throws IllegalArgumentException when F(lo) and F(hi) have the same sign.
 */
public final class Bisection extends Optimizer<Bisection> {
  private static final String NAME = "Bisection";
  private final Optimality F;

  private Bisection(OptimizerSettings settings, Optimality F) {
    super(settings);
    if (settings.differentiation() != Differentiation.IMPLICIT)
      throw new IllegalArgumentException(NAME + ": UNROLLED differentiation is not available: bisection's iterates depend"
          + " on θ only through the signs of F, so their derivative is zero; use IMPLICIT");
    this.F = F;
  }

  /** Bisection on F: at most 200 iterations, tol 1e-12 on the bracket's half-width. */
  public static Bisection of(Optimality F) {
    if (F == null) throw new IllegalArgumentException(NAME + ": F must not be null");
    return new Bisection(OptimizerSettings.defaults(200, 1e-12), F);
  }

  @Override
  Bisection with(OptimizerSettings s) {
    return new Bisection(s, F);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "each iteration halves the bracket: raise maxIterations or loosen tol (on the bracket's half-width)";
  }

  /** The scalar function whose root is sought. */
  @Override
  public Optimality optimality() {
    return F;
  }

  /**
   * Bisects the bracket; the root (a scalar tensor) is differentiable in θ.
   *
   * @param bracket the vector [lo, hi] with lo &lt; hi; not modified
   */
  @Override
  public SolverResult run(Tensor bracket, Tensor... theta) {
    if (bracket == null || bracket.ndim() != 1 || bracket.dim(0) != 2)
      throw new ShapeException(NAME + ": the bracket must be a vector [lo, hi], got shape "
          + (bracket == null ? "null" : bracket.shapeString()));
    bracket.requireFinite(NAME + ": bracket");
    Guards.requireInputs(NAME, bracket, theta); // θ present and finite (the bracket is, by now)
    double lo = bracket.get(0), hi = bracket.get(1);
    if (!(lo < hi)) throw new IllegalArgumentException(NAME + ": the bracket [" + lo + ", " + hi + "] needs lo < hi");
    return attributed(Iterations.run(Differentiation.IMPLICIT, F, th -> iterate(lo, hi, th), linearSolver(),
        implicitOptions(), theta));
  }

  private SolverResult iterate(double lo, double hi, Tensor[] theta) {
    double fLo = value(lo, theta), fHi = value(hi, theta);
    if (fLo == 0) return new SolverResult(Tensor.scalar(lo), 0, 0, true);
    if (fHi == 0) return new SolverResult(Tensor.scalar(hi), 0, 0, true);
    if (Math.signum(fLo) == Math.signum(fHi))
      throw new IllegalArgumentException(NAME + ": F has no sign change on the bracket [" + lo + ", " + hi + "]: F(lo) = "
          + fLo + ", F(hi) = " + fHi + "; widen or move the bracket so that F(lo) and F(hi) differ in sign");
    for (int k = 1; k <= maxIterations(); k++) {
      double mid = 0.5 * (lo + hi);
      double fMid = value(mid, theta);
      if (fMid == 0) return new SolverResult(Tensor.scalar(mid), k, 0, true);
      if (Math.signum(fMid) == Math.signum(fLo)) {
        lo = mid;
        fLo = fMid;
      } else {
        hi = mid;
      }
      double halfWidth = 0.5 * (hi - lo), next = 0.5 * (lo + hi);
      // tolerance reached, or the bracket holds two adjacent doubles: the root is located to machine precision
      if (halfWidth <= tol() || next == lo || next == hi) return new SolverResult(Tensor.scalar(next), k, halfWidth, true);
    }
    return new SolverResult(Tensor.scalar(0.5 * (lo + hi)), maxIterations(), 0.5 * (hi - lo), false);
  }

  private double value(double x, Tensor[] theta) {
    Tensor f = F.apply(Tensor.scalar(x), theta);
    if (f.ndim() != 0) throw new ShapeException(NAME + ": F(x, θ) must be a scalar (shape ()), got shape " + f.shapeString());
    double v = f.item();
    if (!Double.isFinite(v)) throw new NonFiniteException(NAME + ": F(" + x + ", θ) = " + v + "; F must be finite on the bracket");
    return v;
  }
}
