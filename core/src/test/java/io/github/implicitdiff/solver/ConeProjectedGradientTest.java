package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.TensorFunction;
import io.github.implicitdiff.examples.Fd;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.projection.Projections;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end conic layers: projected gradient over the PSD cone and over a batch of second-order cones, the solution
 * differentiated implicitly through the projected-gradient fixed point (the cone projections' own derivative rules)
 * and checked against central differences of re-solves and, where there is one, the closed form.
 */
class ConeProjectedGradientTest {
  static Tensor sym(Tensor S) {
    return S.add(S.T()).mul(0.5);
  }

  /** min_X ½‖X − C(θ)‖² + ⟨B, X⟩ over X ⪰ 0, C(θ) = C₀ + θ₀C₁ + θ₁C₂: X* = P(C(θ) − B). */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void nearestPsdMatrixLayer(long seed) {
    Random rng = new Random(seed);
    int n = 5;
    Tensor C0 = sym(Tensor.randn(rng, n, n)), C1 = sym(Tensor.randn(rng, n, n)), C2 = sym(Tensor.randn(rng, n, n));
    Tensor B = sym(Tensor.randn(rng, n, n)).mul(0.3), theta = Tensor.randn(rng, 2).mul(0.5);
    TensorFunction C = th -> C0.add(C1.mul(th.index(0, 0))).add(C2.mul(th.index(0, 1)));
    Objective f = (X, th) -> X.sub(C.apply(th[0])).square().sum().mul(0.5).add(X.mul(B).sum());
    ProjectedGradient pg = ProjectedGradient.of(f, Projection.psd(), 0).withTol(1e-12);
    TensorFunction solve = th -> pg.run(Tensor.zeros(n, n), th).orThrow();
    TensorFunction closed = th -> Projections.psd(C.apply(th).sub(B));

    Tensor X = solve.apply(theta);
    assertTrue(X.allClose(closed.apply(theta), 1e-10), "solution");
    int rank = 0;
    for (double l : io.github.implicitdiff.linalg.JacobiEigen.of(X).values().toDoubleArray()) if (l > 1e-8) rank++;
    assertTrue(rank > 0 && rank < n, "a boundary solution (rank " + rank + ")");
    Tensor fd = Fd.jacobian(solve, theta, 1e-6), exact = AD.jacobian(closed, theta).reshape(fd.shape());
    for (AD.Mode mode : AD.Mode.values()) {
      Tensor J = AD.jacobian(solve, theta, mode).reshape(fd.shape());
      System.out.printf("nearest PSD layer seed %d %s: rel. error vs FD of re-solves %.1e, vs closed form %.1e%n", seed, mode,
          Fd.relativeError(J, fd), Fd.relativeError(J, exact));
      assertTrue(Fd.relativeError(J, fd) < 1e-6, mode + " vs FD of re-solves: " + Fd.relativeError(J, fd));
      assertTrue(Fd.relativeError(J, exact) < 1e-8, mode + " vs closed form: " + Fd.relativeError(J, exact));
    }
  }

  /** min_X ½‖L X Lᵀ − C(θ)‖² over X ⪰ 0: no closed form; implicit against central differences of re-solves. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void psdLeastSquaresLayer(long seed) {
    Random rng = new Random(seed);
    int n = 4;
    Tensor L = Tensor.eye(n).add(Tensor.randn(rng, n, n).mul(0.2)), C1 = sym(Tensor.randn(rng, n, n));
    Tensor theta = sym(Tensor.randn(rng, n, n));
    Objective f = (X, th) -> L.matmul(X).matmul(L.T()).sub(th[0].add(C1)).square().sum().mul(0.5);
    ProjectedGradient pg = ProjectedGradient.of(f, Projection.psd(), 0).withAcceleration(true).withTol(1e-12);
    TensorFunction solve = th -> pg.run(Tensor.zeros(n, n), sym(th)).orThrow();
    Tensor X = solve.apply(theta);
    double[] lam = io.github.implicitdiff.linalg.JacobiEigen.of(X).values().toDoubleArray();
    assertTrue(lam[0] < 1e-8 && lam[n - 1] > 1e-3, "on the boundary of the cone: " + java.util.Arrays.toString(lam));
    assertFalse(Projections.psdDegeneracy(X.sub(AD.grad(x -> f.apply(x, theta), X)), 1e-6).isDegenerate(), "non-degenerate");
    Tensor fd = Fd.jacobian(solve, theta, 1e-6);
    Tensor J = AD.jacobian(solve, theta).reshape(fd.shape());
    System.out.printf("PSD least-squares layer seed %d: rel. error vs FD of re-solves %.1e%n", seed, Fd.relativeError(J, fd));
    assertTrue(Fd.relativeError(J, fd) < 1e-6, "implicit vs FD of re-solves: " + Fd.relativeError(J, fd));
  }

  /** min_z ½ Σ w ∘ (z − c)² over a batch of second-order cones (rows of 4, t last). */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void weightedSecondOrderConeLayer(long seed) {
    Random rng = new Random(seed);
    Tensor w = Tensor.uniform(rng, 0.5, 2, 3, 4), c = Tensor.randn(rng, 3, 4);
    Objective f = (z, th) -> w.mul(z.sub(th[0]).square()).sum().mul(0.5);
    ProjectedGradient pg = ProjectedGradient.of(f, Projection.secondOrderCone(), 0).withAcceleration(true).withTol(1e-12);
    TensorFunction solve = th -> pg.run(Tensor.zeros(3, 4), th).orThrow();
    Tensor fd = Fd.jacobian(solve, c, 1e-4); // re-solves accurate to ~1e-12: h = 1e-6 would leave 1e-6 noise
    for (AD.Mode mode : AD.Mode.values()) {
      Tensor J = AD.jacobian(solve, c, mode).reshape(fd.shape());
      System.out.printf("SOC layer seed %d %s: rel. error vs FD of re-solves %.1e%n", seed, mode, Fd.relativeError(J, fd));
      assertTrue(Fd.relativeError(J, fd) < 1e-6, mode + ": " + Fd.relativeError(J, fd));
    }
  }

  /** A weakly active eigenvalue (C has an exact zero eigenvalue) and a row on a cone's boundary are reported. */
  @org.junit.jupiter.api.Test
  void degeneracyChecksReportKinks() {
    Objective f = (X, th) -> X.sub(th[0]).square().sum().mul(0.5);
    Tensor C = Tensor.of(new double[][] {{1, 0, 0}, {0, 0, 0}, {0, 0, -1}});
    SolverResult r = ProjectedGradient.of(f, Projection.psd(), 0).withDegeneracyCheck(DegeneracyCheck.psd()).withTol(1e-12)
        .run(Tensor.zeros(3, 3), C);
    assertTrue(r.orThrow().allClose(Tensor.of(new double[][] {{1, 0, 0}, {0, 0, 0}, {0, 0, 0}}), 1e-10));
    assertEquals(java.util.List.of(1), r.degeneracy().indices(), "the zero eigenvalue of v* = C");
    SolverResult clean = ProjectedGradient.of(f, Projection.psd(), 0).withDegeneracyCheck(DegeneracyCheck.psd()).withTol(1e-12)
        .run(Tensor.zeros(3, 3), C.add(Tensor.eye(3).mul(0.5)));
    assertFalse(clean.degenerate());

    Tensor c = Tensor.of(new double[][] {{3, 4, 5}, {3, 4, 1}, {1, 0, 3}});   // row 0 on the boundary of K
    SolverResult s = ProjectedGradient.of(f, Projection.secondOrderCone(), 0).withDegeneracyCheck(DegeneracyCheck.secondOrderCone())
        .withTol(1e-12).run(Tensor.zeros(3, 3), c);
    assertEquals(java.util.List.of(0), s.degeneracy().indices());
  }
}
