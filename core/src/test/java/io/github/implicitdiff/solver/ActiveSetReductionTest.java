package io.github.implicitdiff.solver;

import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.implicit.ImplicitDiagnostics;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Active-set-reduced implicit derivatives against the full implicit system and finite differences. */
class ActiveSetReductionTest {

  static ProximalGradient lasso(LassoReference p) {
    return ProximalGradient.of(p.smoothPart(), ProximalOperator.lasso(), 1).withAcceleration(true).withTol(1e-11);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void lassoReducedEqualsFullImplicitAndFiniteDifferences(long seed) {
    LassoReference p = LassoReference.random(seed, 15, 25);
    Tensor lam = Tensor.scalar(0.2 * p.lambdaMax());
    ProximalGradient full = lasso(p);
    ProximalGradient reduced = full.withActiveSetReduction(ActiveSetReduction.lasso());
    Tensor init = Tensor.zeros(25);
    int support = LassoReference.support(full.run(init, p.y(), lam).orThrow()).length;
    assertTrue(support > 0 && support < 15, "sparse solution, support " + support);
    for (AD.Mode mode : AD.Mode.values()) {
      Tensor jl = AD.jacobian(l -> reduced.run(init, p.y(), l).orThrow(), lam, mode);
      assertClose(AD.jacobian(l -> full.run(init, p.y(), l).orThrow(), lam, mode), jl, 1e-7, "∂w/∂λ " + mode);
      Tensor jy = AD.jacobian(y -> reduced.run(init, y, lam).orThrow(), p.y(), mode);
      assertClose(AD.jacobian(y -> full.run(init, y, lam).orThrow(), p.y(), mode), jy, 1e-7, "∂w/∂y " + mode);
    }
    double h = 1e-6 * lam.item();
    Tensor fd = full.withTol(1e-13).run(init, p.y(), Tensor.scalar(lam.item() + h)).orThrow()
        .sub(full.withTol(1e-13).run(init, p.y(), Tensor.scalar(lam.item() - h)).orThrow()).div(2 * h);
    assertClose(fd, AD.jacobian(l -> reduced.run(init, p.y(), l).orThrow(), lam, AD.Mode.REVERSE), 1e-5, "∂w/∂λ vs FD");
    assertClose(p.jacobianLambda(full.run(init, p.y(), lam).orThrow()),
        AD.jacobian(l -> reduced.run(init, p.y(), l).orThrow(), lam, AD.Mode.FORWARD), 1e-7, "∂w/∂λ closed form");
  }

  @Test
  void lassoReducedSystemHasSupportSizeAndIsSolvedByCg() {
    LassoReference p = LassoReference.random(7, 30, 60);
    Tensor lam = Tensor.scalar(0.3 * p.lambdaMax());
    List<ImplicitDiagnostics> fullLog = new ArrayList<>(), reducedLog = new ArrayList<>();
    ProximalGradient full = lasso(p).withImplicitOptions(ImplicitOptions.defaults().withListener(fullLog::add));
    ProximalGradient reduced = lasso(p).withActiveSetReduction(ActiveSetReduction.lasso())
        .withImplicitOptions(ImplicitOptions.defaults().withListener(reducedLog::add));
    Tensor init = Tensor.zeros(60);
    int support = LassoReference.support(full.run(init, p.y(), lam).orThrow()).length;
    Tensor gFull = AD.grad(l -> full.run(init, p.y(), l).orThrow().sum(), lam);
    Tensor gReduced = AD.grad(l -> reduced.run(init, p.y(), l).orThrow().sum(), lam);
    assertEquals(gFull.item(), gReduced.item(), 1e-8 * Math.max(1, Math.abs(gFull.item())));
    ImplicitDiagnostics fullVjp = vjp(fullLog), reducedVjp = vjp(reducedLog);
    assertEquals(60, fullVjp.size());
    assertEquals(support, reducedVjp.size());
    assertEquals("cg", reducedVjp.linearSolution().method());
    assertTrue(reducedVjp.linearSolution().iterations() <= support + 1, "CG on |S| = " + support + ": "
        + reducedVjp.linearSolution().iterations());
  }

  private static ImplicitDiagnostics vjp(List<ImplicitDiagnostics> log) {
    return log.stream().filter(d -> d.stage() == ImplicitDiagnostics.Stage.VJP).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void boxReducedEqualsFullImplicitAndFiniteDifferencesInCAndBounds(long seed) {
    Random rng = new Random(seed);
    int d = 8;
    ProjectedGradientTest.Quadratic q = ProjectedGradientTest.Quadratic.random(rng, d);
    Tensor c = Tensor.randn(rng, d), lo = Tensor.uniform(rng, -0.6, -0.2, d), hi = Tensor.uniform(rng, 0.2, 0.5, d);
    ProjectedGradient full = ProjectedGradient.of(q.objective(), Projection.box(), 2).withAcceleration(true).withTol(1e-12);
    ProjectedGradient reduced = full.withActiveSetReduction(ActiveSetReduction.box());
    Tensor init = Tensor.zeros(d);
    double[] x = full.run(init, c, lo, hi).orThrow().toDoubleArray();
    long free = java.util.Arrays.stream(x).filter(v -> v > -0.2 && v < 0.2).count();
    assertTrue(free > 0 && free < d, "mixed active set, free " + free);
    for (AD.Mode mode : AD.Mode.values()) {
      assertClose(AD.jacobian(cc -> full.run(init, cc, lo, hi).orThrow(), c, mode),
          AD.jacobian(cc -> reduced.run(init, cc, lo, hi).orThrow(), c, mode), 1e-8, "∂x/∂c " + mode);
      assertClose(AD.jacobian(l -> full.run(init, c, l, hi).orThrow(), lo, mode),
          AD.jacobian(l -> reduced.run(init, c, l, hi).orThrow(), lo, mode), 1e-8, "∂x/∂lo " + mode);
      assertClose(AD.jacobian(u -> full.run(init, c, lo, u).orThrow(), hi, mode),
          AD.jacobian(u -> reduced.run(init, c, lo, u).orThrow(), hi, mode), 1e-8, "∂x/∂hi " + mode);
    }
    ProjectedGradient tight = full.withTol(1e-13);
    assertClose(SolverTestSupport.finiteDifferenceJacobian(cc -> tight.run(init, cc, lo, hi).orThrow(), c, 1e-6),
        AD.jacobian(cc -> reduced.run(init, cc, lo, hi).orThrow(), c, AD.Mode.REVERSE), 1e-6, "∂x/∂c vs FD");
    assertClose(SolverTestSupport.finiteDifferenceJacobian(u -> tight.run(init, c, lo, u).orThrow(), hi, 1e-6),
        AD.jacobian(u -> reduced.run(init, c, lo, u).orThrow(), hi, AD.Mode.REVERSE), 1e-6, "∂x/∂hi vs FD");
  }

  @Test
  void secondDerivativeThroughReducedLassoMatchesFullImplicit() {
    LassoReference p = LassoReference.random(11, 15, 25);
    Tensor init = Tensor.zeros(25);
    Tensor lam = Tensor.scalar(0.2 * p.lambdaMax());
    ProximalGradient full = lasso(p);
    ProximalGradient reduced = full.withActiveSetReduction(ActiveSetReduction.lasso());
    // d²/dy² of ‖w*(y)‖² along a direction: forward over reverse through the implicit layer
    Tensor v = Tensor.randn(new Random(3), 15);
    Tensor hFull = AD.hvp(y -> full.run(init, y, lam).orThrow().square().sum(), p.y(), v);
    Tensor hReduced = AD.hvp(y -> reduced.run(init, y, lam).orThrow().square().sum(), p.y(), v);
    assertClose(hFull, hReduced, 1e-7, "Hessian-vector product in y");
  }

  @Test
  void mismatchedReductionIsRejectedByTheResidualCheck() {
    LassoReference p = LassoReference.random(5, 15, 10);
    // ridge prox with the lasso reduction: the face gradient λ sign(x) is not the ridge's λx, so F_S(x*_S) ≠ 0
    ProximalGradient wrong = ProximalGradient.of(p.smoothPart(), ProximalOperator.ridge(), 1)
        .withActiveSetReduction(ActiveSetReduction.lasso());
    Tensor init = Tensor.zeros(10);
    assertThrows(ImplicitConditionException.class, () -> AD.grad(l -> wrong.run(init, p.y(), l).orThrow().sum(), Tensor.scalar(0.5)));
  }

  @Test
  void reductionWithTheWrongParameterCountIsRejected() {
    Random rng = new Random(5);
    ProjectedGradientTest.Quadratic q = ProjectedGradientTest.Quadratic.random(rng, 6);
    Tensor c = Tensor.randn(rng, 6), lo = Tensor.full(-0.3, 6), hi = Tensor.full(0.3, 6);
    ProjectedGradient wrong = ProjectedGradient.of(q.objective(), Projection.box(), 2).withActiveSetReduction(ActiveSetReduction.lasso());
    Tensor init = Tensor.zeros(6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AD.grad(cc -> wrong.run(init, cc, lo, hi).orThrow().sum(), c));
    assertTrue(e.getMessage().contains("θ_g = (λ)"), e.getMessage());
  }
}
