package io.github.implicitdiff.projection;

import static io.github.implicitdiff.projection.DerivativeChecks.assertClose;
import static io.github.implicitdiff.projection.DerivativeChecks.assertJacobianMatchesFiniteDifferences;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoxAndBallProjectionTest {
  private static final int N = 6;

  /**
   * Feasibility (violation ≤ 1e-10), the variational inequality ⟨x − p, y − p⟩ ≤ 1e-9 for random
   * feasible y, idempotence, and the Jacobian in x by both AD modes against central differences.
   */
  private static void checkConvexProjection(String name, Function<Tensor, Tensor> project, ToDoubleFunction<Tensor> violation,
      Function<Random, Tensor> feasible, Tensor x, Random rng) {
    Tensor p = project.apply(x);
    assertTrue(violation.applyAsDouble(p) <= 1e-10, name + ": infeasible, violation " + violation.applyAsDouble(p));
    for (int k = 0; k < 100; k++) {
      Tensor y = feasible.apply(rng);
      assertTrue(violation.applyAsDouble(y) <= 1e-10, name + ": the test generated an infeasible point");
      double vi = x.sub(p).vdot(y.sub(p));
      assertTrue(vi <= 1e-9, name + ": variational inequality violated, " + vi);
    }
    assertClose(p, project.apply(p), 1e-12, name + " idempotence");
    assertJacobianMatchesFiniteDifferences(project::apply, x, 1e-7, name);
  }

  private static double negativePart(Tensor t) {
    return Math.max(0, -t.min().item());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void orthantBoxHypercubeAndLinfBall(long seed) {
    Random rng = new Random(seed);
    Tensor x = Tensor.randn(rng, N).mul(2);
    checkConvexProjection("orthant", Projections::nonNegative, BoxAndBallProjectionTest::negativePart,
        r -> Tensor.randn(r, N).abs(), x, rng);

    Tensor lo = Tensor.uniform(rng, -1.5, 0, N), hi = lo.add(Tensor.uniform(rng, 0.2, 2, N));
    ToDoubleFunction<Tensor> boxViolation = p -> negativePart(p.sub(lo)) + negativePart(hi.sub(p));
    checkConvexProjection("box", v -> Projections.box(v, lo, hi), boxViolation,
        r -> lo.add(hi.sub(lo).mul(Tensor.rand(r, N))), x, rng);
    checkConvexProjection("hypercube", Projections::hypercube, p -> negativePart(p) + negativePart(p.rsub(1)),
        r -> Tensor.rand(r, N), x, rng);

    Tensor radius = Tensor.scalar(0.3 + rng.nextDouble());
    checkConvexProjection("linf ball", v -> Projections.linfBall(v, radius),
        p -> Math.max(0, p.normInf().item() - radius.item()),
        r -> Tensor.uniform(r, -radius.item(), radius.item(), N), x, rng);

    // derivatives in the bounds and the radius
    assertFalse(Projections.boxDegeneracy(x, lo, hi, 1e-4).isDegenerate());
    assertJacobianMatchesFiniteDifferences(l -> Projections.box(x, l, hi), lo, 1e-7, "box ∂lo");
    assertJacobianMatchesFiniteDifferences(h -> Projections.box(x, lo, h), hi, 1e-7, "box ∂hi");
    assertJacobianMatchesFiniteDifferences(r -> Projections.linfBall(x, r), radius, 1e-7, "linf ∂r");
  }

  @Test
  void boxWithScalarBoundsDifferentiatesThroughBroadcasting() {
    Tensor x = Tensor.of(-2, 0.5, 3, 0.9);
    Tensor lo = Tensor.scalar(0), hi = Tensor.scalar(1);
    assertClose(Tensor.of(0, 0.5, 1, 0.9), Projections.box(x, lo, hi), 0, "value");
    // ∂p/∂lo = number of coordinates clipped to lo, summed over the broadcast
    Tensor[] g = AD.gradAll(in -> Projections.box(x, in[0], in[1]).sum(), lo, hi);
    assertEquals(1, g[0].item(), 0);
    assertEquals(1, g[1].item(), 0);
  }

  @Test
  void boxDegeneracyAndItsConvention() {
    Tensor x = Tensor.of(0, 0.5, 1);
    Tensor lo = Tensor.scalar(0), hi = Tensor.scalar(1);
    Degeneracy d = Projections.boxDegeneracy(x, lo, hi, 1e-12);
    assertEquals(2, d.ties());
    assertEquals(3, d.size());
    // at a bound the bound is active: derivative 0 in x
    assertClose(Tensor.of(0, 1, 0), AD.jvp(v -> Projections.box(v, lo, hi), x, Tensor.ones(3)).outTangent(), 0, "convention");
  }

  // ---------------------------------------------------------------- ℓ2

  static Tensor randomL2BallPoint(Random rng, int n, double r) {
    Tensor d = Tensor.randn(rng, n);
    return d.div(d.norm2()).mul(r * rng.nextDouble());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void l2BallAndSphere(long seed) {
    Random rng = new Random(seed);
    double r = 0.5 + rng.nextDouble();
    Tensor radius = Tensor.scalar(r);
    for (double scale : new double[] {0.05, 2}) {
      Tensor x = Tensor.randn(rng, N).mul(scale);
      checkConvexProjection("l2 ball", v -> Projections.l2Ball(v, radius), p -> Math.max(0, p.norm2() - r),
          g -> randomL2BallPoint(g, N, r), x, rng);
      assertJacobianMatchesFiniteDifferences(t -> Projections.l2Ball(x, t), radius, 1e-7, "l2 ball ∂r");

      Tensor p = Projections.l2Sphere(x, radius);
      assertEquals(r, p.norm2(), 1e-12);
      for (int k = 0; k < 100; k++) {
        Tensor y = Tensor.randn(rng, N);
        y = y.div(y.norm2()).mul(r);
        assertTrue(x.sub(p).norm2() <= x.sub(y).norm2() + 1e-12, "l2 sphere: a sphere point is closer");
      }
      assertClose(p, Projections.l2Sphere(p, radius), 1e-12, "l2 sphere idempotence");
      assertJacobianMatchesFiniteDifferences(v -> Projections.l2Sphere(v, radius), x, 1e-7, "l2 sphere ∂x");
      assertJacobianMatchesFiniteDifferences(t -> Projections.l2Sphere(x, t), radius, 1e-7, "l2 sphere ∂r");
    }
  }

  @Test
  void l2ClosedFormJacobianOutside() {
    // outside the ball: ∂p/∂x = (r/‖x‖)(I − x xᵀ/‖x‖²)
    Tensor x = Tensor.of(3, 4);
    Tensor J = AD.jacobian(v -> Projections.l2Ball(v, Tensor.scalar(1)), x);
    Tensor expected = Tensor.eye(2).sub(x.outer(x).div(25)).div(5);
    assertClose(expected, J, 1e-15, "l2 ball Jacobian");
    assertClose(Tensor.of(1, 0), Projections.l2Sphere(Tensor.zeros(2), Tensor.scalar(1)), 0, "sphere at 0");
  }

  // ---------------------------------------------------------------- hyperplane, halfspace, affine set

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void hyperplaneAndHalfspace(long seed) {
    Random rng = new Random(seed);
    Tensor a = Tensor.randn(rng, N), b = Tensor.scalar(rng.nextGaussian());
    Function<Random, Tensor> onPlane = g -> {
      Tensor z = Tensor.randn(g, N).mul(2);
      return z.sub(a.mul((a.vdot(z) - b.item()) / a.vdot(a)));
    };
    for (int k = 0; k < 2; k++) {
      Tensor x = Tensor.randn(rng, N).mul(2);
      checkConvexProjection("hyperplane", v -> Projections.hyperplane(v, a, b), p -> Math.abs(a.vdot(p) - b.item()),
          onPlane, x, rng);
      // the VI holds with equality on an affine set
      Tensor p = Projections.hyperplane(x, a, b);
      assertEquals(0, x.sub(p).vdot(onPlane.apply(rng).sub(p)), 1e-9);
      checkConvexProjection("halfspace", v -> Projections.halfspace(v, a, b), p2 -> Math.max(0, a.vdot(p2) - b.item()),
          g -> {
            Tensor z = Tensor.randn(g, N).mul(2);
            double excess = a.vdot(z) - b.item();
            return excess <= 0 ? z : z.sub(a.mul(2 * excess / a.vdot(a)));
          }, x, rng);
      assertJacobianMatchesFiniteDifferences(t -> Projections.hyperplane(x, t, b), a, 1e-7, "hyperplane ∂a");
      assertJacobianMatchesFiniteDifferences(t -> Projections.hyperplane(x, a, t), b, 1e-7, "hyperplane ∂b");
      assertJacobianMatchesFiniteDifferences(t -> Projections.halfspace(x, t, b), a, 1e-7, "halfspace ∂a");
      assertJacobianMatchesFiniteDifferences(t -> Projections.halfspace(x, a, t), b, 1e-7, "halfspace ∂b");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void affineSet(long seed) {
    Random rng = new Random(seed);
    int m = 3;
    Tensor A = Tensor.randn(rng, m, N), b = Tensor.randn(rng, m);
    Tensor x = Tensor.randn(rng, N);
    Tensor p = Projections.affineSet(x, A, b);
    assertTrue(A.matmul(p).sub(b).maxAbs() <= 1e-10, "feasibility");
    for (int k = 0; k < 20; k++) {
      Tensor y = Projections.affineSet(Tensor.randn(rng, N).mul(3), A, b);
      assertTrue(A.matmul(y).sub(b).maxAbs() <= 1e-10);
      assertEquals(0, x.sub(p).vdot(y.sub(p)), 1e-9, "x − p must be orthogonal to the affine set");
    }
    assertClose(p, Projections.affineSet(p, A, b), 1e-12, "idempotence");
    // the Jacobian in x is the orthogonal projector onto null(A): symmetric, idempotent, A J = 0
    Tensor J = AD.jacobian(v -> Projections.affineSet(v, A, b), x);
    assertClose(J.T(), J, 1e-12, "symmetric");
    assertClose(J, J.matmul(J), 1e-12, "idempotent");
    assertTrue(A.matmul(J).maxAbs() < 1e-12, "A J = 0");
    assertJacobianMatchesFiniteDifferences(v -> Projections.affineSet(v, A, b), x, 1e-7, "affine ∂x");
    assertJacobianMatchesFiniteDifferences(t -> Projections.affineSet(x, t, b), A, 1e-6, "affine ∂A");
    assertJacobianMatchesFiniteDifferences(t -> Projections.affineSet(x, A, t), b, 1e-7, "affine ∂b");
  }

  @Test
  void affineSetSecondDerivativesThroughTheSolve() {
    // forward over reverse through the custom solve rules: H v of f(A) = ½‖p(x; A, b)‖² against FD of ∇f
    Random rng = new Random(9);
    Tensor A = Tensor.randn(rng, 2, 4), b = Tensor.randn(rng, 2), x = Tensor.randn(rng, 4), v = Tensor.randn(rng, 2, 4);
    io.github.implicitdiff.autodiff.TensorFunction f = M -> Projections.affineSet(x, M, b).normSquared().mul(0.5);
    Tensor hv = AD.hvp(f, A, v);
    double h = 1e-5;
    Tensor fd = AD.grad(f, A.add(v.mul(h))).sub(AD.grad(f, A.sub(v.mul(h)))).div(2 * h);
    assertClose(fd, hv, 1e-7 * Math.max(1, fd.maxAbs()), "Hessian-vector product");
    Tensor rr = AD.jacobian(M -> AD.grad(f, M), A, AD.Mode.REVERSE).reshape(8, 8).matmul(v.reshape(8)).reshape(2, 4);
    assertClose(fd, rr, 1e-7 * Math.max(1, fd.maxAbs()), "reverse over reverse");
  }
}
