package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.MultiFunction;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.implicit.TupleOptimality;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The convex QP min_x ½xᵀQx + cᵀx s.t. Ax = b, Gx ≤ h by a primal–dual interior-point method, with
 * θ = (Q, c, A, b, G, h) all differentiable (Q through its symmetric part; p = 0 or m = 0 rows allowed).
 * Returns x, the equality duals ν and the inequality duals μ ≥ 0.
 *
 * <p>One iteration: Mehrotra's predictor–corrector step on the slack form Gx + s = h, s, μ ≥ 0 (one
 * dense LU of the reduced Newton system [[Q + Gᵀdiag(μ/s)G, Aᵀ], [A, 0]] per iteration). Once the
 * residuals and the gap sᵀμ/m are below 1e-5 (relative), each iteration also tries to polish: solve
 * the equality-constrained QP of the active set {i : μ_i > s_i} exactly and accept it when its KKT
 * error is ≤ tol. Stopping criterion: KKT error ≤ tol, the error being the ∞-norm of (stationarity
 * Qx + c + Aᵀν + Gᵀμ, Ax − b, max(Gx − h, 0), max(−μ, 0), μ ⊙ (h − Gx)) divided by 1 + max|data|.
 * Defaults: maxIterations 100, tol 1e-10, degeneracyTol 1e-7.
 *
 * <p>Failures are loud. When the interior-point method does not converge, a phase-I problem (the least
 * uniform violation t* of Gx ≤ h + t subject to Ax = b) decides: t* &gt; 1e-6 · (1 + max|data|)
 * raises IllegalArgumentException "infeasible"; otherwise NotConvergedException (Q may not be positive
 * definite on the feasible set: unbounded). Dependent equality rows raise SingularMatrixException;
 * NaN data NonFiniteException.
 *
 * <p>Optimality (a {@link TupleOptimality} over (x, ν, μ)): F = (Qx + c + Aᵀν + Gᵀμ, Ax − b,
 * μ ⊙ (Gx − h)). The complementarity row i has Jacobian [μ_i G_i, 0, (Gx − h)_i]; at a strictly
 * complementary solution exactly one of μ_i, (Gx − h)_i is zero, and with linearly independent active
 * constraints and Q positive definite on their null space ∂₁F is nonsingular. Degenerate case: a
 * weakly active constraint (μ_i = 0 and G_i x = h_i) makes that row zero, ∂₁F singular, and the
 * solution map non-differentiable (it has a kink). Such constraints are detected (μ_i and |h_i − G_i x|
 * both ≤ degeneracyTol · (1 + max|data|)) and listed in {@link QpSolution#weaklyActive()}; in IMPLICIT
 * mode differentiating at such a point raises SingularMatrixException naming them.
 *
 * <p>Differentiation. IMPLICIT (default): x*, ν*, μ* attached to the optimality by
 * {@link Implicit#customRoot}; the implicit systems reuse one factorization of the KKT Jacobian at the
 * solution (checked by a product with the true ∂₁F): {@link ReducedKkt}, an exact elimination of the
 * complementarity rows that leaves a symmetric system of order n + p + (number of active constraints). UNROLLED: the interior-point iterations run on
 * values and are not recorded; instead the final polishing solve, the equality-constrained QP of the
 * identified active set, is written in tensor operations and differentiated by the dense solve's own
 * rule — an independent path that equals the implicit derivative away from degenerate points (and gives
 * a one-sided derivative at them, without an exception).
 *
 * <pre>{@code
 * var qp = InteriorPointQp.of();
 * QpSolution s = qp.run(Q, c, A, b, G, h).orThrow();
 * Tensor dxdh = AD.jacobian(hh -> qp.run(Q, c, A, b, G, hh).primal(), h);
 * }</pre>
 */
public final class InteriorPointQp {
  private static final String NAME = "InteriorPointQp";
  private final int maxIterations;
  private final double tol;
  private final double degeneracyTol;
  private final Differentiation differentiation;
  private final ImplicitOptions implicitOptions;

  /**
   * The interior-point QP solver with its defaults (at most 100 iterations, tol 1e-10, degeneracyTol 1e-7,
   * IMPLICIT differentiation); change them with the withers, like every solver in this package.
   */
  public static InteriorPointQp of() {
    return new InteriorPointQp(100, 1e-10, 1e-7, Differentiation.IMPLICIT, ImplicitOptions.defaults());
  }

  private InteriorPointQp(int maxIterations, double tol, double degeneracyTol, Differentiation differentiation,
      ImplicitOptions implicitOptions) {
    if (maxIterations < 1) throw new IllegalArgumentException(NAME + ": maxIterations must be ≥ 1, got " + maxIterations);
    if (!(tol > 0) || !Double.isFinite(tol)) throw new IllegalArgumentException(NAME + ": tol must be finite and > 0, got " + tol);
    if (!(degeneracyTol >= 0) || !Double.isFinite(degeneracyTol))
      throw new IllegalArgumentException(NAME + ": degeneracyTol must be finite and ≥ 0, got " + degeneracyTol);
    if (differentiation == null || implicitOptions == null)
      throw new IllegalArgumentException(NAME + ": differentiation and implicitOptions must not be null");
    this.maxIterations = maxIterations;
    this.tol = tol;
    this.degeneracyTol = degeneracyTol;
    this.differentiation = differentiation;
    this.implicitOptions = implicitOptions;
  }

  public int maxIterations() { return maxIterations; }
  public double tol() { return tol; }
  public double degeneracyTol() { return degeneracyTol; }
  public Differentiation differentiation() { return differentiation; }
  public InteriorPointQp withMaxIterations(int n) { return new InteriorPointQp(n, tol, degeneracyTol, differentiation, implicitOptions); }
  public InteriorPointQp withTol(double t) { return new InteriorPointQp(maxIterations, t, degeneracyTol, differentiation, implicitOptions); }
  public InteriorPointQp withDegeneracyTol(double t) { return new InteriorPointQp(maxIterations, tol, t, differentiation, implicitOptions); }
  public InteriorPointQp withDifferentiation(Differentiation d) { return new InteriorPointQp(maxIterations, tol, degeneracyTol, d, implicitOptions); }
  public InteriorPointQp withImplicitOptions(ImplicitOptions o) { return new InteriorPointQp(maxIterations, tol, degeneracyTol, differentiation, o); }

  /** F(x, ν, μ; Q, c, A, b, G, h) = (½(Q + Qᵀ)x + c + Aᵀν + Gᵀμ, Ax − b, μ ⊙ (Gx − h)). */
  public TupleOptimality optimality() {
    return (z, th) -> {
      Tensor x = z[0], nu = z[1], mu = z[2], Q = th[0], A = th[2], G = th[4];
      Tensor stationarity = Q.add(Q.T()).mul(0.5).matmul(x).add(th[1]).add(A.T().matmul(nu)).add(G.T().matmul(mu));
      return new Tensor[] {stationarity, A.matmul(x).sub(th[3]), mu.mul(G.matmul(x).sub(th[5]))};
    };
  }

  /**
   * Solves the QP; primal and duals are differentiable in every θ.
   *
   * @param theta (Q (n×n), c (n), A (p×n), b (p), G (m×n), h (m)); not modified
   */
  public QpSolution run(Tensor... theta) {
    QpData d = QpData.of(NAME, theta, true);
    boolean traced = Arrays.stream(theta).anyMatch(Tensor::isTraced);
    QpSolution concrete = solveConcrete(d);
    if (!traced) return concrete;
    if (differentiation == Differentiation.UNROLLED) {
      Tensor[] z = ActiveSetKkt.solveDifferentiable(theta, activeSet(d, concrete), true);
      return new QpSolution(z[0], z[1], z[2], concrete.iterations(), concrete.error(), concrete.converged(), concrete.weaklyActive());
    }
    KktFactorization[] factorization = new KktFactorization[1];
    MultiFunction solution = Implicit.customRoot(optimality(), th -> {
      QpData dc = QpData.of(NAME, th, true);
      QpSolution s = sameValues(th, theta) ? concrete : solveConcrete(dc);
      if (s.degenerate())
        throw new SingularMatrixException(NAME + ": the solution is degenerate: inequality constraints " + s.weaklyActive()
            + " are weakly active (μ_i = 0 and G_i x = h_i), so the KKT Jacobian is singular and the solution is not"
            + " differentiable here; perturb h or c, or use UNROLLED for a one-sided derivative");
      factorization[0] = ReducedKkt.factor(dc, s.primal().toDoubleArray(), s.inequalityDual().toDoubleArray(), NAME);
      return new Tensor[] {s.primal(), s.equalityDual(), s.inequalityDual()};
    }, new FactoredSolver(() -> factorization[0], 1e-10), implicitOptions);
    Tensor[] z = solution.apply(theta);
    return new QpSolution(z[0], z[1], z[2], concrete.iterations(), concrete.error(), concrete.converged(), concrete.weaklyActive());
  }

  private QpSolution solveConcrete(QpData d) {
    InteriorPointMethod.Outcome o;
    if (d.m == 0) {
      ActiveSetKkt.Solution z = ActiveSetKkt.solve(d, new int[0], NAME);
      o = new InteriorPointMethod.Outcome(z.x(), z.nu(), z.mu(), 0, d.kktError(z.x(), z.nu(), z.mu()), true, null);
    } else {
      o = InteriorPointMethod.solve(d, tol, maxIterations, NAME);
    }
    if (!o.converged()) diagnoseFailure(d, o);
    return new QpSolution(Tensor.of(o.x()), Tensor.of(o.nu()), Tensor.of(o.mu()), o.iterations(), o.error(), o.converged(),
        weaklyActive(d, o.x(), o.mu()));
  }

  /** Infeasible (phase I) → IllegalArgumentException; otherwise NotConvergedException with the reason. */
  private void diagnoseFailure(QpData d, InteriorPointMethod.Outcome o) {
    double violation;
    try {
      violation = InteriorPointMethod.leastViolation(d, 1e-9, maxIterations, NAME);
    } catch (SingularMatrixException e) {
      throw new SingularMatrixException(NAME + ": the equality constraints are degenerate: A has linearly dependent rows"
          + " (" + e.getMessage() + "); remove redundant rows of A");
    }
    if (violation > 1e-6 * d.scale)
      throw new IllegalArgumentException(NAME + ": the constraints are infeasible: no x satisfies Ax = b and Gx ≤ h; the"
          + " least uniform violation max_i (G_i x − h_i) over Ax = b is " + violation + "; check G and h (and A, b)");
    if (Double.isNaN(violation))
      throw new NotConvergedException(NAME + ": no convergence after " + o.iterations() + " iterations (KKT error " + o.error()
          + "): " + o.failure() + "; the feasibility check failed as well: the equality constraints Ax = b may be inconsistent");
    throw new NotConvergedException(NAME + ": no convergence after " + o.iterations() + " iterations (KKT error " + o.error()
        + "): " + o.failure() + "; the constraints are feasible, so the problem may be unbounded (Q not positive definite on"
        + " the feasible set) or badly scaled; raise maxIterations, add a ridge to Q, or rescale the data");
  }

  private List<Integer> weaklyActive(QpData d, double[] x, double[] mu) {
    double[] gx = QpData.mul(d.G, x);
    List<Integer> weak = new ArrayList<>();
    double threshold = degeneracyTol * d.scale;
    for (int i = 0; i < d.m; i++) if (Math.abs(d.h[i] - gx[i]) <= threshold && Math.abs(mu[i]) <= threshold) weak.add(i);
    return weak;
  }

  /** {i : μ_i > h_i − G_i x}, the constraints the solution holds at equality. */
  private static int[] activeSet(QpData d, QpSolution s) {
    double[] mu = s.inequalityDual().toDoubleArray(), gx = QpData.mul(d.G, s.primal().toDoubleArray());
    return java.util.stream.IntStream.range(0, d.m).filter(i -> mu[i] > d.h[i] - gx[i]).toArray();
  }

  /**
   * ∂₁F = [[Q, Aᵀ, Gᵀ], [A, 0, 0], [diag(μ) G, 0, diag(Gx − h)]] at (x, μ), dense: the reference for
   * {@link ReducedKkt}, which factors it by eliminating the complementarity rows.
   */
  static double[][] kktJacobian(QpData d, double[] x, double[] mu) {
    int n = d.n, p = d.p, m = d.m, size = n + p + m;
    double[] gx = QpData.mul(d.G, x);
    double[][] J = new double[size][size];
    for (int i = 0; i < n; i++) System.arraycopy(d.Q[i], 0, J[i], 0, n);
    for (int i = 0; i < p; i++) for (int j = 0; j < n; j++) J[n + i][j] = J[j][n + i] = d.A[i][j];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        J[j][n + p + i] = d.G[i][j];
        J[n + p + i][j] = mu[i] * d.G[i][j];
      }
      J[n + p + i][n + p + i] = gx[i] - d.h[i];
    }
    return J;
  }

  /** Whether two θ (validated, so of equal shapes) hold the same values, compared bit for bit as Arrays.equals does. */
  private static boolean sameValues(Tensor[] a, Tensor[] b) {
    for (int i = 0; i < a.length; i++)
      if (!Arrays.equals(a[i].concrete().toDoubleArray(), b[i].concrete().toDoubleArray())) return false;
    return true;
  }
}
