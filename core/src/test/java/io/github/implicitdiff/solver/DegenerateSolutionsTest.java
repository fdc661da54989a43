package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.DenseSolve;
import io.github.implicitdiff.projection.Degeneracy;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Degenerate solutions (a coordinate exactly at a kink of the prox or projection) are flagged in the
 * result, and the implicit derivative there follows the documented convention: the coordinate is held on
 * the non-smooth side of its kink.
 */
class DegenerateSolutionsTest {
  private static final int D = 6;

  /** A random SPD matrix with eigenvalues in [1, 3]. */
  static Tensor spd(Random rng, int n) {
    Tensor A = Tensor.randn(rng, n, n);
    Tensor Q = A.matmul(A.T()).div(n);
    return Q.add(Tensor.eye(n)).div(Math.max(1, Q.maxAbs() / 2));
  }

  /** f(w; b) = ½wᵀQw − bᵀw. */
  static Objective quadratic(Tensor Q) {
    return (w, th) -> w.dot(Q.matmul(w)).mul(0.5).sub(th[0].dot(w));
  }

  /** Q restricted to rows and columns {@code idx}. */
  static Tensor sub(Tensor Q, int[] idx) {
    return Q.take(idx, 0).take(idx, 1);
  }

  /**
   * Lasso min ½wᵀQw − bᵀw + λ‖w‖₁ with support S = {0, 1, 2} (signs +, −, +), coordinate 3 degenerate
   * (∇₃f(w*) = −λ exactly, w*₃ = 0) and coordinates 4, 5 strictly inactive. Returns (Q, b, w*).
   */
  static Tensor[] degenerateLasso(long seed, double lambda) {
    Random rng = new Random(seed);
    Tensor Q = spd(rng, D);
    Tensor w = Tensor.of(1.0, -0.7, 0.5, 0, 0, 0);
    Tensor g = Tensor.of(-lambda, lambda, -lambda, -lambda, 0.3 * lambda, -0.5 * lambda); // ∇f(w*) = Qw* − b
    return new Tensor[] {Q, Q.matmul(w).sub(g), w};
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void lassoAtTheSoftThresholdIsFlaggedAndDifferentiatedByConvention(long seed) {
    double lambda = 0.4;
    Tensor[] p = degenerateLasso(seed, lambda);
    Tensor Q = p[0], b = p[1];
    ProximalGradient pg = ProximalGradient.of(quadratic(Q), ProximalOperator.lasso(), 1).withAcceleration(true)
        .withDegeneracyCheck(DegeneracyCheck.lasso());
    Tensor lam = Tensor.scalar(lambda);
    SolverResult r = pg.run(Tensor.zeros(D), b, lam);
    assertTrue(r.converged());
    assertClose(p[2], r.solution(), 1e-7, "solution");
    assertTrue(r.degenerate());
    assertEquals(List.of(3), r.degeneracy().indices());

    // convention: w₃ held at 0; on S = {0, 1, 2}: ∂w_S/∂λ = −Q_SS⁻¹ σ_S, ∂w_S/∂b = Q_SS⁻¹ on S's columns
    int[] S = {0, 1, 2};
    Tensor sigma = Tensor.of(1, -1, 1);
    Tensor dwS = DenseSolve.solve(sub(Q, S), sigma).neg();
    Tensor expectedLambda = Tensor.concat(0, dwS, Tensor.zeros(3));
    Tensor implicitLambda = AD.jacobian(l -> pg.run(Tensor.zeros(D), b, l).solution(), lam, AD.Mode.REVERSE);
    assertClose(expectedLambda, implicitLambda, 1e-6, "∂w/∂λ reverse");
    assertClose(expectedLambda, AD.jacobian(l -> pg.run(Tensor.zeros(D), b, l).solution(), lam, AD.Mode.FORWARD), 1e-6,
        "∂w/∂λ forward");
    // it is the one-sided derivative on the side of λ where w₃ stays 0; on the other side w₃ joins the support
    ProximalGradient tight = pg.withTol(1e-13);
    Tensor base = tight.run(Tensor.zeros(D), b, lam).solution();
    Tensor plus = tight.run(Tensor.zeros(D), b, Tensor.scalar(lambda + 1e-6)).solution();
    Tensor minus = tight.run(Tensor.zeros(D), b, Tensor.scalar(lambda - 1e-6)).solution();
    Tensor right = plus.sub(base).div(1e-6), left = base.sub(minus).div(1e-6);
    boolean heldOnTheRight = plus.get(3) == 0;
    assertTrue(heldOnTheRight != (minus.get(3) == 0), "w₃ stays 0 on exactly one side: " + plus + " " + minus);
    assertClose(expectedLambda, heldOnTheRight ? right : left, 1e-5, "one-sided difference where w₃ = 0");
    assertTrue((heldOnTheRight ? left : right).sub(expectedLambda).maxAbs() > 1e-2, "the other one-sided derivative differs");

    Tensor expectedB = Tensor.zeros(D, D);
    Tensor inv = SolverTestSupport.gauss(sub(Q, S), Tensor.eye(3));
    double[][] e = expectedB.toArray2d();
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) e[i][j] = inv.get(i, j);
    assertClose(Tensor.of(e), AD.jacobian(bb -> pg.run(Tensor.zeros(D), bb, lam).solution(), b, AD.Mode.REVERSE), 1e-6, "∂w/∂b");
  }

  @Test
  void withoutACheckNothingIsReported() {
    Tensor[] p = degenerateLasso(1, 0.4);
    SolverResult r = ProximalGradient.of(quadratic(p[0]), ProximalOperator.lasso(), 1).run(Tensor.zeros(D), p[1], Tensor.scalar(0.4));
    assertFalse(r.degenerate());
    assertEquals(Degeneracy.none(), r.degeneracy());
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15})
  void genericLassoAndElasticNetProblemsAreNotFlagged(long seed) {
    LassoReference p = LassoReference.random(seed, 30, 8);
    double lambda = 0.3 * p.lambdaMax();
    SolverResult lasso = ProximalGradient.of(p.smoothPart(), ProximalOperator.lasso(), 1).withAcceleration(true)
        .withDegeneracyCheck(DegeneracyCheck.lasso()).run(Tensor.zeros(8), p.y(), Tensor.scalar(lambda));
    assertTrue(lasso.converged());
    assertTrue(LassoReference.support(lasso.solution()).length < 8, "the problem must have zeros");
    assertFalse(lasso.degenerate(), "seed " + seed + ": " + lasso.degeneracy());
    assertEquals(8, lasso.degeneracy().size());
    SolverResult net = ProximalGradient.of(p.smoothPart(), ProximalOperator.elasticNet(), 2)
        .withDegeneracyCheck(DegeneracyCheck.elasticNet()).run(Tensor.zeros(8), p.y(), Tensor.scalar(lambda), Tensor.scalar(0.1));
    assertFalse(net.degenerate(), "seed " + seed + ": " + net.degeneracy());
  }

  @Test
  void nonNegativeLassoAtItsKinkIsFlagged() {
    Random rng = new Random(5);
    Tensor Q = spd(rng, 4);
    double lambda = 0.3;
    Tensor w = Tensor.of(0.8, 0.4, 0, 0);
    Tensor g = Tensor.of(-lambda, -lambda, -lambda, 0.2); // ∇₂f = −λ: at the kink; ∇₃f > −λ: strictly inactive
    Tensor b = Q.matmul(w).sub(g);
    ProximalGradient pg = ProximalGradient.of(quadratic(Q), ProximalOperator.nonNegativeLasso(), 1)
        .withDegeneracyCheck(DegeneracyCheck.nonNegativeLasso());
    SolverResult r = pg.run(Tensor.zeros(4), b, Tensor.scalar(lambda));
    assertEquals(List.of(2), r.degeneracy().indices());
    Tensor expected = Tensor.concat(0, DenseSolve.solve(sub(Q, new int[] {0, 1}), Tensor.of(-1, -1)), Tensor.zeros(2));
    assertClose(expected, AD.jacobian(l -> pg.run(Tensor.zeros(4), b, l).solution(), Tensor.scalar(lambda)), 1e-6, "∂w/∂λ");
  }

  @Test
  void simplexTieIsFlaggedAndTheTiedCoordinateStaysOutOfTheSupport() {
    // min ½‖x − c‖² over the simplex: x* = proj(c) = (0.6, 0.4, 0) with τ = 0 = c₂, a tie
    Objective f = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);
    ProjectedGradient pg = ProjectedGradient.of(f, Projection.simplex(), 1).withDegeneracyCheck(DegeneracyCheck.simplex());
    Tensor c = Tensor.of(0.6, 0.4, 0), s = Tensor.scalar(1);
    SolverResult r = pg.run(Tensor.full(1.0 / 3, 3), c, s);
    assertClose(Tensor.of(0.6, 0.4, 0), r.solution(), 1e-8, "solution");
    assertEquals(List.of(2), r.degeneracy().indices());
    // convention: support {0, 1}: ∂x/∂c = I − 11ᵀ/2 on it, zero row and column for the tied coordinate
    Tensor expected = Tensor.of(new double[][] {{0.5, -0.5, 0}, {-0.5, 0.5, 0}, {0, 0, 0}});
    assertClose(expected, AD.jacobian(cc -> pg.run(Tensor.full(1.0 / 3, 3), cc, s).solution(), c, AD.Mode.REVERSE), 1e-7, "∂x/∂c");
    assertClose(Tensor.of(0.5, 0.5, 0), AD.jacobian(ss -> pg.run(Tensor.full(1.0 / 3, 3), c, ss).solution(), s), 1e-7, "∂x/∂s");
  }

  @Test
  void boxAtABoundWithZeroGradientIsFlaggedAndHeldAtTheBound() {
    // min ½(x − a)ᵀQ(x − a) over [0, 1]^n with the unconstrained minimizer a = (0.3, 0.6, 0, 0.5) on the bound x₂ = 0
    Tensor Q = spd(new Random(7), 4), a = Tensor.of(0.3, 0.6, 0, 0.5), lo = Tensor.zeros(4), hi = Tensor.ones(4);
    Objective f = (x, th) -> x.sub(th[0]).dot(Q.matmul(x.sub(th[0]))).mul(0.5);
    ProjectedGradient pg = ProjectedGradient.of(f, Projection.box(), 2).withDegeneracyCheck(DegeneracyCheck.box());
    SolverResult r = pg.run(Tensor.full(0.5, 4), a, lo, hi);
    assertClose(a, r.solution(), 1e-7, "solution");
    assertEquals(List.of(2), r.degeneracy().indices());
    // convention: x₂ = lo₂ held; free F = {0, 1, 3}: ∂x_F/∂a = Q_FF⁻¹ Q_F· (rows F of Q), ∂x₂/∂a = 0
    int[] F = {0, 1, 3};
    Tensor QFF = sub(Q, F), QF = Q.take(F, 0);
    Tensor dF = SolverTestSupport.gauss(QFF, QF); // x_F = a_F + Q_FF⁻¹ Q_F2 (a₂ − x₂)  ⇒  ∂x_F/∂a = Q_FF⁻¹ Q_F·
    double[][] e = new double[4][4];
    for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) e[F[i]][j] = dF.get(i, j);
    assertClose(Tensor.of(e), AD.jacobian(aa -> pg.run(Tensor.full(0.5, 4), aa, lo, hi).solution(), a, AD.Mode.REVERSE), 1e-6,
        "∂x/∂a");
    // the derivative flows to the active bound: ∂x₂/∂lo₂ = 1
    Tensor dlo = AD.jacobian(l -> pg.run(Tensor.full(0.5, 4), a, l, hi).solution(), lo, AD.Mode.FORWARD);
    assertEquals(1, dlo.get(2, 2), 1e-9);
  }

  /** The box QP of the brief: unconstrained minimizer exactly on a bound. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void boxQpWeaklyActiveBoundIsFlaggedAndFollowsTheConvention(long seed) {
    Random rng = new Random(seed);
    int n = 5;
    Tensor Q = spd(rng, n);
    Tensor xUnconstrained = Tensor.of(0.2, 0.7, 0, 0.4, 1); // coordinates 2 and 4 on the bounds 0 and 1
    Tensor c = Q.matmul(xUnconstrained).neg(), l = Tensor.zeros(n), u = Tensor.ones(n);
    BoxConstrainedQp qp = BoxConstrainedQp.of();
    SolverResult r = qp.run(Tensor.full(0.5, n), Q, c, l, u);
    assertClose(xUnconstrained, r.solution(), 1e-8, "solution");
    assertEquals(List.of(2, 4), r.degeneracy().indices());
    // held at the bounds: free F = {0, 1, 3}, ∂x_F/∂c = −Q_FF⁻¹ on F's columns, zero rows for 2 and 4
    int[] F = {0, 1, 3};
    Tensor inv = SolverTestSupport.gauss(sub(Q, F), Tensor.eye(3)).neg();
    double[][] e = new double[n][n];
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) e[F[i]][F[j]] = inv.get(i, j);
    assertClose(Tensor.of(e), AD.jacobian(cc -> qp.run(Tensor.full(0.5, n), Q, cc, l, u).solution(), c, AD.Mode.REVERSE), 1e-7,
        "∂x/∂c");
    Tensor du = AD.jacobian(uu -> qp.run(Tensor.full(0.5, n), Q, c, l, uu).solution(), u, AD.Mode.FORWARD);
    assertEquals(1, du.get(4, 4), 1e-9);
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23, 24})
  void genericBoxQpsAreNotFlagged(long seed) {
    Random rng = new Random(seed);
    int n = 6;
    Tensor Q = spd(rng, n), c = Tensor.randn(rng, n);
    SolverResult r = BoxConstrainedQp.of().run(Tensor.zeros(n), Q, c, Tensor.full(-0.3, n), Tensor.full(0.3, n));
    assertTrue(r.converged());
    double[] x = r.solution().toDoubleArray();
    assertTrue(java.util.Arrays.stream(x).anyMatch(v -> Math.abs(v) == 0.3), "some bound must be active");
    assertFalse(r.degenerate(), "seed " + seed + ": " + r.degeneracy());
    assertEquals(n, r.degeneracy().size());
  }

  @Test
  void aCheckThatDoesNotMatchTheOperatorIsRejected() {
    Tensor[] p = degenerateLasso(1, 0.4);
    ProximalGradient pg = ProximalGradient.of(quadratic(p[0]), ProximalOperator.lasso(), 1)
        .withDegeneracyCheck(DegeneracyCheck.elasticNet());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pg.run(Tensor.zeros(D), p[1], Tensor.scalar(0.4)));
    assertTrue(e.getMessage().contains("elasticNet"), e.getMessage());
  }
}
