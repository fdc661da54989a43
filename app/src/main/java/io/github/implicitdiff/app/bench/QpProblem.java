package io.github.implicitdiff.app.bench;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.linalg.DenseSolve;
import io.github.implicitdiff.solver.Differentiation;
import io.github.implicitdiff.solver.InteriorPointQp;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The QP x*(c, h) = argmin ½xᵀQx + cᵀx s.t. Gx ≤ h (n variables, m inequalities, no equalities), Q = MᵀM/n
 * + 0.1 I, G Gaussian/√n, h = G x₀ + u with u uniform in [0.1, 1] (x₀ = 0 strictly feasible), c Gaussian;
 * outer loss ½‖x* − t‖², differentiated in (c, h).
 *
 * <p>Solve and implicit: {@link InteriorPointQp} (Mehrotra predictor–corrector with polishing; the implicit
 * VJP reuses one LU of the KKT Jacobian). Unrolled: {@link InteriorPointQp} does not record its iterations,
 * so the recorded run is a primal–dual path-following method written here in tensor operations (a
 * {@link DenseSolve} of the reduced Newton system Q + Gᵀdiag(z/s)G per iteration, centering σ = 0.1,
 * fraction-to-boundary 0.99 with the step length taken from values), run to the same KKT tolerance and
 * differentiated in reverse mode.
 */
final class QpProblem implements SolverProblem {
  private final int n, m;
  private final Tensor Q, c, G, h, A, b, target;
  private final double tol;
  private Consumer<ImplicitDiagnostics> listener;
  private int recordedIterations = -1;

  QpProblem(long seed, int n, int m, double tol) {
    Random rng = new Random(seed);
    this.n = n;
    this.m = m;
    this.tol = tol;
    Tensor M = Tensor.randn(rng, n, n);
    Q = M.T().matmul(M).div(n).add(Tensor.eye(n).mul(0.1));
    c = Tensor.randn(rng, n);
    G = Tensor.randn(rng, m, n).div(Math.sqrt(n));
    h = Tensor.uniform(rng, 0.1, 1, m);
    A = Tensor.zeros(0, n);
    b = Tensor.zeros(0);
    target = Tensor.randn(rng, n).mul(0.1);
  }

  @Override
  public String name() {
    return "qp-interior-point";
  }

  @Override
  public String describe() {
    var s = InteriorPointQp.of().withTol(tol).run(Q, c, A, b, G, h).orThrow();
    int active = 0;
    double[] mu = s.inequalityDual().toDoubleArray();
    for (double v : mu) if (v > 1e-8) active++;
    return name() + ": n = " + n + ", m = " + m + " inequalities, " + active + " active at x*; gradient in (c, h); unrolled = "
        + recordedIterations + " recorded primal–dual path-following iterations in tensor ops (InteriorPointQp does not record"
        + " its Mehrotra iterations)";
  }

  @Override
  public void listen(Consumer<ImplicitDiagnostics> l) {
    listener = l;
  }

  private InteriorPointQp solver() {
    return InteriorPointQp.of().withTol(tol).withImplicitOptions(ImplicitOptions.defaults().withListener(listener));
  }

  private Tensor loss(Tensor x) {
    return x.sub(target).square().sum().mul(0.5);
  }

  @Override
  public int solve() {
    return solver().run(Q, c, A, b, G, h).orThrow().iterations();
  }

  @Override
  public Tensor implicitGradient() {
    InteriorPointQp qp = solver().withDifferentiation(Differentiation.IMPLICIT);
    Tensor[] g = AD.gradAll(th -> loss(qp.run(Q, th[0], A, b, G, th[1]).orThrow().primal()), c, h);
    return Tensor.concat(0, g);
  }

  /** The recorded path-following method stops at its own KKT tolerance (its iteration count is reported separately). */
  @Override
  public int unrolledIterations(int solveIterations) {
    if (recordedIterations < 0) pathFollowing(c, h);
    return recordedIterations;
  }

  @Override
  public Tensor unrolledGradient(int iterations) {
    Tensor[] g = AD.gradAll(th -> loss(pathFollowing(th[0], th[1])), c, h);
    return Tensor.concat(0, g);
  }

  /**
   * Primal–dual path following for Gx + s = h, s, z ≥ 0: Newton steps on (Qx + c + Gᵀz, Gx + s − h, s∘z − σ·gap)
   * through the reduced system (Q + Gᵀ diag(z/s) G) dx = −r_d − Gᵀ((z∘r_p − r_c)/s), in tensor operations.
   * Stops when max(‖r_d‖∞, ‖r_p‖∞, sᵀz/m) ≤ tol · (1 + max|data|), at most 500 iterations.
   */
  private Tensor pathFollowing(Tensor cc, Tensor hh) {
    double scale = 1 + Math.max(Math.max(Q.maxAbs(), cc.maxAbs()), Math.max(G.maxAbs(), hh.maxAbs()));
    Tensor x = Tensor.zeros(n), s = hh.sub(G.matmul(x)), z = Tensor.ones(m);
    double sigma = 0.1;
    for (int it = 0; it < 500; it++) {
      Tensor rd = Q.matmul(x).add(cc).add(G.T().matmul(z));
      Tensor rp = G.matmul(x).add(s).sub(hh);
      Tensor gap = s.dot(z).div(m);
      double err = Math.max(Math.max(rd.maxAbs(), rp.maxAbs()), gap.item());
      if (err <= tol * scale) {
        recordedIterations = it;
        return x;
      }
      Tensor rc = s.mul(z).sub(gap.mul(sigma));
      Tensor D = z.div(s);
      Tensor K = Q.add(G.T().matmul(G.mul(D.expandDims(1))));
      Tensor rhs = rd.neg().sub(G.T().matmul(z.mul(rp).sub(rc).div(s)));
      Tensor dx = DenseSolve.solve(K, rhs);
      Tensor ds = rp.neg().sub(G.matmul(dx));
      Tensor dz = rc.neg().sub(z.mul(ds)).div(s);
      double alpha = Math.min(1, 0.99 * Math.min(maxStep(s, ds), maxStep(z, dz)));
      x = x.add(dx.mul(alpha));
      s = s.add(ds.mul(alpha));
      z = z.add(dz.mul(alpha));
    }
    throw new IllegalStateException("bench solvers: the recorded path-following QP method did not converge in 500 iterations");
  }

  /** The largest α with v + α dv ≥ 0 (values only). */
  private static double maxStep(Tensor v, Tensor dv) {
    double[] a = v.toDoubleArray(), d = dv.toDoubleArray();
    double step = Double.POSITIVE_INFINITY;
    for (int i = 0; i < a.length; i++) if (d[i] < 0) step = Math.min(step, -a[i] / d[i]);
    return step;
  }
}
