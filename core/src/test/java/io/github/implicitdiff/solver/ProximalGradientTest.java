package io.github.implicitdiff.solver;

import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProximalGradientTest {

  static ProximalGradient lasso(LassoReference p) {
    return ProximalGradient.of(p.smoothPart(), ProximalOperator.lasso(), 1);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void lassoMatchesCoordinateDescentWithEachVariant(long seed) {
    LassoReference p = LassoReference.random(seed, 40, 8);
    double lambda = 0.2 * p.lambdaMax();
    Tensor expected = p.coordinateDescent(lambda);
    assertTrue(LassoReference.support(expected).length < 8, "the problem must have zeros");
    double L = p.lipschitz();
    ProximalGradient[] solvers = {lasso(p), lasso(p).withAcceleration(true), lasso(p).withStepSize(StepSize.fixed(1 / L)),
        lasso(p).withStepSize(StepSize.fixed(1 / L)).withAcceleration(true)};
    for (ProximalGradient pg : solvers) {
      SolverResult r = pg.run(Tensor.zeros(8), p.y(), Tensor.scalar(lambda));
      assertTrue(r.converged(), pg.stepSize() + " " + pg.accelerated() + ": " + r);
      assertClose(expected, r.solution(), 1e-7, "lasso " + pg.stepSize() + " accelerated " + pg.accelerated());
      Tensor F = pg.optimality().apply(r.solution(), p.y(), Tensor.scalar(lambda));
      assertEquals(Guards.relativeRms(F, r.solution()), r.error(), 1e-12, "error is the optimality residual");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void lassoJacobiansInLambdaAndTargets(long seed) {
    LassoReference p = LassoReference.random(seed, 12, 5);
    Tensor lam = Tensor.scalar(0.15 * p.lambdaMax());
    ProximalGradient pg = lasso(p).withAcceleration(true);
    Tensor init = Tensor.zeros(5);
    Tensor w = pg.run(init, p.y(), lam).orThrow();
    // closed forms on the support
    assertClose(p.jacobianLambda(w), AD.jacobian(l -> pg.run(init, p.y(), l).orThrow(), lam, AD.Mode.REVERSE), 1e-6,
        "∂w/∂λ");
    Tensor jy = AD.jacobian(y -> pg.run(init, y, lam).orThrow(), p.y(), AD.Mode.REVERSE);
    assertClose(p.jacobianY(w), jy, 1e-6, "∂w/∂y");
    // both modes vs unrolled (FISTA differentiated through its iterations) and finite differences
    ProximalGradient unrolled = pg.withDifferentiation(Differentiation.UNROLLED).withTol(1e-12);
    SolverTestSupport.checkJacobians(y -> pg.run(init, y, lam).orThrow(), y -> unrolled.run(init, y, lam).orThrow(),
        y -> pg.withTol(1e-13).run(init, y, lam).orThrow(), p.y(), 1e-6);
    SolverTestSupport.checkJacobians(l -> pg.run(init, p.y(), l).orThrow(), l -> unrolled.run(init, p.y(), l).orThrow(),
        l -> pg.withTol(1e-13).run(init, p.y(), l).orThrow(), lam, 1e-6);
  }

  @Test
  void diabetesLassoMatchesCoordinateDescentAndItsDerivative() {
    LassoReference p = LassoReference.diabetes();
    double lambda = 0.05 * p.lambdaMax();
    Tensor expected = p.coordinateDescent(lambda);
    int active = LassoReference.support(expected).length;
    assertTrue(active > 2 && active < 10, "support size " + active);
    ProximalGradient pg = lasso(p).withStepSize(StepSize.fixed(1 / p.lipschitz())).withAcceleration(true);
    Tensor lam = Tensor.scalar(lambda);
    Tensor init = Tensor.zeros(10);
    SolverResult r = pg.run(init, p.y(), lam);
    assertTrue(r.converged(), r.toString());
    assertClose(expected, r.solution(), 1e-6, "diabetes lasso");
    Tensor forward = AD.jacobian(l -> pg.run(init, p.y(), l).orThrow(), lam, AD.Mode.FORWARD);
    Tensor reverse = AD.jacobian(l -> pg.run(init, p.y(), l).orThrow(), lam, AD.Mode.REVERSE);
    Tensor closed = p.jacobianLambda(expected);
    assertClose(closed, forward, 1e-5, "diabetes ∂w/∂λ forward");
    assertClose(closed, reverse, 1e-5, "diabetes ∂w/∂λ reverse");
    double h = 1e-3 * lambda;
    Tensor fd = pg.withTol(1e-12).run(init, p.y(), Tensor.scalar(lambda + h)).orThrow()
        .sub(pg.withTol(1e-12).run(init, p.y(), Tensor.scalar(lambda - h)).orThrow()).div(2 * h);
    assertClose(fd, forward, 1e-4, "diabetes ∂w/∂λ vs finite differences");
  }

  @Test
  void notConvergedSolutionRefusesToBeDifferentiated() {
    LassoReference p = LassoReference.random(3, 20, 4);
    ProximalGradient pg = lasso(p).withMaxIterations(3);
    Tensor lam = Tensor.scalar(0.1 * p.lambdaMax());
    assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(l -> pg.run(Tensor.zeros(4), p.y(), l).solution(), lam, AD.Mode.FORWARD));
  }

  @Test
  void divergingFixedStepThrows() {
    LassoReference p = LassoReference.random(3, 20, 4);
    ProximalGradient pg = lasso(p).withStepSize(StepSize.fixed(5 / p.lipschitz()));
    NonFiniteException e = assertThrows(NonFiniteException.class,
        () -> pg.run(Tensor.zeros(4), p.y(), Tensor.scalar(0.01)));
    assertTrue(e.getMessage().contains("ProximalGradient") && e.getMessage().contains("fixed step size"), e.getMessage());
  }

  @Test
  void nanInDataThrows() {
    LassoReference p = LassoReference.random(3, 20, 4);
    double[] y = p.y().toDoubleArray();
    y[0] = Double.NaN;
    assertThrows(NonFiniteException.class, () -> lasso(p).run(Tensor.zeros(4), Tensor.of(y), Tensor.scalar(0.1)));
  }

  @Test
  void missingProxParameterIsReported() {
    LassoReference p = LassoReference.random(3, 20, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProximalGradient.of((w, th) -> w.square().sum(), ProximalOperator.lasso(), 1).run(Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("prox"), e.getMessage());
  }
}
