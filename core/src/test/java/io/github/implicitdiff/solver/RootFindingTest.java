package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broyden and Bisection: known roots, implicit (and unrolled) derivatives vs closed forms and finite differences. */
class RootFindingTest {
  /** F(x, θ) = A x + 0.3 sin(x) − θ, a coupled nonlinear system; the Jacobian of x* = (A + 0.3 diag(cos x))⁻¹. */
  record Coupled(Tensor A, Optimality F) {
    static Coupled random(long seed, int n) {
      Random rng = new Random(seed);
      Tensor M = Tensor.randn(rng, n, n);
      Tensor A = Tensor.eye(n).mul(3).add(M.mul(0.3));
      return new Coupled(A, (x, th) -> A.matmul(x).add(x.sin().mul(0.3)).sub(th[0]));
    }

    Tensor jacobian(Tensor x) {
      return io.github.implicitdiff.linalg.DenseSolve.solve(A.add(Tensor.eye(A.dim(0)).mul(x.cos().mul(0.3))), Tensor.eye(A.dim(0)));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void broydenFindsRootAndImplicitJacobian(long seed) {
    int n = 5;
    Coupled p = Coupled.random(seed, n);
    Tensor xTrue = Tensor.randn(new Random(seed + 100), n);
    Tensor theta = p.F.apply(xTrue, Tensor.zeros(n)); // θ such that x* = xTrue
    var solver = Broyden.of(p.F).withTol(1e-12);
    SolverResult r = solver.run(Tensor.zeros(n), theta);
    assertTrue(r.converged());
    assertTrue(r.solution().allClose(xTrue, 1e-10), r.solution() + " vs " + xTrue);
    Tensor expected = p.jacobian(xTrue);
    assertTrue(AD.jacobian(t -> solver.run(Tensor.zeros(n), t).solution(), theta, AD.Mode.FORWARD).allClose(expected, 1e-9));
    assertTrue(AD.jacobian(t -> solver.run(Tensor.zeros(n), t).solution(), theta, AD.Mode.REVERSE).allClose(expected, 1e-9));
    Tensor fd = Fd.jacobian(t -> solver.run(Tensor.zeros(n), t).orThrow(), theta, 1e-6);
    assertTrue(fd.allClose(expected, 1e-7));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void broydenUnrolledDerivativeConvergesToImplicit(long seed) {
    int n = 4;
    Coupled p = Coupled.random(seed, n);
    Tensor theta = Tensor.randn(new Random(seed), n);
    var unrolled = Broyden.of(p.F).withTol(1e-13).withDifferentiation(Differentiation.UNROLLED);
    Tensor x = unrolled.run(Tensor.zeros(n), theta).orThrow();
    Tensor J = AD.jacobian(t -> unrolled.run(Tensor.zeros(n), t).solution(), theta, AD.Mode.REVERSE);
    assertTrue(J.allClose(p.jacobian(x), 1e-6), J + " vs " + p.jacobian(x));
  }

  @Test
  void broydenIdentityStartSolvesAMildSystem() {
    Optimality F = (x, th) -> x.sub(x.mul(0.5).cos().mul(0.2)).sub(th[0]); // x − 0.2 cos(x/2) = θ
    Tensor theta = Tensor.of(0.1, -0.4, 0.7);
    SolverResult r = Broyden.of(F).withInitialJacobian(Broyden.InitialJacobian.IDENTITY).withTol(1e-12).run(Tensor.zeros(3), theta);
    assertTrue(r.converged());
    assertTrue(F.apply(r.solution(), theta).maxAbs() < 1e-12);
  }

  @Test
  void broydenNanIsReported() {
    Optimality F = (x, th) -> x.add(th[0]).sqrt().sub(1); // sqrt of a negative at the start
    assertThrows(NonFiniteException.class, () -> Broyden.of(F).run(Tensor.of(-5.0), Tensor.of(1.0)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 2, 7})
  void bisectionFindsSquareRootWithImplicitDerivative(double theta) {
    Optimality F = (x, th) -> x.square().sub(th[0]);
    var solver = Bisection.of(F);
    SolverResult r = solver.run(Tensor.of(0, 3), Tensor.scalar(theta));
    assertTrue(r.converged());
    assertEquals(Math.sqrt(theta), r.solution().item(), 1e-12);
    double expected = 0.5 / Math.sqrt(theta);
    assertEquals(expected, AD.grad(t -> solver.run(Tensor.of(0, 3), t).solution(), Tensor.scalar(theta)).item(), 1e-9);
    assertEquals(expected, AD.jvp(t -> solver.run(Tensor.of(0, 3), t).solution(), Tensor.scalar(theta), Tensor.scalar(1))
        .outTangent().item(), 1e-9);
  }

  @Test
  void bisectionWithoutSignChangeThrows() {
    Optimality F = (x, th) -> x.square().add(th[0]);
    var e = assertThrows(IllegalArgumentException.class, () -> Bisection.of(F).run(Tensor.of(-1, 1), Tensor.scalar(1)));
    assertTrue(e.getMessage().contains("no sign change"), e.getMessage());
  }

  @Test
  void bisectionRefusesUnrolled() {
    Optimality F = (x, th) -> x.sub(th[0]);
    assertThrows(IllegalArgumentException.class,
        () -> Bisection.of(F).withDifferentiation(Differentiation.UNROLLED));
  }

  @Test
  void bisectionNanThrows() {
    Optimality F = (x, th) -> x.log().sub(th[0]); // log of negative x at lo
    assertThrows(NonFiniteException.class, () -> Bisection.of(F).run(Tensor.of(-1, 2), Tensor.scalar(0)));
  }
}
