package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.ShapeException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LBFGSBTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** min ½xᵀQx + cᵀx, Q = MᵀM/d + I/2 (ProjectedGradientTest's quadratic); θ_f = (c). */
  private static ProjectedGradientTest.Quadratic quadratic(Random rng, int n) {
    return ProjectedGradientTest.Quadratic.random(rng, n);
  }

  /** Bounds lo = −0.5 − U(0, 0.3), hi = 0.5 + U(0, 0.3) and c ~ 2N(0, 1): some coordinates at each bound, some free. */
  private record BoxQp(ProjectedGradientTest.Quadratic q, Tensor c, Tensor lo, Tensor hi) {
    static BoxQp random(long seed, int n) {
      Random rng = new Random(seed);
      ProjectedGradientTest.Quadratic q = quadratic(rng, n);
      Tensor c = Tensor.randn(rng, n).mul(2);
      Tensor lo = Tensor.rand(rng, n).mul(-0.3).sub(0.5), hi = Tensor.rand(rng, n).mul(0.3).add(0.5);
      return new BoxQp(q, c, lo, hi);
    }
  }

  private static int[] activity(Tensor x, Tensor lo, Tensor hi) {
    double[] v = x.toDoubleArray(), l = lo.toDoubleArray(), h = hi.toDoubleArray();
    int[] counts = new int[3]; // at lo, free, at hi
    for (int i = 0; i < v.length; i++) counts[v[i] == l[i] ? 0 : v[i] == h[i] ? 2 : 1]++;
    return counts;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void boxQuadraticMatchesBoxConstrainedQp(long seed) {
    BoxQp p = BoxQp.random(seed, 12);
    SolverResult r = LBFGSB.of(p.q().objective()).withTol(1e-12).run(Tensor.zeros(12), p.c(), p.lo(), p.hi());
    assertTrue(r.converged(), "LBFGSB: " + r);
    Tensor expected = BoxConstrainedQp.of().withTol(1e-13).withMaxIterations(100_000)
        .run(Tensor.zeros(12), p.q().Q(), p.c(), p.lo(), p.hi()).orThrow();
    assertClose(expected, r.solution(), 1e-8, "LBFGSB vs BoxConstrainedQp, seed " + seed);
    int[] a = activity(r.solution(), p.lo(), p.hi());
    assertTrue(a[0] > 0 && a[1] > 0 && a[2] > 0, "want coordinates at lo, free and at hi, got " + java.util.Arrays.toString(a));
  }

  /** Rosenbrock Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², θ_f = (a) scaling the first term (a = 100). */
  private static final Objective ROSENBROCK = (x, th) -> {
    int n = x.size();
    Tensor head = x.slice(0, 0, n - 1), tail = x.slice(0, 1, n);
    return tail.sub(head.square()).square().sum().mul(th[0]).add(head.neg().add(1).square().sum());
  };

  @Test
  void boundedRosenbrockMeetsTheProjectedGradientConditionInFarFewerIterations() {
    int n = 10;
    Tensor a = Tensor.scalar(100), lo = Tensor.full(-2.0, n), hi = Tensor.fromArray(java.util.stream.IntStream.range(0, n).mapToDouble(i -> i % 2 == 0 ? 0.5 : 1).toArray(), n);
    // hi alternates 0.5, 1: the unconstrained minimum (all ones) is outside the box
    Tensor init = Tensor.full(-1.0, n);
    long t0 = System.nanoTime();
    SolverResult r = LBFGSB.of(ROSENBROCK).withTol(1e-6).run(init, a, lo, hi);
    long t1 = System.nanoTime();
    SolverResult pg = ProjectedGradient.of(ROSENBROCK, Projection.box(), 2).withTol(1e-6).withMaxIterations(200_000)
        .run(init, a, lo, hi);
    long t2 = System.nanoTime();
    assertTrue(r.converged(), "LBFGSB: " + r);
    double residual = ProjectedGradient.of(ROSENBROCK, Projection.box(), 2).optimality().apply(r.solution(), a, lo, hi).norm2();
    assertTrue(residual / Math.sqrt(n) <= 1e-6 * Math.max(1, r.solution().norm2() / Math.sqrt(n)), "projected-gradient residual " + residual);
    assertClose(pg.solution(), r.solution(), 1e-4, "LBFGSB vs ProjectedGradient");
    System.out.printf("bounded Rosenbrock n=10: LBFGSB %d iterations (%.1f ms), ProjectedGradient %d iterations (%.1f ms, converged %s)%n",
        r.iterations(), (t1 - t0) / 1e6, pg.iterations(), (t2 - t1) / 1e6, pg.converged());
    assertTrue(r.iterations() * 20 < pg.iterations(), "LBFGSB " + r.iterations() + " vs ProjectedGradient " + pg.iterations());
  }

  /** ½‖Aw − b‖², θ_f = (b). */
  private static Objective leastSquares(Tensor A) {
    return (w, th) -> A.matmul(w).sub(th[0]).square().sum().mul(0.5);
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void nonNegativeLeastSquares(long seed) {
    Random rng = new Random(seed);
    int m = 100, d = 50;
    // columns scaled by e^{2j/d}: cond(AᵀA) in the thousands, as with unnormalized features
    Tensor A = Tensor.randn(rng, m, d).mul(Tensor.arange(d).mul(2.0 / d).exp()), b = Tensor.randn(rng, m);
    Tensor lo = Tensor.scalar(0), hi = Tensor.scalar(INF);
    long t0 = System.nanoTime();
    SolverResult r = LBFGSB.of(leastSquares(A)).run(Tensor.zeros(d), b, lo, hi);
    long t1 = System.nanoTime();
    // ProjectedGradient takes finite θ only: 1e12 for +∞
    SolverResult pg = ProjectedGradient.of(leastSquares(A), Projection.box(), 2).withMaxIterations(200_000)
        .run(Tensor.zeros(d), b, lo, Tensor.scalar(1e12));
    long t2 = System.nanoTime();
    assertTrue(r.converged(), "LBFGSB: " + r);
    Tensor F = LBFGSB.of(leastSquares(A)).optimality().apply(r.solution(), b, lo, hi);
    assertTrue(Guards.relativeRms(F, r.solution()) <= 1e-8, "projected-gradient residual " + F.norm2());
    int[] act = activity(r.solution(), Tensor.zeros(d), Tensor.full(INF, d));
    assertTrue(act[0] > 0 && act[1] > 0, "want coordinates at 0 and positive ones: " + java.util.Arrays.toString(act));
    assertClose(pg.solution(), r.solution(), 1e-6, "LBFGSB vs ProjectedGradient");
    System.out.printf("NNLS %dx%d seed %d: LBFGSB %d iterations (%.1f ms), ProjectedGradient %d iterations (%.1f ms), %d at 0%n",
        m, d, seed, r.iterations(), (t1 - t0) / 1e6, pg.iterations(), (t2 - t1) / 1e6, act[0]);
    assertTrue(r.iterations() * 5 < pg.iterations(), "LBFGSB " + r.iterations() + " vs ProjectedGradient " + pg.iterations());
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  void infiniteBoundsMatchLbfgs(long seed) {
    SolverTestSupport.Ridge ridge = SolverTestSupport.Ridge.random(seed, 40, 8);
    Objective logistic = (w, th) -> ridge.X().matmul(w).mul(ridge.y().sign()).neg().exp().add(1).log().mean()
        .add(th[0].mul(w.square().sum()));
    Tensor lam = Tensor.scalar(0.01);
    Tensor expected = LBFGS.of(logistic).withTol(1e-11).run(Tensor.zeros(8), lam).orThrow();
    SolverResult r = LBFGSB.of(logistic).withTol(1e-11).run(Tensor.zeros(8), lam, Tensor.scalar(-INF), Tensor.scalar(INF));
    assertTrue(r.converged(), "LBFGSB: " + r);
    assertClose(expected, r.solution(), 1e-8, "LBFGSB without bounds vs LBFGS");
    // and its derivative in λ, through the box condition with no active bound
    Function<Tensor, Tensor> lbfgsb = l -> LBFGSB.of(logistic).withTol(1e-11).run(Tensor.zeros(8), l, Tensor.scalar(-INF),
        Tensor.scalar(INF)).solution();
    Tensor dx = AD.jacobian(lbfgsb::apply, lam);
    Tensor dxLbfgs = AD.jacobian(l -> LBFGS.of(logistic).withTol(1e-11).run(Tensor.zeros(8), l).solution(), lam);
    assertClose(dxLbfgs, dx, 1e-6, "dx/dλ vs LBFGS");
  }

  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33})
  void implicitDerivativesInTheObjectiveParameterAndTheBounds(long seed) {
    int n = 8;
    BoxQp p = BoxQp.random(seed, n);
    Objective f = p.q().objective();
    LBFGSB solver = LBFGSB.of(f).withTol(1e-12);
    ProjectedGradient pg = ProjectedGradient.of(f, Projection.box(), 2).withTol(1e-12).withMaxIterations(100_000);
    Tensor x0 = Tensor.zeros(n);
    Function<Tensor[], Tensor> sol = th -> solver.run(x0, th).solution();
    Function<Tensor[], Tensor> pgSol = th -> pg.run(x0, th).solution();
    int[] act = activity(sol.apply(new Tensor[] {p.c(), p.lo(), p.hi()}), p.lo(), p.hi());
    assertTrue(act[0] > 0 && act[1] > 0 && act[2] > 0, java.util.Arrays.toString(act));
    Tensor[] args = {p.c(), p.lo(), p.hi()};
    String[] names = {"c", "lo", "hi"};
    for (int which = 0; which < 3; which++) {
      int w = which;
      Function<Tensor, Tensor[]> with = v -> {
        Tensor[] a = args.clone();
        a[w] = v;
        return a;
      };
      Tensor jac = AD.jacobian(v -> sol.apply(with.apply(v)), args[w]);
      Tensor jacReverse = AD.jacobian(v -> sol.apply(with.apply(v)), args[w], AD.Mode.REVERSE);
      Tensor fd = Fd.jacobian(v -> sol.apply(with.apply(v)), args[w], 1e-5);
      Tensor jacPg = AD.jacobian(v -> pgSol.apply(with.apply(v)), args[w]);
      assertClose(fd, jac, 1e-6, "d x*/d " + names[w] + " vs central differences, seed " + seed);
      assertClose(jac, jacReverse, 1e-9, "forward vs reverse, " + names[w]);
      assertClose(jacPg, jac, 1e-7, "d x*/d " + names[w] + " vs ProjectedGradient's implicit derivative");
      assertTrue(jac.maxAbs() > 0.1, "a nonzero Jacobian in " + names[w]);
      System.out.printf("seed %d d x*/d %s: |implicit − FD| = %.2e, |implicit − ProjectedGradient| = %.2e%n", seed, names[w],
          jac.sub(fd).maxAbs(), jac.sub(jacPg).maxAbs());
    }
    // the active-set reduction gives the same derivative
    Tensor reduced = AD.jacobian(c -> solver.withActiveSetReduction(ActiveSetReduction.box()).run(x0, c, p.lo(), p.hi()).solution(), p.c());
    assertClose(AD.jacobian(c -> sol.apply(new Tensor[] {c, p.lo(), p.hi()}), p.c()), reduced, 1e-7, "active-set-reduced");
  }

  @Test
  void derivativeOfNnlsInTheData() {
    Random rng = new Random(41);
    int m = 20, d = 10;
    Tensor A = Tensor.randn(rng, m, d), b = Tensor.randn(rng, m);
    LBFGSB solver = LBFGSB.of(leastSquares(A)).withTol(1e-12);
    TensorFunction1 sol = bb -> solver.run(Tensor.zeros(d), bb, Tensor.scalar(0), Tensor.scalar(INF)).solution();
    Tensor jac = AD.jacobian(sol::apply, b), fd = Fd.jacobian(sol::apply, b, 1e-5);
    assertClose(fd, jac, 1e-6, "d w*/d b vs central differences");
    System.out.printf("NNLS d w*/d b: |implicit − FD| = %.2e%n", jac.sub(fd).maxAbs());
  }

  private interface TensorFunction1 {
    Tensor apply(Tensor t);
  }

  @ParameterizedTest
  @ValueSource(longs = {51, 52, 53})
  void unrolledDerivativeAgreesWithTheImplicitOne(long seed) {
    int n = 8;
    BoxQp p = BoxQp.random(seed, n);
    LBFGSB implicit = LBFGSB.of(p.q().objective()).withTol(1e-12), unrolled = implicit.withDifferentiation(Differentiation.UNROLLED);
    Tensor x0 = Tensor.zeros(n);
    Tensor[] args = {p.c(), p.lo(), p.hi()};
    SolverResult r = unrolled.run(x0, args);
    assertTrue(r.converged(), "unrolled run: " + r);
    assertClose(implicit.run(x0, args).solution(), r.solution(), 1e-12, "same iterates when nothing is traced");
    for (int which = 0; which < 3; which++) {
      int w = which;
      Function<LBFGSB, io.github.implicitdiff.autodiff.TensorFunction> sol = s -> v -> {
        Tensor[] a = args.clone();
        a[w] = v;
        return s.run(x0, a).solution();
      };
      Tensor ji = AD.jacobian(sol.apply(implicit), args[w]);
      Tensor forward = AD.jacobian(sol.apply(unrolled), args[w], AD.Mode.FORWARD);
      Tensor reverse = AD.jacobian(sol.apply(unrolled), args[w], AD.Mode.REVERSE);
      assertClose(ji, forward, 1e-6, "unrolled forward vs implicit, θ[" + w + "], seed " + seed);
      assertClose(forward, reverse, 1e-9, "unrolled forward vs reverse, θ[" + w + "]");
      System.out.printf("seed %d θ[%d]: |unrolled − implicit| = %.2e%n", seed, w, forward.sub(ji).maxAbs());
    }
  }

  @Test
  void unrolledThroughBoundedRosenbrock() {
    int n = 6;
    Tensor a = Tensor.scalar(10), lo = Tensor.scalar(-2), hi = Tensor.fromArray(new double[] {0.5, 2, 0.7, 2, 2, 2}, n);
    LBFGSB implicit = LBFGSB.of(ROSENBROCK).withTol(1e-10), unrolled = implicit.withDifferentiation(Differentiation.UNROLLED);
    Tensor x0 = Tensor.full(-1.0, n);
    Tensor ji = AD.jacobian(v -> implicit.run(x0, v, lo, hi).solution(), a);
    Tensor ju = AD.jacobian(v -> unrolled.run(x0, v, lo, hi).solution(), a);
    Tensor jh = AD.jacobian(v -> unrolled.run(x0, a, lo, v).solution(), hi), jhi = AD.jacobian(v -> implicit.run(x0, a, lo, v).solution(), hi);
    assertTrue(ji.maxAbs() > 1e-3, "nonzero derivative " + ji);
    assertClose(ji, ju, 1e-5, "Rosenbrock d x*/d a, unrolled vs implicit");
    assertClose(jhi, jh, 1e-5, "Rosenbrock d x*/d hi, unrolled vs implicit");
    System.out.printf("Rosenbrock: |unrolled − implicit| d/da %.2e, d/dhi %.2e%n", ju.sub(ji).maxAbs(), jh.sub(jhi).maxAbs());
  }

  @Test
  void weaklyActiveBoundIsReportedAndHeldAtTheBoundAsProjectedGradientDoes() {
    // min ½‖x − c‖² over [0, 1]³ with c_1 = 0: x*_1 = 0 with zero gradient, a kink of the solution map
    Objective f = (x, th) -> x.sub(th[0]).square().sum().mul(0.5);
    Tensor c = Tensor.of(0.5, 0, 2), lo = Tensor.scalar(0), hi = Tensor.scalar(1);
    LBFGSB solver = LBFGSB.of(f).withDegeneracyCheck(DegeneracyCheck.box());
    SolverResult r = solver.run(Tensor.full(0.3, 3), c, lo, hi);
    assertEquals(java.util.List.of(1), r.degeneracy().indices());
    Tensor jac = AD.jacobian(cc -> solver.run(Tensor.full(0.3, 3), cc, lo, hi).solution(), c);
    Tensor pgJac = AD.jacobian(cc -> ProjectedGradient.of(f, Projection.box(), 2).withDegeneracyCheck(DegeneracyCheck.box())
        .run(Tensor.full(0.3, 3), cc, lo, hi).solution(), c);
    assertClose(Tensor.of(new double[][] {{1, 0, 0}, {0, 0, 0}, {0, 0, 0}}), jac, 1e-9, "held at the bound");
    assertClose(pgJac, jac, 1e-12, "as ProjectedGradient");
  }

  @Test
  void badInputsFailLoudly() {
    Objective f = (x, th) -> x.sub(th[0]).square().sum();
    LBFGSB s = LBFGSB.of(f);
    Tensor c = Tensor.of(1, 2, 3), x0 = Tensor.zeros(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.run(x0, c, Tensor.of(0, 2, 0), Tensor.of(1, 1, 1)));
    assertTrue(e.getMessage().contains("lo > hi at flat index 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.run(x0, c, Tensor.of(0, Double.NaN, 0), Tensor.scalar(1)));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.run(x0, c, Tensor.scalar(0), Tensor.scalar(Double.NaN)));
    assertTrue(e.getMessage().contains("hi is NaN"), e.getMessage());
    ShapeException shape = assertThrows(ShapeException.class, () -> s.run(Tensor.zeros(4), Tensor.zeros(4), Tensor.zeros(3), Tensor.ones(3)));
    assertTrue(shape.getMessage().contains("does not broadcast to init's shape"), shape.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.run(x0, c));
    assertTrue(e.getMessage().contains("(lo, hi)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.run(x0, c, Tensor.scalar(INF), Tensor.scalar(INF)));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    Objective nan = (x, th) -> x.log().sum(); // log of a negative at the start
    NonFiniteException n = assertThrows(NonFiniteException.class, () -> LBFGSB.of(nan).run(Tensor.full(-1.0, 3), Tensor.scalar(-2), Tensor.scalar(2)));
    assertTrue(n.getMessage().contains("not finite at the initial point"), n.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LBFGSB.of(null));
    assertThrows(IllegalArgumentException.class, () -> s.withMemory(0));
    // init outside the box is clipped into it; the solution is the projection of c here
    assertClose(Tensor.of(1, 1.5, 1.5), s.run(Tensor.of(-5, 9, 0), c, Tensor.scalar(0), Tensor.scalar(1.5)).orThrow(), 1e-8, "clipped c");
  }
}
