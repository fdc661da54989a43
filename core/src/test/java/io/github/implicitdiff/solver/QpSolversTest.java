package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The three QP solvers against active-set enumeration, closed-form inverse-KKT derivatives and finite differences. */
class QpSolversTest {
  static Tensor spd(Random rng, int n) {
    Tensor M = Tensor.randn(rng, n, n);
    return M.matmul(M.T()).div(n).add(Tensor.eye(n));
  }

  // ---------------------------------------------------------------- equality-constrained

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void equalityQpSolutionAndDerivativesMatchInverseKkt(long seed) {
    Random rng = new Random(seed);
    int n = 5, p = 2;
    Tensor Q = spd(rng, n), A = Tensor.randn(rng, p, n), c = Tensor.randn(rng, n), b = Tensor.randn(rng, p);
    Tensor K = Tensor.concat(0, Tensor.concat(1, Q, A.T()), Tensor.concat(1, A, Tensor.zeros(p, p)));
    Tensor Kinv = Reference.solve(K, Tensor.eye(n + p));
    Tensor z = Kinv.matmul(Tensor.concat(0, c.neg(), b));
    var qp = EqualityConstrainedQp.of();
    QpSolution s = qp.run(Q, c, A, b);
    assertTrue(s.primal().allClose(z.slice(0, 0, n), 1e-12) && s.equalityDual().allClose(z.slice(0, n, n + p), 1e-12));
    assertTrue(s.error() < 1e-13);
    Tensor dxdc = Kinv.slice(0, 0, n).slice(1, 0, n).neg(), dxdb = Kinv.slice(0, 0, n).slice(1, n, n + p);
    for (Differentiation mode : Differentiation.values()) {
      var solver = qp.withDifferentiation(mode);
      assertTrue(AD.jacobian(cc -> solver.run(Q, cc, A, b).primal(), c, AD.Mode.REVERSE).allClose(dxdc, 1e-10), mode + " c");
      assertTrue(AD.jacobian(bb -> solver.run(Q, c, A, bb).primal(), b, AD.Mode.FORWARD).allClose(dxdb, 1e-10), mode + " b");
      // Q and A: a scalar loss's gradient against a directional finite difference
      Tensor dQ = Tensor.randn(rng, n, n), dA = Tensor.randn(rng, p, n), w = Tensor.randn(rng, n);
      Tensor[] g = AD.gradAll(th -> solver.run(th[0], c, th[1], b).primal().dot(w), Q, A);
      double eps = 1e-6;
      double fd = (qp.run(Q.add(dQ.mul(eps)), c, A.add(dA.mul(eps)), b).primal().vdot(w)
          - qp.run(Q.sub(dQ.mul(eps)), c, A.sub(dA.mul(eps)), b).primal().vdot(w)) / (2 * eps);
      assertEquals(fd, g[0].vdot(dQ) + g[1].vdot(dA), 1e-7 * (1 + Math.abs(fd)), mode + " Q, A");
    }
  }

  @Test
  void equalityQpWithDependentRowsIsSingular() {
    Tensor A = Tensor.of(new double[][] {{1, 1, 0}, {2, 2, 0}});
    var e = assertThrows(SingularMatrixException.class,
        () -> EqualityConstrainedQp.of().run(Tensor.eye(3), Tensor.ones(3), A, Tensor.of(1, 2)));
    assertTrue(e.getMessage().contains("linearly dependent"), e.getMessage());
  }

  // ---------------------------------------------------------------- box-constrained

  /** Reference: every assignment of each coordinate to free / lower / upper, keeping the one satisfying KKT. */
  static Tensor boxByEnumeration(Tensor Q, Tensor c, double lo, double hi) {
    int n = c.dim(0);
    int total = (int) Math.pow(3, n);
    for (int code = 0; code < total; code++) {
      int[] state = new int[n];
      for (int i = 0, v = code; i < n; i++, v /= 3) state[i] = v % 3; // 0 free, 1 lower, 2 upper
      int[] free = java.util.stream.IntStream.range(0, n).filter(i -> state[i] == 0).toArray();
      double[] x = new double[n];
      for (int i = 0; i < n; i++) x[i] = state[i] == 1 ? lo : state[i] == 2 ? hi : 0;
      if (free.length > 0) {
        Tensor xb = Tensor.of(x);
        Tensor rhs = c.add(Q.matmul(xb)).take(free, 0).neg();
        Tensor xf = Reference.solve(Q.take(free, 0).take(free, 1), rhs);
        for (int a = 0; a < free.length; a++) x[free[a]] = xf.get(a);
      }
      double[] g = Q.matmul(Tensor.of(x)).add(c).toDoubleArray();
      boolean ok = true;
      for (int i = 0; i < n; i++) {
        if (state[i] == 0) ok &= x[i] >= lo - 1e-12 && x[i] <= hi + 1e-12;
        if (state[i] == 1) ok &= g[i] >= -1e-12;
        if (state[i] == 2) ok &= g[i] <= 1e-12;
      }
      if (ok) return Tensor.of(x);
    }
    throw new AssertionError("no KKT point");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void boxQpMatchesEnumerationAndDifferentiates(long seed) {
    Random rng = new Random(seed);
    int n = 5;
    Tensor Q = spd(rng, n), c = Tensor.randn(rng, n).mul(2), l = Tensor.full(-0.5, n), u = Tensor.full(0.5, n);
    Tensor expected = boxByEnumeration(Q, c, -0.5, 0.5);
    var box = BoxConstrainedQp.of().withTol(1e-13);
    SolverResult s = box.run(Tensor.zeros(n), Q, c, l, u);
    assertTrue(s.converged());
    assertTrue(s.solution().allClose(expected, 1e-11), s.solution() + " vs " + expected);
    double[] xs = expected.toDoubleArray();
    int[] free = java.util.stream.IntStream.range(0, n).filter(i -> Math.abs(Math.abs(xs[i]) - 0.5) > 1e-9).toArray();
    assertTrue(free.length < n, "seed " + seed + " should have an active bound");
    // dx/dc: −(Q_ff)⁻¹ on the free block, zero rows and columns elsewhere
    Tensor inv = Reference.solve(Q.take(free, 0).take(free, 1), Tensor.eye(free.length));
    double[][] J = new double[n][n];
    for (int a = 0; a < free.length; a++) for (int b = 0; b < free.length; b++) J[free[a]][free[b]] = -inv.get(a, b);
    Tensor dxdc = Tensor.of(J);
    for (Differentiation mode : Differentiation.values()) {
      var solver = box.withDifferentiation(mode);
      assertTrue(AD.jacobian(cc -> solver.run(Tensor.zeros(n), Q, cc, l, u).solution(), c, AD.Mode.REVERSE).allClose(dxdc, 1e-9), mode + " c");
      Tensor dxdu = AD.jacobian(uu -> solver.run(Tensor.zeros(n), Q, c, l, uu).solution(), u, AD.Mode.FORWARD);
      Tensor fd = Fd.jacobian(uu -> box.run(Tensor.zeros(n), Q, c, l, uu).orThrow(), u, 1e-6);
      assertTrue(dxdu.allClose(fd, 1e-7), mode + " u " + dxdu + " vs " + fd);
    }
  }

  @Test
  void boxQpWithEmptyBoxThrows() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> BoxConstrainedQp.of().run(Tensor.zeros(2), Tensor.eye(2), Tensor.ones(2), Tensor.of(0, 1), Tensor.of(1, 0)));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  // ---------------------------------------------------------------- general QP

  record General(Tensor Q, Tensor c, Tensor A, Tensor b, Tensor G, Tensor h) {
    Tensor[] theta() { return new Tensor[] {Q, c, A, b, G, h}; }

    /** A random problem with n = 5, one equality and six inequalities, several of them active. */
    static General random(long seed) {
      Random rng = new Random(seed);
      int n = 5, p = 1, m = 6;
      Tensor G = Tensor.randn(rng, m, n), x0 = Tensor.randn(rng, n).mul(0.3);
      Tensor h = G.matmul(x0).add(Tensor.uniform(rng, 0.05, 0.5, m)); // x0 strictly feasible
      Tensor A = Tensor.randn(rng, p, n);
      return new General(spd(rng, n), Tensor.randn(rng, n).mul(3), A, A.matmul(x0), G, h);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void generalQpMatchesActiveSetEnumeration(long seed) {
    General q = General.random(seed);
    QpSolution s = InteriorPointQp.of().run(q.theta()).orThrow();
    Tensor[] ref = Reference.qpByEnumeration(q.Q, q.c, q.A, q.b, q.G, q.h);
    assertTrue(s.primal().allClose(ref[0], 1e-10), s.primal() + " vs " + ref[0]);
    assertTrue(s.equalityDual().allClose(ref[1], 1e-9));
    assertTrue(s.inequalityDual().allClose(ref[2], 1e-9), s.inequalityDual() + " vs " + ref[2]);
    assertTrue(s.error() <= 1e-10);
    assertFalse(s.degenerate());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void generalQpDerivativesInCHAndBMatchFiniteDifferencesInBothModes(long seed) {
    General q = General.random(seed);
    var qp = InteriorPointQp.of();
    QpSolution s = qp.run(q.theta());
    long active = java.util.Arrays.stream(s.inequalityDual().toDoubleArray()).filter(v -> v > 1e-6).count();
    assertTrue(active >= 1, "seed " + seed + ": the test wants an active inequality");
    for (Differentiation mode : Differentiation.values()) {
      var solver = qp.withDifferentiation(mode);
      Tensor dxdc = AD.jacobian(cc -> solver.run(q.Q, cc, q.A, q.b, q.G, q.h).primal(), q.c, AD.Mode.REVERSE);
      Tensor dxdh = AD.jacobian(hh -> solver.run(q.Q, q.c, q.A, q.b, q.G, hh).primal(), q.h, AD.Mode.FORWARD);
      Tensor dmudh = AD.jacobian(hh -> solver.run(q.Q, q.c, q.A, q.b, q.G, hh).inequalityDual(), q.h, AD.Mode.REVERSE);
      Tensor dxdb = AD.jacobian(bb -> solver.run(q.Q, q.c, q.A, bb, q.G, q.h).primal(), q.b, AD.Mode.REVERSE);
      assertTrue(dxdc.allClose(Fd.jacobian(cc -> qp.run(q.Q, cc, q.A, q.b, q.G, q.h).primal(), q.c, 1e-6), 1e-7), mode + " c");
      assertTrue(dxdh.allClose(Fd.jacobian(hh -> qp.run(q.Q, q.c, q.A, q.b, q.G, hh).primal(), q.h, 1e-6), 1e-7), mode + " h");
      assertTrue(dmudh.allClose(Fd.jacobian(hh -> qp.run(q.Q, q.c, q.A, q.b, q.G, hh).inequalityDual(), q.h, 1e-6), 1e-6), mode + " μ/h");
      assertTrue(dxdb.allClose(Fd.jacobian(bb -> qp.run(q.Q, q.c, q.A, bb, q.G, q.h).primal(), q.b, 1e-6), 1e-7), mode + " b");
    }
    // Q and G by a directional finite difference of a scalar loss (reverse mode, implicit)
    Random rng = new Random(seed + 50);
    Tensor dQ = Tensor.randn(rng, 5, 5), dG = Tensor.randn(rng, 6, 5), w = Tensor.randn(rng, 5);
    Tensor[] g = AD.gradAll(th -> qp.run(th[0], q.c, q.A, q.b, th[1], q.h).primal().dot(w), q.Q, q.G);
    double eps = 1e-6;
    double fd = (qp.run(q.Q.add(dQ.mul(eps)), q.c, q.A, q.b, q.G.add(dG.mul(eps)), q.h).primal().vdot(w)
        - qp.run(q.Q.sub(dQ.mul(eps)), q.c, q.A, q.b, q.G.sub(dG.mul(eps)), q.h).primal().vdot(w)) / (2 * eps);
    assertEquals(fd, g[0].vdot(dQ) + g[1].vdot(dG), 1e-7 * (1 + Math.abs(fd)));
  }

  /** min ½‖x − (1, 0)‖² s.t. x₂ ≤ 0: the minimizer lies on the constraint with multiplier 0. */
  static Tensor[] degenerate() {
    return new Tensor[] {Tensor.eye(2), Tensor.of(-1, 0), Tensor.zeros(0, 2), Tensor.zeros(0),
        Tensor.of(new double[][] {{0, 1}}), Tensor.of(0.0)};
  }

  @Test
  void weaklyActiveConstraintIsFlaggedAndImplicitDifferentiationRefuses() {
    Tensor[] th = degenerate();
    QpSolution s = InteriorPointQp.of().run(th).orThrow();
    assertTrue(s.primal().allClose(Tensor.of(1, 0), 1e-8), s.primal().toString());
    assertTrue(s.degenerate());
    assertEquals(java.util.List.of(0), s.weaklyActive());
    var e = assertThrows(SingularMatrixException.class,
        () -> AD.grad(hh -> InteriorPointQp.of().run(th[0], th[1], th[2], th[3], th[4], hh).primal().sum(), th[5]));
    assertTrue(e.getMessage().contains("weakly active"), e.getMessage());
    // UNROLLED returns a one-sided derivative (here ∂x₂/∂h ∈ {0, 1}) without an exception
    double d = AD.grad(hh -> InteriorPointQp.of().withDifferentiation(Differentiation.UNROLLED)
        .run(th[0], th[1], th[2], th[3], th[4], hh).primal().index(0, 1), th[5]).item();
    assertTrue(Math.abs(d) < 1e-9 || Math.abs(d - 1) < 1e-9, "one-sided derivative " + d);
    // a strictly complementary neighbour (h = −0.1: active with μ = 0.1) is not flagged
    assertFalse(InteriorPointQp.of().run(th[0], th[1], th[2], th[3], th[4], Tensor.of(-0.1)).degenerate());
  }

  @Test
  void infeasibleQpThrows() {
    // x₁ ≤ −1 and −x₁ ≤ −1 (x₁ ≥ 1)
    Tensor G = Tensor.of(new double[][] {{1, 0}, {-1, 0}});
    var e = assertThrows(IllegalArgumentException.class, () -> InteriorPointQp.of().run(Tensor.eye(2), Tensor.ones(2),
        Tensor.zeros(0, 2), Tensor.zeros(0), G, Tensor.of(-1, -1)));
    assertTrue(e.getMessage().contains("infeasible"), e.getMessage());
  }

  @Test
  void infeasibleWithEqualitiesThrows() {
    // x₁ + x₂ = 3 with x ≤ 1
    var e = assertThrows(IllegalArgumentException.class, () -> InteriorPointQp.of().run(Tensor.eye(2), Tensor.zeros(2),
        Tensor.of(new double[][] {{1, 1}}), Tensor.of(3.0), Tensor.eye(2), Tensor.ones(2)));
    assertTrue(e.getMessage().contains("infeasible"), e.getMessage());
  }

  @Test
  void unboundedQpIsNotConverged() {
    // Q = diag(1, 0), c = (0, −1), only x₁ ≤ 1: x₂ → ∞
    Tensor Q = Tensor.of(new double[][] {{1, 0}, {0, 0}});
    assertThrows(NotConvergedException.class, () -> InteriorPointQp.of().run(Q, Tensor.of(0, -1), Tensor.zeros(0, 2),
        Tensor.zeros(0), Tensor.of(new double[][] {{1, 0}}), Tensor.of(1.0)));
  }

  @Test
  void nanDataThrows() {
    General q = General.random(1);
    Tensor c = Tensor.of(Double.NaN, 0, 0, 0, 0);
    assertThrows(NonFiniteException.class, () -> InteriorPointQp.of().run(q.Q, c, q.A, q.b, q.G, q.h));
  }

  @Test
  void withoutInequalitiesTheGeneralQpIsTheEqualityQp() {
    Random rng = new Random(9);
    Tensor Q = spd(rng, 4), c = Tensor.randn(rng, 4), A = Tensor.randn(rng, 2, 4), b = Tensor.randn(rng, 2);
    QpSolution a = InteriorPointQp.of().run(Q, c, A, b, Tensor.zeros(0, 4), Tensor.zeros(0));
    QpSolution e = EqualityConstrainedQp.of().run(Q, c, A, b);
    assertTrue(a.primal().allClose(e.primal(), 1e-12));
    Tensor ga = AD.grad(cc -> InteriorPointQp.of().run(Q, cc, A, b, Tensor.zeros(0, 4), Tensor.zeros(0)).primal().sum(), c);
    Tensor ge = AD.grad(cc -> EqualityConstrainedQp.of().run(Q, cc, A, b).primal().sum(), c);
    assertTrue(ga.allClose(ge, 1e-10));
  }

  /**
   * Total-variation denoising of a 40-sample signal as a QP in (x, t): min ½‖x − y‖² + λ1ᵀt s.t. ±Dx ≤ t (D the first
   * differences, λ = 0.3). At this y one constraint is nearly weakly active: when the residuals and the mean gap sᵀμ/m
   * first reach 1e-10, its product μ_i s_i is still 8e-9 (μ_i and s_i both near 1e-4), so neither the iterate (KKT error
   * 2.6e-9) nor the polished active set {μ_i > s_i} (1e-4) meets tol; the method used to stop there, unconverged, after
   * 10 of its 100 iterations. One more iteration settles the constraint. x is checked against the dual, a box QP
   * (min ½‖y − Dᵀz‖², |z| ≤ λ, x = y − Dᵀz) solved by projected gradient.
   */
  @Test
  void nearlyWeaklyActiveConstraintDoesNotStopTheIterationEarly() {
    double[] y = {-1.6282037231493676, -0.7060445665128829, -0.8756229697325383, -0.3081876328088884, -2.2778055958895527,
        -0.9775810255629325, -1.475857069807784, -1.1172542106353753, -0.5188765770245705, -0.8422024927440749,
        -1.340115118198851, -1.314246995518833, -0.9907852100637387, -1.8745847792855588, -1.656110249563657,
        -0.2581809254068561, 0.09231657903044632, -0.8059723972211287, -0.3885822422180269, -0.22403195391490538,
        -0.2819465408145093, -0.38849138595659755, -1.024546646196467, -1.1785457285240337, -0.6820199574687389,
        -0.8754212457086762, -0.7789727081033102, -1.3318562016518485, -0.5617421121685752, -1.9754723005369685,
        -1.3971464079076465, -0.7145435914531568, -0.9584732077491543, -1.0403647719390516, -1.2878629806471487,
        -0.4891306954580643, 0.015959912636137608, 0.3798021551290363, 0.9796244073354543, 0.04784205758714388};
    int n = y.length, k = n - 1;
    double lambda = 0.3;
    double[][] d = new double[k][n], q = new double[n + k][n + k];
    for (int i = 0; i < k; i++) {
      d[i][i] = -1;
      d[i][i + 1] = 1;
    }
    for (int i = 0; i < n; i++) q[i][i] = 1;
    Tensor D = Tensor.of(d), minusI = Tensor.eye(k).neg(), Y = Tensor.of(y);
    Tensor G = Tensor.concat(0, Tensor.concat(1, D, minusI), Tensor.concat(1, D.neg(), minusI));
    Tensor c = Tensor.concat(0, Y.neg(), Tensor.full(lambda, k));
    QpSolution s = InteriorPointQp.of().run(Tensor.of(q), c, Tensor.zeros(0, n + k), Tensor.zeros(0), G, Tensor.zeros(2 * k));
    assertTrue(s.converged() && s.error() <= 1e-10, "KKT error " + s.error() + " after " + s.iterations() + " iterations");
    Tensor z = BoxConstrainedQp.of().withMaxIterations(100_000).withTol(1e-12)
        .run(Tensor.zeros(k), D.matmul(D.T()), D.matmul(Y).neg(), Tensor.full(-lambda, k), Tensor.full(lambda, k)).orThrow();
    Tensor x = s.primal().slice(0, 0, n);
    assertTrue(x.allClose(Y.sub(D.T().matmul(z)), 1e-7), "primal against the dual box QP");
  }
}
