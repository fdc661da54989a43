package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.linalg.LinearOperator;
import io.github.implicitdiff.linalg.PowerIteration;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The box-constrained QP min_x ½xᵀQx + cᵀx s.t. l ≤ x ≤ u, by projected gradient; θ = (Q, c, l, u),
 * all differentiable (Q through its symmetric part, which must be positive semidefinite). The bounds
 * must be finite, like every θ of a solver: for a one-sided box use a large finite bound.
 *
 * <p>One iteration: x_{k+1} = clip(x_k − η (Qx_k + c), l, u) with η = 1/L, L the largest eigenvalue
 * magnitude of Q estimated by 100 power iterations (on values). Stopping criterion: the projected-
 * gradient residual ‖clip(x_k − (Qx_k + c), l, u) − x_k‖₂ ≤ tol (zero exactly at the solution);
 * the solution is that x_k. Optimality: that residual as a fixed point, F(x; Q, c, l, u) =
 * clip(x − (Qx + c), l, u) − x (step 1: any step gives the same solutions and, at a strictly
 * complementary solution, the same derivative). ∂₁F is −Q on the free coordinates and −I on the
 * clipped ones, nonsingular for Q positive definite. Degenerate points: a coordinate at a bound with
 * zero gradient (weakly active: x_i − (Qx + c)_i within 1e-6 · max(1, max|x − (Qx + c)|) of l_i or u_i) is
 * a kink of the solution map; such coordinates are listed in the result's
 * {@link SolverResult#degeneracy()}, and the IMPLICIT derivative holds them at their bound (x_i = l_i,
 * ∂x_i = ∂l_i; the free coordinates then follow −(Q_ff)⁻¹(∂c_f + ∂Q_f· x + Q_fb ∂x_b)), i.e. the
 * one-sided derivative along perturbations that keep the bound active. Iterations are tensor
 * operations, so UNROLLED differentiates through them (linear convergence, rate 1 − λ_min/λ_max).
 * Defaults: maxIterations 10000, tol 1e-10, IMPLICIT, GMRES.
 *
 * <pre>{@code
 * Tensor x = BoxConstrainedQp.of().run(Tensor.zeros(n), Q, c, Tensor.zeros(n), Tensor.ones(n)).orThrow();
 * Tensor dxdc = AD.jacobian(cc -> box.run(Tensor.zeros(n), Q, cc, l, u).solution(), c);   // −(Q_ff)⁻¹ on the free block
 * }</pre>
 */
public final class BoxConstrainedQp extends Optimizer<BoxConstrainedQp> {
  private static final String NAME = "BoxConstrainedQp";
  private static final int POWER_ITERATIONS = 100;
  private static final DegeneracyCheck BOX = DegeneracyCheck.box();

  private BoxConstrainedQp(OptimizerSettings settings) {
    super(settings);
  }

  /** Projected gradient on the box QP: at most 10 000 iterations, tol 1e-10 (see the class comment). */
  public static BoxConstrainedQp of() {
    return new BoxConstrainedQp(OptimizerSettings.defaults(10_000, 1e-10));
  }

  @Override
  BoxConstrainedQp with(OptimizerSettings s) {
    return new BoxConstrainedQp(s);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "projected gradient converges at the rate 1 − λ_min(Q)/λ_max(Q): raise maxIterations, rescale the problem"
        + " or add a ridge to Q when it is ill-conditioned, or loosen tol";
  }

  /** F(x; Q, c, l, u) = clip(x − (½(Q + Qᵀ)x + c), l, u) − x. */
  @Override
  public Optimality optimality() {
    return optimality(Degeneracy.none());
  }

  /** F with the weakly active coordinates of {@code d} held at their bound (see {@link DegeneracyCheck#box()}). */
  private static Optimality optimality(Degeneracy d) {
    return (x, th) -> BOX.settle(x.sub(gradient(x, th)), d, 1, new Tensor[] {th[2], th[3]}).maximum(th[2]).minimum(th[3]).sub(x);
  }

  private static Tensor gradient(Tensor x, Tensor[] th) {
    return th[0].add(th[0].T()).mul(0.5).matmul(x).add(th[1]);
  }

  /**
   * Iterates from {@code init} (projected onto the box first; not modified).
   *
   * @param theta (Q (n×n), c (n), l (n), u (n)) with l ≤ u
   */
  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    Guards.requirePresent(NAME, theta);
    Guards.requireCount(NAME, theta, 4, "(Q, c, l, u)");
    validate(init, theta);
    return solve(init, theta, (x0, th) -> inspect(iterate(x0, th), th),
        r -> new Iterations.Backward(optimality(r.degeneracy()), linearSolver()));
  }

  /** r with its weakly active coordinates: x_i at a bound with (Qx + c)_i ≈ 0, i.e. x − (Qx + c) at a kink of the clip. */
  private static SolverResult inspect(SolverResult r, Tensor[] theta) {
    Tensor x = r.solution().concrete();
    Tensor[] th = java.util.Arrays.stream(theta).map(Tensor::concrete).toArray(Tensor[]::new);
    return r.withDegeneracy(BOX.inspect(x.sub(gradient(x, th)), 1, new Tensor[] {th[2], th[3]}));
  }

  private SolverResult iterate(Tensor x, Tensor[] theta) {
    Tensor l = theta[2], u = theta[3];
    double step = 1 / largestEigenvalue(theta[0].concrete());
    x = x.maximum(l).minimum(u);
    double error = Double.NaN, first = Double.NaN;
    for (int k = 0; k < maxIterations(); k++) {
      Tensor g = gradient(x, theta);
      Tensor xc = x.concrete();
      error = xc.sub(g.concrete()).maximum(l.concrete()).minimum(u.concrete()).sub(xc).norm2();
      if (k == 0) first = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverged(NAME, k, error, first);
      x = x.sub(g.mul(step)).maximum(l).minimum(u);
      Guards.requireFinite(NAME, k + 1, "x", x);
    }
    return new SolverResult(x, maxIterations(), error, false);
  }

  /** max |λ(Q_sym)| by {@value #POWER_ITERATIONS} power iterations from a fixed generic start (values only). */
  private static double largestEigenvalue(Tensor Q) {
    int n = Q.dim(0);
    Tensor S = Q.add(Q.T()).mul(0.5);
    double[] start = new double[n];
    for (int i = 0; i < n; i++) start[i] = 1 + 0.1 * i;
    double lambda = PowerIteration.run(LinearOperator.dense(S), Tensor.of(start), POWER_ITERATIONS, 0).value();
    if (!(lambda > 0))
      throw new IllegalArgumentException(NAME + ": Q is zero (or nearly): the problem is a linear program over a box,"
          + " which projected gradient with step 1/‖Q‖ cannot solve; add a ridge to Q");
    return lambda;
  }

  private static void validate(Tensor init, Tensor[] theta) {
    Tensor Q = theta[0], c = theta[1], l = theta[2], u = theta[3];
    if (c.ndim() != 1) throw new ShapeException(NAME + ": c must be a vector, got shape " + c.shapeString());
    int n = c.dim(0);
    if (Q.ndim() != 2 || Q.dim(0) != n || Q.dim(1) != n)
      throw new ShapeException(NAME + ": Q must have shape (" + n + ", " + n + "), got " + Q.shapeString());
    for (Tensor t : new Tensor[] {l, u, init})
      if (t == null || t.ndim() != 1 || t.dim(0) != n)
        throw new ShapeException(NAME + ": l, u and init must be vectors of length " + n + ", got "
            + (t == null ? "null" : t.shapeString()));
    Q.requireFinite(NAME + ": Q");
    c.requireFinite(NAME + ": c");
    // a negative diagonal entry proves Q indefinite: projected gradient would stop at a stationary point that is
    // not the minimum (O(n); a full positive-semidefiniteness test would cost a factorization)
    double[] q = Q.toDoubleArray();
    for (int i = 0; i < n; i++)
      if (q[i * n + i] < 0)
        throw new IllegalArgumentException(NAME + ": Q must be positive semidefinite, but Q[" + i + ", " + i + "] = "
            + q[i * n + i] + " < 0; the QP is not convex");
    double[] lo = l.toDoubleArray(), hi = u.toDoubleArray();
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(lo[i]) || Double.isNaN(hi[i])) throw new NonFiniteException(NAME + ": l or u is NaN at index " + i);
      if (lo[i] > hi[i])
        throw new IllegalArgumentException(NAME + ": the box is empty: l[" + i + "] = " + lo[i] + " > u[" + i + "] = " + hi[i]);
    }
  }
}
