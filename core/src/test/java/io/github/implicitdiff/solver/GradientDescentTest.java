package io.github.implicitdiff.solver;

import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.solver.SolverTestSupport.Ridge;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GradientDescentTest {

  static Tensor lambdas(long seed, int d) {
    return Tensor.uniform(new Random(seed + 100), 0.1, 1.0, d);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void reachesTheRidgeSolutionWithEachStepRule(long seed) {
    Ridge r = Ridge.random(seed, 30, 5);
    Tensor lam = lambdas(seed, 5);
    Tensor expected = r.solution(lam);
    double L = r.lipschitz(lam);
    GradientDescent[] solvers = {
        GradientDescent.of(r.objective()),
        GradientDescent.of(r.objective()).withAcceleration(true),
        GradientDescent.of(r.objective()).withStepSize(StepSize.fixed(1 / L)),
        GradientDescent.of(r.objective()).withStepSize(StepSize.fixed(1 / L)).withAcceleration(true),
        GradientDescent.of(r.objective()).withStepSize(StepSize.backtracking().withInitial(100).withGrowth(2))};
    for (GradientDescent gd : solvers) {
      SolverResult res = gd.run(Tensor.zeros(5), lam);
      assertTrue(res.converged(), gd.stepSize() + " acc " + gd.accelerated() + ": " + res);
      assertTrue(res.error() <= 1e-8);
      assertClose(expected, res.solution(), 1e-7, "solution " + gd.stepSize());
      // the reported error is the stationarity residual at the returned point
      Tensor grad = gd.optimality().apply(res.solution(), lam);
      assertEquals(Guards.relativeRms(grad, res.solution()), res.error(), 1e-12);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void implicitJacobianMatchesClosedFormUnrolledAndFiniteDifferences(long seed) {
    Ridge r = Ridge.random(seed, 30, 4);
    Tensor lam = lambdas(seed, 4);
    GradientDescent gd = GradientDescent.of(r.objective()).withAcceleration(seed % 2 == 0);
    Tensor init = Tensor.zeros(4);
    Tensor forward = AD.jacobian(l -> gd.run(init, l).orThrow(), lam, AD.Mode.FORWARD);
    assertClose(r.jacobian(lam), forward, 1e-6, "implicit vs closed form");
    assertFalse(forward.allClose(forward.T(), 1e-3), "the test must be able to catch a transposed Jacobian");
    GradientDescent unrolled = gd.withDifferentiation(Differentiation.UNROLLED).withTol(1e-12);
    SolverTestSupport.checkJacobians(l -> gd.run(init, l).orThrow(), l -> unrolled.run(init, l).orThrow(),
        l -> gd.withTol(1e-13).run(init, l).orThrow(), lam, 1e-6);
  }

  @Test
  void fixedStepUnrolledAlsoConverges() {
    Ridge r = Ridge.random(7, 20, 3);
    Tensor lam = lambdas(7, 3);
    GradientDescent gd = GradientDescent.of(r.objective()).withStepSize(StepSize.fixed(1 / r.lipschitz(lam)))
        .withDifferentiation(Differentiation.UNROLLED).withTol(1e-12);
    assertClose(r.jacobian(lam), AD.jacobian(l -> gd.run(Tensor.zeros(3), l).orThrow(), lam, AD.Mode.FORWARD), 1e-6,
        "unrolled fixed step vs closed form");
  }

  @Test
  void notConvergedSolutionRefusesToBeDifferentiated() {
    Ridge r = Ridge.random(4, 20, 3);
    GradientDescent gd = GradientDescent.of(r.objective()).withMaxIterations(2);
    Tensor lam = lambdas(4, 3);
    SolverResult res = gd.run(Tensor.zeros(3), lam);
    assertFalse(res.converged());
    assertThrows(NotConvergedException.class, res::orThrow);
    assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(l -> gd.run(Tensor.zeros(3), l).solution(), lam, AD.Mode.REVERSE));
  }

  @Test
  void divergingFixedStepThrowsNamingTheStep() {
    Ridge r = Ridge.random(5, 20, 3);
    Tensor lam = lambdas(5, 3);
    double L = r.lipschitz(lam);
    GradientDescent gd = GradientDescent.of(r.objective()).withStepSize(StepSize.fixed(3 / L));
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> gd.run(Tensor.zeros(3), lam));
    assertTrue(e.getMessage().contains("GradientDescent") && e.getMessage().contains("step size"), e.getMessage());
  }

  @Test
  void nanInThetaThrows() {
    Ridge r = Ridge.random(6, 20, 3);
    Tensor lam = Tensor.of(0.1, Double.NaN, 0.3);
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> GradientDescent.of(r.objective()).run(Tensor.zeros(3), lam));
    assertTrue(e.getMessage().contains("θ[0]"), e.getMessage());
  }

  @Test
  void nanInClosedOverDataThrows() {
    Ridge r = Ridge.random(6, 20, 3);
    double[] y = r.y().toDoubleArray();
    y[3] = Double.NaN;
    Ridge bad = new Ridge(r.X(), Tensor.of(y));
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> GradientDescent.of(bad.objective()).run(Tensor.zeros(3), lambdas(6, 3)));
    assertTrue(e.getMessage().contains("initial point"), e.getMessage());
  }

  @Test
  void settingsAreValidatedAndImmutable() {
    GradientDescent gd = GradientDescent.of(Ridge.random(1, 5, 2).objective());
    assertThrows(IllegalArgumentException.class, () -> gd.withTol(0));
    assertThrows(IllegalArgumentException.class, () -> gd.withMaxIterations(0));
    assertThrows(IllegalArgumentException.class, () -> StepSize.fixed(-1));
    assertThrows(IllegalArgumentException.class, () -> StepSize.backtracking().withShrink(1.5));
    GradientDescent other = gd.withTol(1e-3).withDifferentiation(Differentiation.UNROLLED);
    assertEquals(Optimizer.DEFAULT_TOL, gd.tol());
    assertEquals(Differentiation.IMPLICIT, gd.differentiation());
    assertEquals(1e-3, other.tol());
    assertTrue(gd.linearSolver().requiresSymmetric(), "stationarity defaults to CG");
  }
}
