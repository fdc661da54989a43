package io.github.implicitdiff.solver;

import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitOptions;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MinibatchSolver} with each {@link UpdateRule} against L-BFGS on the strongly convex logistic regression of
 * {@link StochasticSolversTest} (λ = 0.1, d = 5, stopped at the full-batch error TOL = 1e-4): the solution within the
 * bound ‖ŵ − w*‖ ≤ √d·TOL/λ ≈ 2.2e-3 that the stopping test allows, and the implicit hypergradient d val_loss/dλ
 * within 1% of L-BFGS's (at tol 1e-10) and 2% of central differences of re-solves (h = 1e-2: their O(h²) and
 * stopping noise), the tolerances of {@link StochasticSolversTest}.
 *
 * <p>AdamW's decoupled decay moves its fixed point off ∇F = 0: where m̂/(√v̂ + ε) = −w·x, ∇F ≈ −w·√v̂·x, here
 * about 1e-5 for w = 1e-4, below TOL, so it stops at the L-BFGS solution within the same bound.
 */
class MinibatchSolverTest {
  static final double TOL = StochasticSolversTest.TOL, LAMBDA = StochasticSolversTest.LAMBDA;
  static final int D = StochasticSolversTest.D;

  /** Every rule, its learning rate set for this problem; a per-epoch decay of 0.97 shrinks the noise ball. */
  static List<UpdateRule> rules() {
    return List.of(UpdateRule.sgd(1.0), UpdateRule.momentum(0.2, 0.9), UpdateRule.nesterov(0.2, 0.9), UpdateRule.adam(0.1),
        UpdateRule.adamW(0.1, 1e-4), UpdateRule.rmsProp(0.05), UpdateRule.adaGrad(0.5));
  }

  static MinibatchSolver solver(StochasticProblem p, UpdateRule rule) {
    ImplicitOptions loose = ImplicitOptions.defaults().withSymmetric(true).withResidualTolerance(TOL);
    return MinibatchSolver.of(StochasticProblem.objective(), p.data(), rule).withBatchSize(25).withStepDecay(0.97)
        .withMaxIterations(600).withTol(TOL).withImplicitOptions(loose);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void eachRuleReachesTheLbfgsSolution(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 200, D);
    Tensor lam = Tensor.scalar(LAMBDA), init = Tensor.zeros(D);
    Tensor expected = LBFGS.of(solver(p, UpdateRule.sgd(1)).fullObjective()).withTol(1e-10).run(init, lam).orThrow();
    for (UpdateRule rule : rules()) {
      SolverResult r = solver(p, rule).run(init, lam);
      assertTrue(r.converged(), rule + ": " + r);
      assertClose(expected, r.solution(), 2.2e-3, rule + " vs L-BFGS");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5})
  void hypergradientEqualsLbfgsAndCentralDifferencesOfResolves(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 200, D);
    Tensor lam = Tensor.scalar(LAMBDA), init = Tensor.zeros(D);
    LBFGS reference = LBFGS.of(solver(p, UpdateRule.sgd(1)).fullObjective()).withTol(1e-10);
    double exact = AD.grad(l -> p.valLoss(reference.run(init, l).orThrow()), lam).item();
    assertTrue(Math.abs(exact) > 1e-2, "the hypergradient must be far from 0 for the test to catch a sign: " + exact);
    for (UpdateRule rule : List.of(UpdateRule.nesterov(0.2, 0.9), UpdateRule.adamW(0.1, 1e-4), UpdateRule.adaGrad(0.5))) {
      MinibatchSolver s = solver(p, rule);
      double implicit = AD.grad(l -> p.valLoss(s.run(init, l).orThrow()), lam).item();
      double h = 1e-2;
      double fd = (p.valLoss(s.run(init, Tensor.scalar(LAMBDA + h)).orThrow()).item()
          - p.valLoss(s.run(init, Tensor.scalar(LAMBDA - h)).orThrow()).item()) / (2 * h);
      assertEquals(exact, implicit, 0.01 * Math.abs(exact), rule + " implicit vs L-BFGS implicit");
      assertEquals(implicit, fd, 0.02 * Math.abs(exact), rule + " implicit vs central differences of re-solves");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void minibatchAdamIsTheSolverWithAdamToTheBit(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 60, D);
    Tensor lam = Tensor.scalar(0.2), init = Tensor.full(0.1, D);
    MinibatchAdam preset = MinibatchAdam.of(StochasticProblem.objective(), p.data()).withLearningRate(0.07).withBetas(0.8, 0.99)
        .withEpsilon(1e-6).withBatchSize(16).withStepDecay(0.9).withSeed(seed).withMaxIterations(5).withTol(1e-14);
    MinibatchSolver general = MinibatchSolver.of(StochasticProblem.objective(), p.data(),
            UpdateRule.adam(0.07).withBetas(0.8, 0.99).withEps(1e-6))
        .withBatchSize(16).withStepDecay(0.9).withSeed(seed).withMaxIterations(5).withTol(1e-14);
    assertEquals(general.rule(), preset.rule());
    assertArrayEquals(general.run(init, lam).solution().toDoubleArray(), preset.run(init, lam).solution().toDoubleArray());
    for (Optimizer<?> s : List.of(preset, general)) assertEquals(5, s.run(init, lam).iterations());
    Tensor a = AD.jacobian(l -> preset.withDifferentiation(Differentiation.UNROLLED).run(init, l).solution(), lam);
    Tensor b = AD.jacobian(l -> general.withDifferentiation(Differentiation.UNROLLED).run(init, l).solution(), lam);
    assertArrayEquals(b.toDoubleArray(), a.toDoubleArray(), "unrolled derivatives");
  }
}
