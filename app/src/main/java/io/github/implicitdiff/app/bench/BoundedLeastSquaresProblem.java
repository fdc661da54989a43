package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.LBFGSB;
import io.github.implicitdiff.solver.ProjectedGradient;
import io.github.implicitdiff.solver.StepSize;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Bounded least squares w*(b, u) = argmin_{0 ≤ w ≤ u} ½‖Aw − b‖²/m (m×d, A Gaussian with column j scaled by
 * e^{1.5 j/d}, so that AᵀA is moderately ill-conditioned as with unnormalized features; b Gaussian, u = 0.1):
 * coordinates at both bounds and free ones. Outer loss ½‖w* − t‖², differentiated in (b, u), the upper bounds
 * included.
 *
 * <p>Solve and implicit: {@link LBFGSB} (the implicit derivative of the box fixed point). Unrolled: the same
 * LBFGSB iterations recorded ({@link Differentiation#UNROLLED}) and differentiated in reverse mode. The notes give
 * the iterations {@link ProjectedGradient} (box, fixed step 1/L) needs for the same tolerance, for comparison.
 */
final class BoundedLeastSquaresProblem implements SolverProblem {
  private static final double UPPER = 0.1;
  private final int m, d;
  private final Tensor A, b, lo, hi, target;
  private final double tol, step;
  private final Objective f;
  private Consumer<ImplicitDiagnostics> listener;

  BoundedLeastSquaresProblem(long seed, int m, int d, double tol) {
    Random rng = new Random(seed);
    this.m = m;
    this.d = d;
    this.tol = tol;
    A = Tensor.randn(rng, m, d).mul(Tensor.arange(d).mul(1.5 / d).exp());
    b = Tensor.randn(rng, m);
    lo = Tensor.zeros(d);
    hi = Tensor.full(UPPER, d);
    target = Tensor.randn(rng, d).mul(0.1);
    f = (w, th) -> A.matmul(w).sub(th[0]).square().sum().mul(0.5 / m);
    step = 1 / (LassoProblem.largestGramEigenvalue(A, new Random(seed + 1)) / m);
  }

  @Override
  public String name() {
    return "bounded-lsq-lbfgsb";
  }

  @Override
  public String describe() {
    double[] w = solver().run(Tensor.zeros(d), b, lo, hi).orThrow().toDoubleArray();
    int atLo = 0, atHi = 0;
    for (double v : w) {
      if (v == 0) atLo++;
      if (v == UPPER) atHi++;
    }
    var pg = projectedGradient().run(Tensor.zeros(d), b, lo, hi);
    return name() + ": m = " + m + ", d = " + d + ", 0 ≤ w ≤ " + UPPER + " (" + atLo + " at 0, " + atHi + " at " + UPPER + "), tol " + tol
        + "; gradient in (b, u); unrolled = the recorded LBFGSB iterations; ProjectedGradient (box, fixed step 1/L) takes "
        + pg.iterations() + " iterations to the same tol" + (pg.converged() ? "" : " (not converged)");
  }

  @Override
  public void listen(Consumer<ImplicitDiagnostics> l) {
    listener = l;
  }

  private LBFGSB solver() {
    return LBFGSB.of(f).withTol(tol).withImplicitOptions(ImplicitOptions.defaults().withListener(listener));
  }

  private ProjectedGradient projectedGradient() {
    return ProjectedGradient.of(f, Projection.box(), 2).withStepSize(StepSize.fixed(step)).withTol(tol).withMaxIterations(200_000);
  }

  private Tensor loss(Tensor w) {
    return w.sub(target).square().sum().mul(0.5);
  }

  @Override
  public int solve() {
    var r = solver().run(Tensor.zeros(d), b, lo, hi);
    r.orThrow(); // throws unless converged
    return r.iterations();
  }

  @Override
  public Tensor implicitGradient() {
    LBFGSB s = solver();
    Tensor[] g = AD.gradAll(th -> loss(s.run(Tensor.zeros(d), th[0], lo, th[1]).orThrow()), b, hi);
    return Tensor.concat(0, g);
  }

  @Override
  public Tensor unrolledGradient(int iterations) {
    LBFGSB s = solver().withDifferentiation(Differentiation.UNROLLED).withMaxIterations(iterations);
    Tensor[] g = AD.gradAll(th -> loss(s.run(Tensor.zeros(d), th[0], lo, th[1]).solution()), b, hi);
    return Tensor.concat(0, g);
  }
}
