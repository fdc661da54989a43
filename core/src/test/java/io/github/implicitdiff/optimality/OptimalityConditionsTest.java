package io.github.implicitdiff.optimality;

import io.github.implicitdiff.linalg.DenseSolve;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiFunction;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.implicit.TupleOptimality;
import io.github.implicitdiff.linalg.LinearSolvers;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptimalityConditionsTest {
  /** ½‖x − c‖² with θ = (c, …). */
  static final Objective DISTANCE = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);

  /** prox of η λ‖·‖₁ with λ = θ[1]: soft thresholding. */
  static final ProximalOperator SOFT_THRESHOLD = (x, eta, th) -> x.sign().mul(x.abs().sub(th[1].mul(eta)).relu());

  static void assertSmall(Tensor t, double tol, String message) {
    assertTrue(t.maxAbs() <= tol, message + ": max |residual| = " + t.maxAbs());
  }

  static void assertNotSmall(Tensor t, double bound, String message) {
    assertTrue(t.maxAbs() > bound, message + ": residual unexpectedly small, max = " + t.maxAbs());
  }

  static void assertClose(Tensor expected, Tensor actual, double tol, String message) {
    assertEquals(expected.shapeString(), actual.shapeString(), message);
    assertTrue(expected.allClose(actual, tol), message + ": expected " + expected + " got " + actual);
  }

  // ---------------------------------------------------------------- stationarity

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void stationarityOfRidgeIsTheClosedFormGradientAndVanishesAtTheSolution(long seed) {
    Random rng = new Random(seed);
    int n = 15, d = 4;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.randn(rng, n), w = Tensor.randn(rng, d);
    Tensor lambda = Tensor.scalar(0.3);
    Objective ridge = (v, th) -> Objectives.ridge(v, th[0], X, y);
    Optimality F = OptimalityConditions.stationarity(ridge);
    assertClose(X.T().matmul(X.matmul(w).sub(y)).div(n).add(w.mul(0.3)), F.apply(w, lambda), 1e-13,
        "Xᵀ(Xw − y)/n + λw");
    Tensor A = X.T().matmul(X).div(n).add(Tensor.eye(d).mul(0.3));
    Tensor wStar = DenseSolve.solve(A, X.T().matmul(y).div(n));
    assertSmall(F.apply(wStar, lambda), 1e-13, "at w*");
    assertNotSmall(F.apply(wStar.add(0.1), lambda), 1e-2, "away from w*");
    // through the implicit layer: dw*/dλ = −A⁻¹ w*
    MultiInputFunction solution = Implicit.customRoot(F,
        th -> DenseSolve.solve(X.T().matmul(X).div(n).add(Tensor.eye(d).mul(th[0])), X.T().matmul(y).div(n)),
        LinearSolvers.cg());
    Tensor dw = AD.jvp(l -> solution.apply(l), lambda, Tensor.scalar(1)).outTangent();
    assertClose(DenseSolve.solve(A, wStar).neg(), dw, 1e-7, "dw*/dλ");
  }

  // ---------------------------------------------------------------- KKT

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void kktOfEqualityConstrainedQpVanishesAtTheClosedFormSolution(long seed) {
    Random rng = new Random(seed);
    int n = 5, m = 2;
    Tensor M = Tensor.randn(rng, n, n);
    Tensor Q = M.matmul(M.T()).add(Tensor.eye(n));
    Tensor A = Tensor.randn(rng, m, n), c = Tensor.randn(rng, n), b = Tensor.randn(rng, m);
    Objective f = (x, th) -> x.matmul(Q).matmul(x).mul(0.5).add(th[0].dot(x));
    Constraint H = (x, th) -> A.matmul(x).sub(th[1]);
    TupleOptimality F = OptimalityConditions.kktEquality(f, H);
    // [[Q, Aᵀ], [A, 0]] [x; ν] = [−c; b]
    Tensor K = Tensor.concat(0, Tensor.concat(1, Q, A.T()), Tensor.concat(1, A, Tensor.zeros(m, m)));
    MultiFunction solve = th -> {
      Tensor z = DenseSolve.solve(K, Tensor.concat(0, th[0].neg(), th[1]));
      return new Tensor[] {z.slice(0, 0, n), z.slice(0, n, n + m)};
    };
    Tensor[] star = solve.apply(c, b);
    Tensor[] residual = F.apply(star, c, b);
    assertSmall(residual[0], 1e-12, "stationarity Qx + c + Aᵀν");
    assertSmall(residual[1], 1e-12, "feasibility Ax − b");
    assertClose(Q.matmul(star[0]).add(c).add(A.T().matmul(star[1])), residual[0], 1e-13, "stationarity formula");
    Tensor[] away = F.apply(new Tensor[] {star[0].add(0.1), star[1]}, c, b);
    assertNotSmall(away[0], 1e-3, "stationarity away");
    assertNotSmall(away[1], 1e-3, "feasibility away");
    // implicit derivative of (x*, ν*) in (c, b) against the linear closed form
    MultiFunction implicit = Implicit.customRoot(F, th -> solve.apply(th), LinearSolvers.gmres());
    Tensor dc = Tensor.randn(rng, n), db = Tensor.randn(rng, m);
    Tensor[] tangents = AD.jvp(implicit, new Tensor[] {c, b}, new Tensor[] {dc, db}).tangent();
    Tensor[] expected = solve.apply(dc, db);
    assertClose(expected[0], tangents[0], 1e-7, "dx*");
    assertClose(expected[1], tangents[1], 1e-7, "dν*");
  }

  /** The simplex projection of c by bisection: x = max(c − τ, 0) with Σx = 1; returns {x, τ}. */
  static double[][] simplexByBisection(double[] c) {
    double lo = Arrays.stream(c).max().orElseThrow() - 1, hi = lo + 1;
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (lo + hi), s = 0;
      for (double v : c) s += Math.max(v - mid, 0);
      if (s > 1) lo = mid; else hi = mid;
    }
    double tau = 0.5 * (lo + hi);
    return new double[][] {Arrays.stream(c).map(v -> Math.max(v - tau, 0)).toArray(), {tau}};
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void kktOfSimplexProjectionVanishesWithTheRightMultipliers(long seed) {
    Random rng = new Random(seed);
    int n = 6;
    Tensor c = Tensor.randn(rng, n);
    double[][] sol = simplexByBisection(c.toDoubleArray());
    double tau = sol[1][0];
    Tensor x = Tensor.of(sol[0]), nu = Tensor.of(tau);
    Tensor mu = c.neg().add(tau).relu(); // μ = max(τ − c, 0)
    TupleOptimality F = OptimalityConditions.kkt(DISTANCE, (v, th) -> v.sum().sub(1).reshape(1), (v, th) -> v.neg());
    Tensor[] r = F.apply(new Tensor[] {x, nu, mu}, c);
    assertEquals(3, r.length);
    assertSmall(r[0], 1e-12, "x − c + ν1 − μ");
    assertSmall(r[1], 1e-12, "1ᵀx − 1");
    assertSmall(r[2], 1e-12, "μ ⊙ (−x)");
    Tensor[] wrong = F.apply(new Tensor[] {x, nu, mu.add(0.1)}, c);
    assertNotSmall(wrong[0], 0.05, "stationarity with wrong μ");
    assertNotSmall(wrong[2], 1e-3, "complementary slackness with wrong μ");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void kktOfBoxUpperBound(long seed) {
    Random rng = new Random(seed);
    Tensor c = Tensor.randn(rng, 6), u = Tensor.randn(rng, 6).mul(0.5);
    Tensor x = c.minimum(u), mu = c.sub(u).relu();
    TupleOptimality F = OptimalityConditions.kktInequality(DISTANCE, (v, th) -> v.sub(th[1]));
    Tensor[] r = F.apply(new Tensor[] {x, mu}, c, u);
    assertSmall(r[0], 1e-14, "x − c + μ");
    assertSmall(r[1], 1e-14, "μ ⊙ (x − u)");
    assertNotSmall(F.apply(new Tensor[] {c, mu}, c, u)[0], 1e-3, "x = c with μ");
  }

  @Test
  void kktRejectsMultiplierOfWrongShape() {
    TupleOptimality F = OptimalityConditions.kkt(DISTANCE, (v, th) -> v.sum().reshape(1), (v, th) -> v.neg());
    var e = assertThrows(ShapeException.class,
        () -> F.apply(new Tensor[] {Tensor.zeros(3), Tensor.zeros(2), Tensor.zeros(3)}, Tensor.zeros(3)));
    assertTrue(e.getMessage().contains("ν"), e.getMessage());
  }

  @Test
  void kktRejectsTupleOfWrongLength() {
    TupleOptimality F = OptimalityConditions.kkt(DISTANCE, (v, th) -> v.sum().reshape(1), (v, th) -> v.neg());
    assertThrows(IllegalArgumentException.class, () -> F.apply(new Tensor[] {Tensor.zeros(3)}, Tensor.zeros(3)));
  }

  // ---------------------------------------------------------------- proximal and projected gradient

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void proximalGradientFixedPointOfLassoWithIdentityDesign(long seed) {
    Random rng = new Random(seed);
    Tensor c = Tensor.randn(rng, 8).mul(2), lambda = Tensor.scalar(0.7);
    Tensor xStar = c.sign().mul(c.abs().sub(0.7).relu());
    for (double eta : new double[] {0.3, 1.0, 1.7}) {
      FixedPointMap T = OptimalityConditions.proximalGradientFixedPoint(DISTANCE, SOFT_THRESHOLD, eta);
      assertSmall(T.apply(xStar, c, lambda).sub(xStar), 1e-14, "fixed point, η = " + eta);
      assertNotSmall(T.apply(xStar.add(0.5), c, lambda).sub(xStar.add(0.5)), 0.1, "away, η = " + eta);
    }
    // implicit derivative in λ: −sign(c) on the support
    FixedPointMap T = OptimalityConditions.proximalGradientFixedPoint(DISTANCE, SOFT_THRESHOLD, 1.0);
    MultiInputFunction solution = Implicit.customFixedPoint(T, th -> th[0].sign().mul(th[0].abs().sub(th[1]).relu()));
    Tensor dx = AD.jvp(l -> solution.apply(c, l), lambda, Tensor.scalar(1)).outTangent();
    Tensor expected = c.sign().neg().mul(c.abs().gt(0.7));
    assertClose(expected, dx, 1e-8, "dx*/dλ");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void projectedGradientFixedPointOfBoxConstrainedQuadratic(long seed) {
    Random rng = new Random(seed);
    Tensor q = Tensor.rand(rng, 7).add(0.5), c = Tensor.randn(rng, 7).mul(2);
    Objective f = (x, th) -> q.mul(x.square()).sum().mul(0.5).sub(th[0].dot(x));
    Projection box = (x, th) -> x.clip(-1, 1);
    Tensor xStar = c.div(q).clip(-1, 1);
    FixedPointMap T = OptimalityConditions.projectedGradientFixedPoint(f, box, 0.5);
    assertSmall(T.apply(xStar, c).sub(xStar), 1e-14, "at clip(c/q)");
    assertNotSmall(T.apply(xStar.mul(0.5), c).sub(xStar.mul(0.5)), 1e-3, "away");
  }

  @Test
  void fixedPointsRejectNonPositiveStep() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> OptimalityConditions.projectedGradientFixedPoint(DISTANCE, (x, th) -> x, 0));
    assertTrue(e.getMessage().contains("eta"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> OptimalityConditions.proximalGradientFixedPoint(DISTANCE, SOFT_THRESHOLD, -1));
  }

  // ---------------------------------------------------------------- mirror descent

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void mirrorDescentFixedPointOfEntropyRegularizedLinearObjectiveOnRows(long seed) {
    Random rng = new Random(seed);
    Tensor C = Tensor.randn(rng, 3, 5);
    double temperature = 0.7;
    // f(x) = ⟨C, x⟩ + τ Σ x log x, minimized row-wise on the simplex by softmax(−C/τ)
    Objective f = (x, th) -> th[0].mul(x).sum().add(x.mul(x.log()).sum().mul(temperature));
    Tensor xStar = C.div(-temperature).softmax(1);
    for (double eta : new double[] {0.2, 1.0}) {
      FixedPointMap T = OptimalityConditions.mirrorDescentFixedPoint(f, eta);
      assertSmall(T.apply(xStar, C).sub(xStar), 1e-14, "at softmax(−C/τ), η = " + eta);
      Tensor uniform = Tensor.full(0.2, 3, 5);
      assertNotSmall(T.apply(uniform, C).sub(uniform), 1e-3, "at the uniform point");
      Tensor rowSums = T.apply(uniform, C).sum(1);
      assertClose(Tensor.ones(3), rowSums, 1e-14, "rows stay on the simplex");
    }
  }

  @Test
  void mirrorDescentRejectsZeroEntries() {
    FixedPointMap T = OptimalityConditions.mirrorDescentFixedPoint(DISTANCE, 1);
    var e = assertThrows(IllegalArgumentException.class, () -> T.apply(Tensor.of(0, 1), Tensor.of(0, 1)));
    assertTrue(e.getMessage().contains("> 0"), e.getMessage());
  }

  // ---------------------------------------------------------------- block proximal gradient

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void blockProximalGradientFixedPointWithPerBlockSteps(long seed) {
    Random rng = new Random(seed);
    int blocks = 4, width = 3;
    Tensor a = Tensor.rand(rng, blocks).add(0.5), C = Tensor.randn(rng, blocks, width).mul(2);
    Tensor lambda = Tensor.scalar(0.6);
    // f = ½ Σ_b a_b ‖x_b − c_b‖², g = λ‖x‖₁: x*_b = soft(c_b, λ/a_b)
    Objective f = (x, th) -> a.reshape(blocks, 1).mul(x.sub(th[0]).square()).sum().mul(0.5);
    Tensor threshold = a.reshape(blocks, 1).rdiv(0.6);
    Tensor xStar = C.sign().mul(C.abs().sub(threshold).relu());
    double[] etas = Arrays.stream(a.toDoubleArray()).map(v -> 1 / v).toArray();
    FixedPointMap T = OptimalityConditions.blockProximalGradientFixedPoint(f, SOFT_THRESHOLD, etas);
    assertSmall(T.apply(xStar, C, lambda).sub(xStar), 1e-14, "at the block-wise soft threshold");
    assertNotSmall(T.apply(C, C, lambda).sub(C), 0.1, "at x = C");
    // with η_b = 1/a_b one application solves the problem exactly
    assertClose(xStar, T.apply(Tensor.zeros(blocks, width), C, lambda), 1e-14, "one exact block step");
    FixedPointMap other = OptimalityConditions.blockProximalGradientFixedPoint(f, SOFT_THRESHOLD,
        new double[] {0.1, 0.2, 0.3, 0.4});
    assertSmall(other.apply(xStar, C, lambda).sub(xStar), 1e-14, "fixed point for other steps too");
  }

  @Test
  void blockProximalGradientRejectsWrongNumberOfBlocks() {
    FixedPointMap T = OptimalityConditions.blockProximalGradientFixedPoint(DISTANCE, SOFT_THRESHOLD, new double[] {1, 1});
    assertThrows(ShapeException.class, () -> T.apply(Tensor.zeros(3, 2), Tensor.zeros(3, 2), Tensor.scalar(1)));
  }

  // ---------------------------------------------------------------- Newton

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void newtonFixedPointOfL2LogisticRegression(long seed) {
    Random rng = new Random(seed);
    int n = 30, d = 4;
    Tensor X = Tensor.randn(rng, n, d), y = Tensor.rand(rng, n).gt(0.5), lambda = Tensor.scalar(0.1);
    Objective f = (w, th) -> Objectives.l2BinaryLogistic(w, th[0], X, y);
    FixedPointMap T = OptimalityConditions.newtonFixedPoint(f);
    Tensor w = Tensor.zeros(d);
    for (int it = 0; it < 30 && AD.grad(v -> f.apply(v, lambda), w).maxAbs() > 1e-14; it++) w = T.apply(w, lambda);
    Tensor wStar = w;
    assertSmall(AD.grad(v -> f.apply(v, lambda), wStar), 1e-13, "Newton iterations reach a stationary point");
    assertSmall(T.apply(wStar, lambda).sub(wStar), 1e-13, "fixed point");
    assertNotSmall(T.apply(wStar.add(0.3), lambda).sub(wStar.add(0.3)), 0.1, "away");
    // ∂₁T(x*) = 0, and ∂₂T(x*) = dw*/dλ = −H⁻¹ ∂_λ∇f = −H⁻¹ w*
    assertSmall(AD.jacobian(v -> T.apply(v, lambda), wStar), 1e-10, "∂₁T at the solution");
    Tensor H = AD.hessian(v -> f.apply(v, lambda), wStar);
    Tensor dT = AD.jvp(l -> T.apply(wStar, l), lambda, Tensor.scalar(1)).outTangent();
    assertClose(DenseSolve.solve(H, wStar).neg(), dT, 1e-10, "∂₂T = dw*/dλ");
  }

  @Test
  void newtonStepSolvesAQuadraticExactly() {
    Random rng = new Random(7);
    Tensor M = Tensor.randn(rng, 4, 4), Q = M.matmul(M.T()).add(Tensor.eye(4)), c = Tensor.randn(rng, 4);
    Objective f = (x, th) -> x.matmul(Q).matmul(x).mul(0.5).sub(th[0].dot(x));
    Tensor x1 = OptimalityConditions.newtonFixedPoint(f).apply(Tensor.randn(rng, 4), c);
    assertClose(DenseSolve.solve(Q, c), x1, 1e-12, "Q⁻¹c after one step");
  }

  @Test
  void newtonRejectsSingularHessian() {
    Objective f = (x, th) -> x.sum().square();
    FixedPointMap T = OptimalityConditions.newtonFixedPoint(f);
    var e = assertThrows(SingularMatrixException.class, () -> T.apply(Tensor.of(1, 2)));
    assertTrue(e.getMessage().contains("singular"), e.getMessage());
  }

  // ---------------------------------------------------------------- the differentiable dense solve

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void denseSolveDerivativesMatchFiniteDifferences(long seed) {
    Random rng = new Random(seed);
    Tensor A = Tensor.randn(rng, 4, 4).add(Tensor.eye(4).mul(3)), b = Tensor.randn(rng, 4);
    Tensor dA = Tensor.randn(rng, 4, 4), db = Tensor.randn(rng, 4), g = Tensor.randn(rng, 4);
    double h = 1e-6;
    Tensor fd = DenseSolve.solve(A.add(dA.mul(h)), b.add(db.mul(h)))
        .sub(DenseSolve.solve(A.sub(dA.mul(h)), b.sub(db.mul(h)))).div(2 * h);
    Tensor jvp = AD.jvp(in -> new Tensor[] {DenseSolve.solve(in[0], in[1])}, new Tensor[] {A, b}, new Tensor[] {dA, db})
        .tangent()[0];
    assertClose(fd, jvp, 1e-7, "JVP");
    Tensor[] vjp = AD.gradAll(in -> DenseSolve.solve(in[0], in[1]).dot(g), A, b);
    assertEquals(fd.vdot(g), vjp[0].vdot(dA) + vjp[1].vdot(db), 1e-7, "VJP · tangent");
    // second order: Hessian-vector product of ½‖A⁻¹b‖² in b, forward over reverse, against FD of the gradient
    Tensor hv = AD.hvp(v -> DenseSolve.solve(A, v).normSquared().mul(0.5), b, db);
    Tensor g1 = AD.grad(v -> DenseSolve.solve(A, v).normSquared().mul(0.5), b.add(db.mul(h)));
    Tensor g0 = AD.grad(v -> DenseSolve.solve(A, v).normSquared().mul(0.5), b.sub(db.mul(h)));
    assertClose(g1.sub(g0).div(2 * h), hv, 1e-6, "second order");
  }
}
