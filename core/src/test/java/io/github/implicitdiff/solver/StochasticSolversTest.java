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
 * The stochastic solvers against L-BFGS on a strongly convex logistic regression: the solution, and the
 * hypergradient d val_loss / dλ by implicit differentiation through the full-batch stationarity.
 *
 * <p>Accuracy the stopping tolerance allows: the runs stop at error = rms(∇F)/max(1, rms(w)) ≤ TOL = 1e-4 with
 * λ = 0.1 (F is λ-strongly convex, here rms(w) &lt; 1), so ‖ŵ − w*‖ ≤ √d·TOL/λ ≈ 2.2e-3 for d = 5; the solution is
 * compared to that bound and the hypergradient to 1% of its size (2% against central differences of re-solves, which
 * add their own O(h²) and stopping noise). Measured on seeds 1–5: solutions within 3.4e-4–6.7e-4 of L-BFGS's,
 * hypergradients within 0.06–0.16% of L-BFGS's and 0.03–0.5% of the central differences.
 */
class StochasticSolversTest {
  static final double TOL = 1e-4, LAMBDA = 0.1;
  static final int D = 5;

  /** The three solvers, configured to reach TOL on the test problems (decayed steps shrink SGD's noise ball). */
  static List<StochasticMinimizer<?>> solvers(StochasticProblem p) {
    ImplicitOptions loose = ImplicitOptions.defaults().withSymmetric(true).withResidualTolerance(TOL);
    return List.of(
        ArmijoSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(25).withStepDecay(0.97).withMaxIterations(600)
            .withTol(TOL).withImplicitOptions(loose),
        PolyakSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(25).withStepDecay(0.97).withMaxIterations(600)
            .withTol(TOL).withImplicitOptions(loose),
        MinibatchAdam.of(StochasticProblem.objective(), p.data()).withLearningRate(0.1).withBatchSize(25).withStepDecay(0.97)
            .withMaxIterations(600).withTol(TOL).withImplicitOptions(loose));
  }

  static LBFGS lbfgs(StochasticProblem p, Optimizer<?> sgd) {
    return LBFGS.of(((StochasticMinimizer<?>) sgd).fullObjective()).withTol(1e-10);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void eachSolverReachesTheLbfgsSolution(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 200, D);
    Tensor lam = Tensor.scalar(LAMBDA), init = Tensor.zeros(D);
    for (StochasticMinimizer<?> s : solvers(p)) {
      Tensor expected = lbfgs(p, s).run(init, lam).orThrow();
      SolverResult r = s.run(init, lam);
      assertTrue(r.converged(), s.name() + ": " + r);
      assertTrue(r.error() <= TOL);
      // the reported error is the full-batch stationarity residual at the returned point
      assertEquals(Guards.relativeRms(s.optimality().apply(r.solution(), lam), r.solution()), r.error(), 1e-12, s.name());
      assertClose(expected, r.solution(), 2.2e-3, s.name() + " vs L-BFGS");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5})
  void hypergradientEqualsLbfgsAndCentralDifferencesOfResolves(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 200, D);
    Tensor lam = Tensor.scalar(LAMBDA), init = Tensor.zeros(D);
    for (StochasticMinimizer<?> s : solvers(p)) {
      LBFGS reference = lbfgs(p, s);
      double exact = AD.grad(l -> p.valLoss(reference.run(init, l).orThrow()), lam).item();
      double implicit = AD.grad(l -> p.valLoss(s.run(init, l).orThrow()), lam).item();
      double h = 1e-2;
      double fd = (p.valLoss(s.run(init, Tensor.scalar(LAMBDA + h)).orThrow()).item()
          - p.valLoss(s.run(init, Tensor.scalar(LAMBDA - h)).orThrow()).item()) / (2 * h);
      assertTrue(Math.abs(exact) > 1e-2, "the hypergradient must be far from 0 for the test to catch a sign: " + exact);
      assertEquals(exact, implicit, 0.01 * Math.abs(exact), s.name() + " implicit vs L-BFGS implicit");
      assertEquals(implicit, fd, 0.02 * Math.abs(exact), s.name() + " implicit vs central differences of re-solves");
      // forward mode through the same implicit layer: dw*/dλ by a JVP, against reverse mode (one linear solve each)
      Tensor forward = AD.jacobian(l -> s.run(init, l).orThrow(), lam, AD.Mode.FORWARD);
      Tensor reverse = AD.jacobian(l -> s.run(init, l).orThrow(), lam, AD.Mode.REVERSE);
      assertClose(reverse, forward, 1e-6, s.name() + " implicit forward vs reverse");
    }
  }
}
