package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectedGradientTest {

  /** min ½xᵀQx + cᵀx with Q = MᵀM/d + I/2; θ_f = (c). */
  record Quadratic(Tensor Q) {
    static Quadratic random(Random rng, int d) {
      Tensor M = Tensor.randn(rng, d, d);
      return new Quadratic(M.T().matmul(M).div(d).add(Tensor.eye(d).mul(0.5)));
    }

    Objective objective() {
      return (x, th) -> x.dot(Q.matmul(x)).mul(0.5).add(th[0].dot(x));
    }

    /** Projected coordinate descent for the box QP: x_j ← clip(x_j − (Qx + c)_j / Q_jj, lo_j, hi_j). */
    Tensor boxReference(Tensor c, Tensor lo, Tensor hi) {
      double[][] q = Q.toArray2d();
      double[] cc = c.toDoubleArray(), l = lo.toDoubleArray(), h = hi.toDoubleArray(), x = new double[cc.length];
      for (int sweep = 0; sweep < 100_000; sweep++) {
        double change = 0;
        for (int j = 0; j < x.length; j++) {
          double g = cc[j];
          for (int k = 0; k < x.length; k++) g += q[j][k] * x[k];
          double next = Math.min(h[j], Math.max(l[j], x[j] - g / q[j][j]));
          change = Math.max(change, Math.abs(next - x[j]));
          x[j] = next;
        }
        if (change < 1e-15) return Tensor.of(x);
      }
      throw new AssertionError("reference did not converge");
    }
  }

  static ProjectedGradient boxSolver(Quadratic q) {
    return ProjectedGradient.of(q.objective(), Projection.box(), 2);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void boxQpMatchesCoordinateDescentAndClosedFormJacobian(long seed) {
    Random rng = new Random(seed);
    int d = 6;
    Quadratic q = Quadratic.random(rng, d);
    Tensor c = Tensor.randn(rng, d), lo = Tensor.full(-0.4, d), hi = Tensor.full(0.3, d);
    Tensor expected = q.boxReference(c, lo, hi);
    for (ProjectedGradient pg : new ProjectedGradient[] {boxSolver(q), boxSolver(q).withAcceleration(true),
        boxSolver(q).withStepSize(StepSize.fixed(0.5))}) {
      SolverResult r = pg.run(Tensor.zeros(d), c, lo, hi);
      assertTrue(r.converged(), r.toString());
      assertClose(expected, r.solution(), 1e-7, "box QP " + pg.stepSize());
    }
    // ∂x/∂c: −(Q_FF)⁻¹ on the free set F, 0 on active coordinates
    double[] x = expected.toDoubleArray();
    int[] free = IntStream.range(0, d).filter(i -> x[i] > -0.4 + 1e-9 && x[i] < 0.3 - 1e-9).toArray();
    assertTrue(free.length > 0 && free.length < d, "mixed active set, free " + free.length);
    Tensor inv = SolverTestSupport.gauss(q.Q().take(free, 0).take(free, 1), Tensor.eye(free.length)).neg();
    double[][] expectedJ = new double[d][d];
    for (int a = 0; a < free.length; a++) for (int b = 0; b < free.length; b++) expectedJ[free[a]][free[b]] = inv.get(a, b);
    ProjectedGradient pg = boxSolver(q).withAcceleration(true);
    Tensor init = Tensor.zeros(d);
    assertClose(Tensor.of(expectedJ), AD.jacobian(cc -> pg.run(init, cc, lo, hi).orThrow(), c, AD.Mode.FORWARD), 1e-6,
        "∂x/∂c");
    ProjectedGradient unrolled = pg.withDifferentiation(Differentiation.UNROLLED).withTol(1e-12);
    SolverTestSupport.checkJacobians(cc -> pg.run(init, cc, lo, hi).orThrow(), cc -> unrolled.run(init, cc, lo, hi).orThrow(),
        cc -> pg.withTol(1e-13).run(init, cc, lo, hi).orThrow(), c, 1e-6);
    // derivative in the set's parameter θ_C = hi
    SolverTestSupport.checkJacobians(h -> pg.run(init, c, lo, h).orThrow(), h -> unrolled.run(init, c, lo, h).orThrow(),
        h -> pg.withTol(1e-13).run(init, c, lo, h).orThrow(), hi, 1e-6);
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5, 6})
  void simplexQpJacobianMatchesKkt(long seed) {
    Random rng = new Random(seed);
    int d = 5;
    Quadratic q = Quadratic.random(rng, d);
    Tensor c = Tensor.randn(rng, d);
    ProjectedGradient pg = ProjectedGradient.of(q.objective(), Projection.simplex(), 1).withAcceleration(true);
    Tensor s = Tensor.scalar(1);
    Tensor init = Tensor.full(1.0 / d, d);
    Tensor x = pg.run(init, c, s).orThrow();
    assertEquals(1.0, x.sum().item(), 1e-10);
    // KKT on the support S: [Q_SS 1; 1ᵀ 0][x_S; ν] = [−c_S; s]  ⇒  ∂x_S/∂c_S = −K⁻¹[:S, :S]
    double[] xv = x.toDoubleArray();
    int[] S = IntStream.range(0, d).filter(i -> xv[i] > 1e-9).toArray();
    int m = S.length;
    Tensor K = Tensor.concat(0, Tensor.concat(1, q.Q().take(S, 0).take(S, 1), Tensor.ones(m, 1)),
        Tensor.concat(1, Tensor.ones(1, m), Tensor.zeros(1, 1)));
    Tensor Kinv = SolverTestSupport.gauss(K, Tensor.eye(m + 1));
    double[][] expected = new double[d][d];
    for (int a = 0; a < m; a++) for (int b = 0; b < m; b++) expected[S[a]][S[b]] = -Kinv.get(a, b);
    Tensor reverse = AD.jacobian(cc -> pg.run(init, cc, s).orThrow(), c, AD.Mode.REVERSE);
    assertClose(Tensor.of(expected), reverse, 1e-6, "simplex ∂x/∂c (support " + m + ")");
    // ∂x_S/∂s = K⁻¹[:S, m]
    Tensor ds = AD.jacobian(ss -> pg.run(init, c, ss).orThrow(), s, AD.Mode.FORWARD);
    double[] expectedDs = new double[d];
    for (int a = 0; a < m; a++) expectedDs[S[a]] = Kinv.get(a, m);
    assertClose(Tensor.of(expectedDs), ds, 1e-6, "simplex ∂x/∂s");
  }

  @Test
  void notConvergedSolutionRefusesToBeDifferentiated() {
    Random rng = new Random(9);
    Quadratic q = Quadratic.random(rng, 4);
    ProjectedGradient pg = ProjectedGradient.of(q.objective(), Projection.nonNegative(), 0).withMaxIterations(1);
    assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(c -> pg.run(Tensor.ones(4), c).solution(), Tensor.randn(rng, 4).sub(1), AD.Mode.REVERSE));
  }

  @Test
  void divergingFixedStepThrows() {
    Random rng = new Random(9);
    Quadratic q = Quadratic.random(rng, 4);
    // on an unbounded set (a hyperplane aᵀx = b) a step far above 2/L makes the iterates blow up
    ProjectedGradient pg = ProjectedGradient.of(q.objective(), Projection.hyperplane(), 2).withStepSize(StepSize.fixed(50));
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> pg.run(Tensor.ones(4), Tensor.full(-1.0, 4), Tensor.of(1, 2, 3, 4), Tensor.scalar(1)));
    assertTrue(e.getMessage().contains("ProjectedGradient") && e.getMessage().contains("step size 50"), e.getMessage());
  }

  @Test
  void nanInSetParameterThrows() {
    Quadratic q = Quadratic.random(new Random(2), 3);
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> boxSolver(q).run(Tensor.zeros(3), Tensor.ones(3), Tensor.full(-1.0, 3), Tensor.of(1, Double.NaN, 1)));
    assertTrue(e.getMessage().contains("θ[2]"), e.getMessage());
  }
}
