package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.Lu;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast KKT machinery of InteriorPointQp against its readable references: ReducedKkt (elimination of the
 * complementarity rows) against a plain LU of the dense ∂₁F ({@link InteriorPointQp#kktJacobian}), that dense ∂₁F
 * against the autodiff Jacobian of the optimality function, and DenseLu's band reordering against an LU in the
 * natural order.
 */
class ReducedKktTest {
  /** A random QP with n variables, p equalities and m inequalities (x0 strictly feasible), as in QpSolversTest. */
  static Tensor[] randomQp(long seed, int n, int p, int m) {
    Random rng = new Random(seed);
    Tensor M = Tensor.randn(rng, n, n), G = Tensor.randn(rng, m, n), x0 = Tensor.randn(rng, n).mul(0.3);
    Tensor h = G.matmul(x0).add(Tensor.uniform(rng, 0.05, 0.5, m)), A = Tensor.randn(rng, p, n);
    return new Tensor[] {M.matmul(M.T()).div(n).add(Tensor.eye(n)), Tensor.randn(rng, n).mul(3), A, A.matmul(x0), G, h};
  }

  /** The OptNet total-variation QP in (x, t): Q = diag(I, 0), c = (−y, λ1), G = [[D, −I], [−D, −I]], h = 0. */
  static Tensor[] tvQp(long seed, int n) {
    Random rng = new Random(seed);
    int k = n - 1;
    double[][] d = new double[k][n], q = new double[n + k][n + k];
    for (int i = 0; i < k; i++) {
      d[i][i] = -1;
      d[i][i + 1] = 1;
    }
    for (int i = 0; i < n; i++) q[i][i] = 1;
    Tensor D = Tensor.of(d), minusI = Tensor.eye(k).neg(), y = Tensor.randn(rng, n);
    Tensor G = Tensor.concat(0, Tensor.concat(1, D, minusI), Tensor.concat(1, D.neg(), minusI));
    Tensor c = Tensor.concat(0, y.neg(), Tensor.ones(k).mul(0.5));
    return new Tensor[] {Tensor.of(q), c, Tensor.zeros(0, n + k), Tensor.zeros(0), G, Tensor.zeros(2 * k)};
  }

  private static double relativeDifference(double[] a, double[] b) {
    double diff = 0, norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      norm = Math.max(norm, Math.abs(b[i]));
    }
    return diff / Math.max(norm, 1e-300);
  }

  /** ReducedKkt's J u = r and Jᵀ w = r against an LU of the dense J, at (x, μ). */
  private static void assertMatchesDenseLu(QpData d, double[] x, double[] mu, Random rng, double tol, String what) {
    Lu reference = Lu.factor(Tensor.of(InteriorPointQp.kktJacobian(d, x, mu)));
    ReducedKkt reduced = ReducedKkt.factor(d, x, mu, "test");
    for (int trial = 0; trial < 3; trial++) {
      Tensor r = Tensor.randn(rng, d.n + d.p + d.m);
      assertTrue(relativeDifference(reduced.solve(r.toDoubleArray()), reference.solve(r).toDoubleArray()) < tol, what + " J u = r");
      assertTrue(relativeDifference(reduced.solveTranspose(r.toDoubleArray()), reference.solveTranspose(r).toDoubleArray()) < tol,
          what + " Jᵀ w = r");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void reducedSolvesEqualTheDenseKktJacobianAtTheSolution(long seed) {
    Tensor[] th = randomQp(seed, 12, 2, 18);
    QpData d = QpData.of("test", th, true);
    QpSolution s = InteriorPointQp.of().run(th);
    assertMatchesDenseLu(d, s.primal().toDoubleArray(), s.inequalityDual().toDoubleArray(), new Random(seed), 1e-9, "seed " + seed);
    Tensor[] tv = tvQp(seed, 20);
    QpSolution st = InteriorPointQp.of().run(tv);
    assertMatchesDenseLu(QpData.of("test", tv, true), st.primal().toDoubleArray(), st.inequalityDual().toDoubleArray(),
        new Random(seed), 1e-9, "tv seed " + seed);
  }

  /** Away from a solution (an interior iterate: every μ_i and slack nonzero, either may be larger) the elimination is still exact. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void reducedSolvesEqualTheDenseKktJacobianAtInteriorPoints(long seed) {
    Tensor[] th = randomQp(seed, 10, 1, 15);
    QpData d = QpData.of("test", th, true);
    Random rng = new Random(seed + 10);
    double[] x = Tensor.randn(rng, d.n).mul(0.1).toDoubleArray(), mu = new double[d.m];
    for (int i = 0; i < d.m; i++) mu[i] = Math.exp(4 * rng.nextGaussian()); // some above, some below the slacks
    assertMatchesDenseLu(d, x, mu, rng, 1e-8, "seed " + seed);
  }

  /** The dense ∂₁F that ReducedKkt is tested against is the autodiff Jacobian of InteriorPointQp's optimality function. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void denseKktJacobianEqualsTheAutodiffJacobian(long seed) {
    Tensor[] th = randomQp(seed, 6, 1, 8);
    QpData d = QpData.of("test", th, true);
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, 6), nu = Tensor.randn(rng, 1), mu = Tensor.uniform(rng, 0, 2, 8);
    var F = InteriorPointQp.of().optimality();
    Tensor J = AD.jacobian(z -> Tensor.concat(0, F.apply(new Tensor[] {z.slice(0, 0, 6), z.slice(0, 6, 7), z.slice(0, 7, 15)}, th)),
        Tensor.concat(0, x, nu, mu));
    assertTrue(J.allClose(Tensor.of(InteriorPointQp.kktJacobian(d, x.toDoubleArray(), mu.toDoubleArray())), 1e-12));
  }

  @Test
  void aWeaklyActiveConstraintIsAZeroRowAndSingular() {
    Tensor[] th = QpSolversTest.degenerate();
    QpData d = QpData.of("test", th, true);
    var e = assertThrows(SingularMatrixException.class, () -> ReducedKkt.factor(d, new double[] {1, 0}, new double[] {0}, "test"));
    assertTrue(e.getMessage().contains("weakly active"), e.getMessage());
  }

  /** The Newton and KKT matrices of the TV QP are reordered to a band; solves equal those of an LU in the natural order. */
  @Test
  void bandReorderedLuSolvesEqualTheNaturalOrder() {
    Tensor[] tv = tvQp(7, 30);
    QpData d = QpData.of("test", tv, true);
    Random rng = new Random(7);
    double[] W = new double[d.m];
    for (int i = 0; i < d.m; i++) W[i] = Math.exp(3 * rng.nextGaussian());
    double[][] K = InteriorPointMethod.reducedMatrix(d, W);
    int[] order = BandOrdering.of(K);
    assertNotNull(order, "the TV Newton matrix should be reordered");
    int n = K.length, band = 0;
    double[][] P = BandOrdering.permute(K, order);
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (P[i][j] != 0) band = Math.max(band, Math.abs(i - j));
    assertTrue(band <= 8, "bandwidth " + band);
    Lu natural = Lu.factor(Tensor.of(K), 0);
    DenseLu reordered = DenseLu.factorAnyNonzeroPivot(K, "test");
    Tensor r = Tensor.randn(rng, n);
    assertTrue(relativeDifference(reordered.solve(r.toDoubleArray()), natural.solve(r).toDoubleArray()) < 1e-10);
    assertTrue(relativeDifference(reordered.solveTranspose(r.toDoubleArray()), natural.solveTranspose(r).toDoubleArray()) < 1e-10);
    // a dense matrix keeps its order
    assertNull(BandOrdering.of(InteriorPointMethod.reducedMatrix(QpData.of("test", randomQp(1, 12, 2, 18), true), new double[18])));
  }
}
