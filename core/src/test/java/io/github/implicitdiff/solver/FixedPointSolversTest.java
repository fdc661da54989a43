package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FixedPointIteration and AndersonAcceleration on z = tanh(Wz + x): solution, closed-form Jacobian, both modes. */
class FixedPointSolversTest {
  static final int N = 6;

  record Problem(Tensor W, Tensor x, FixedPointMap T) {
    static Problem random(long seed) {
      Random rng = new Random(seed);
      Tensor W = Tensor.randn(rng, N, N);
      W = W.div(W.norm2() * 1.3); // ‖W‖₂ ≤ ‖W‖_F < 1: a contraction
      Tensor Wf = W;
      return new Problem(W, Tensor.randn(rng, N), (z, th) -> Wf.matmul(z).add(th[0]).tanh());
    }

    /** the Jacobian of z* = (I − D W)⁻¹ D with D = diag(1 − z²). */
    Tensor jacobian(Tensor z) {
      Tensor D = Tensor.eye(N).mul(z.square().rsub(1.0));
      return io.github.implicitdiff.linalg.DenseSolve.solve(Tensor.eye(N).sub(D.matmul(W)), D);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void fixedPointIterationSolvesAndDifferentiates(long seed) {
    Problem p = Problem.random(seed);
    var solver = FixedPointIteration.of(p.T).withTol(1e-13);
    SolverResult r = solver.run(Tensor.zeros(N), p.x);
    assertTrue(r.converged());
    assertTrue(p.T.apply(r.solution(), p.x).sub(r.solution()).maxAbs() < 1e-12);
    Tensor expected = p.jacobian(r.solution());
    for (Differentiation mode : Differentiation.values()) {
      var s = solver.withDifferentiation(mode);
      Tensor fwd = AD.jacobian(xx -> s.run(Tensor.zeros(N), xx).solution(), p.x, AD.Mode.FORWARD);
      Tensor rev = AD.jacobian(xx -> s.run(Tensor.zeros(N), xx).solution(), p.x, AD.Mode.REVERSE);
      assertTrue(fwd.allClose(expected, 1e-9), mode + " forward " + fwd + " vs " + expected);
      assertTrue(rev.allClose(expected, 1e-9), mode + " reverse");
    }
    Tensor fd = Fd.jacobian(xx -> solver.run(Tensor.zeros(N), xx).orThrow(), p.x, 1e-6);
    assertTrue(fd.allClose(expected, 1e-7), "finite differences " + fd);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void andersonAgreesWithPlainIterationInFewerSteps(long seed) {
    Problem p = Problem.random(seed);
    SolverResult plain = FixedPointIteration.of(p.T).withTol(1e-13).run(Tensor.zeros(N), p.x);
    var anderson = AndersonAcceleration.of(p.T).withTol(1e-12).withMemory(4);
    SolverResult acc = anderson.run(Tensor.zeros(N), p.x);
    assertTrue(acc.converged());
    assertTrue(acc.solution().allClose(plain.solution(), 1e-11));
    assertTrue(acc.iterations() < plain.iterations(), acc.iterations() + " vs " + plain.iterations());
    Tensor expected = p.jacobian(acc.solution());
    for (Differentiation mode : Differentiation.values()) {
      var s = anderson.withDifferentiation(mode).withTol(1e-13);
      Tensor rev = AD.jacobian(xx -> s.run(Tensor.zeros(N), xx).solution(), p.x, AD.Mode.REVERSE);
      Tensor fwd = AD.jacobian(xx -> s.run(Tensor.zeros(N), xx).solution(), p.x, AD.Mode.FORWARD);
      assertTrue(rev.allClose(expected, 1e-8), mode + " reverse " + rev + " vs " + expected);
      assertTrue(fwd.allClose(expected, 1e-8), mode + " forward");
    }
  }

  @Test
  void andersonWithMixingAndMemoryOneStillConverges() {
    Problem p = Problem.random(7);
    SolverResult r = AndersonAcceleration.of(p.T).withMemory(1).withMixing(0.7).withTol(1e-12).run(Tensor.zeros(N), p.x);
    assertTrue(r.converged());
    assertTrue(p.T.apply(r.solution(), p.x).sub(r.solution()).maxAbs() < 1e-11);
  }

  @Test
  void nanIterateIsReported() {
    FixedPointMap T = (z, th) -> z.sub(th[0]).log(); // log of a negative number
    var e = assertThrows(NonFiniteException.class, () -> FixedPointIteration.of(T).run(Tensor.of(0.5), Tensor.of(1.0)));
    assertTrue(e.getMessage().contains("FixedPointIteration"), e.getMessage());
    assertThrows(NonFiniteException.class, () -> AndersonAcceleration.of(T).run(Tensor.of(0.5), Tensor.of(1.0)));
  }

  @Test
  void divergenceIsReported() {
    FixedPointMap T = (z, th) -> z.mul(3).add(th[0]); // expanding: no attracting fixed point
    var e = assertThrows(NotConvergedException.class, () -> FixedPointIteration.of(T).run(Tensor.of(0.0), Tensor.of(1.0)));
    assertTrue(e.getMessage().contains("diverged"), e.getMessage());
  }

  @Test
  void budgetExhaustedIsUnconvergedAndOrThrowThrows() {
    Problem p = Problem.random(1);
    SolverResult r = FixedPointIteration.of(p.T).withMaxIterations(3).run(Tensor.zeros(N), p.x);
    assertFalse(r.converged());
    assertEquals(3, r.iterations());
    assertThrows(NotConvergedException.class, r::orThrow);
  }
}
