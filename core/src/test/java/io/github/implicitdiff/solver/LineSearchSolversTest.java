package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.solver.SolverTestSupport.Ridge;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** L-BFGS, nonlinear CG and Newton (both Hessian modes, both line searches) on the same reference problems. */
class LineSearchSolversTest {

  enum Method {
    LBFGS_WOLFE(f -> LBFGS.of(f)),
    LBFGS_ARMIJO(f -> LBFGS.of(f).withLineSearch(LineSearch.armijo()).withMemory(4)),
    NCG(f -> NonlinearConjugateGradient.of(f)),
    NEWTON_PRODUCTS(f -> Newton.of(f)),
    NEWTON_DENSE_WOLFE(f -> Newton.of(f).withHessianMode(Newton.HessianMode.DENSE).withLineSearch(LineSearch.wolfe()));

    final Function<Objective, Optimizer<?>> make;

    Method(Function<Objective, Optimizer<?>> make) {
      this.make = make;
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void ridgeSolutionAndJacobianMatchClosedForm(Method m) {
    for (long seed = 1; seed <= 3; seed++) {
      Ridge r = Ridge.random(seed, 25, 5);
      Tensor lam = Tensor.uniform(new Random(seed), 0.05, 1.0, 5);
      Optimizer<?> solver = m.make.apply(r.objective());
      SolverResult res = solver.run(Tensor.zeros(5), lam);
      assertTrue(res.converged(), m + ": " + res);
      assertClose(r.solution(lam), res.solution(), 1e-7, m + " ridge");
      assertEquals(Guards.relativeRms(solver.optimality().apply(res.solution(), lam), res.solution()), res.error(), 1e-15);
      Tensor expected = r.jacobian(lam);
      assertClose(expected, AD.jacobian(l -> solver.run(Tensor.zeros(5), l).orThrow(), lam, AD.Mode.FORWARD), 1e-6, m + " fwd");
      assertClose(expected, AD.jacobian(l -> solver.run(Tensor.zeros(5), l).orThrow(), lam, AD.Mode.REVERSE), 1e-6, m + " rev");
    }
  }

  /** L2-regularised logistic regression, f(w, λ) = mean softplus(−y ⊙ Xw) + ½ Σ λ_i w_i². */
  static Objective logistic(Tensor X, Tensor y) {
    return (w, th) -> X.matmul(w).mul(y).neg().softplus().mean().add(th[0].mul(w.square()).sum().mul(0.5));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void logisticRegressionDerivativesMatchUnrolledAndFiniteDifferences(Method m) {
    Random rng = new Random(42);
    Tensor X = Tensor.randn(rng, 30, 4);
    Tensor y = X.matmul(Tensor.randn(rng, 4)).add(Tensor.randn(rng, 30)).sign();
    Tensor lam = Tensor.uniform(rng, 0.05, 0.3, 4);
    Objective f = logistic(X, y);
    Optimizer<?> solver = m.make.apply(f);
    Tensor init = Tensor.zeros(4);
    Tensor reference = Newton.of(f).withHessianMode(Newton.HessianMode.DENSE).withTol(1e-13).run(init, lam).orThrow();
    assertClose(reference, solver.run(init, lam).orThrow(), 1e-7, m + " logistic solution");
    // 1e-11: the logistic gradient's round-off floor (BLAS summation order) is near 1e-13, where line searches stall
    Optimizer<?> unrolled = m.make.apply(f).withDifferentiation(Differentiation.UNROLLED).withTol(1e-11);
    Optimizer<?> tight = m.make.apply(f).withTol(1e-11);
    SolverTestSupport.checkJacobians(l -> solver.run(init, l).orThrow(), l -> unrolled.run(init, l).orThrow(),
        l -> tight.run(init, l).orThrow(), lam, 1e-6);
  }

  /**
   * L-BFGS's direction on concrete values (array two-loop) against its tensor two-loop, which runs when the
   * iterates are traced: the same iterates, so the same solution and iteration count, on logistic regression.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 5, 10})
  void lbfgsConcreteDirectionMatchesTheTracedOne(int memory) {
    for (long seed = 1; seed <= 3; seed++) {
      Random rng = new Random(seed);
      Tensor X = Tensor.randn(rng, 40, 6);
      Tensor y = X.matmul(Tensor.randn(rng, 6)).add(Tensor.randn(rng, 40)).sign();
      Tensor lam = Tensor.uniform(rng, 0.01, 0.1, 6);
      LBFGS solver = LBFGS.of(logistic(X, y)).withMemory(memory).withDifferentiation(Differentiation.UNROLLED).withTol(1e-10);
      SolverResult concrete = solver.run(Tensor.zeros(6), lam);
      SolverResult[] traced = new SolverResult[1];
      AD.jvp(l -> (traced[0] = solver.run(Tensor.zeros(6), l)).solution(), lam, Tensor.ones(6));
      assertTrue(traced[0].solution().isTraced(), "the reference run must take the tensor path");
      assertEquals(traced[0].iterations(), concrete.iterations(), "seed " + seed);
      assertClose(traced[0].solution().concrete(), concrete.solution(), 1e-12, "seed " + seed);
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void rosenbrockMinimumAndItsDerivative(Method m) {
    // f(x, a, b) = (a − x₀)² + b(x₁ − x₀²)², minimum (a, a²): ∂x*/∂a = (1, 2a), ∂x*/∂b = 0
    Objective f = (x, th) -> th[0].sub(x.index(0, 0)).square().add(th[1].mul(x.index(0, 1).sub(x.index(0, 0).square()).square()));
    Optimizer<?> solver = m.make.apply(f).withMaxIterations(2000);
    Tensor a = Tensor.scalar(1.5), b = Tensor.scalar(10);
    Tensor init = Tensor.of(-1.2, 1);
    SolverResult r = solver.run(init, a, b);
    assertTrue(r.converged(), m + ": " + r);
    assertClose(Tensor.of(1.5, 2.25), r.solution(), 1e-7, m + " Rosenbrock");
    assertClose(Tensor.of(1, 3), AD.jacobian(aa -> solver.run(init, aa, b).orThrow(), a, AD.Mode.FORWARD), 1e-6, "∂x*/∂a");
    assertClose(Tensor.of(0, 0), AD.jacobian(bb -> solver.run(init, a, bb).orThrow(), b, AD.Mode.REVERSE), 1e-6, "∂x*/∂b");
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void notConvergedSolutionRefusesToBeDifferentiated(Method m) {
    Ridge r = Ridge.random(3, 25, 5);
    Optimizer<?> solver = m.make.apply(r.objective()).withMaxIterations(1);
    assertThrows(ImplicitConditionException.class,
        () -> AD.jacobian(l -> solver.run(Tensor.zeros(5), l).solution(), Tensor.full(0.1, 5), AD.Mode.REVERSE));
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void nanInDataThrows(Method m) {
    Ridge r = Ridge.random(3, 25, 5);
    double[] y = r.y().toDoubleArray();
    y[2] = Double.NaN;
    Optimizer<?> solver = m.make.apply(new Ridge(r.X(), Tensor.of(y)).objective());
    NonFiniteException e = assertThrows(NonFiniteException.class, () -> solver.run(Tensor.zeros(5), Tensor.full(0.1, 5)));
    assertTrue(e.getMessage().contains(solver.name()), e.getMessage());
  }
}
