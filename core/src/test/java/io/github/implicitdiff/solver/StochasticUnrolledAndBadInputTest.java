package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.implicit.ImplicitConditionException;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Unrolled differentiation of seeded stochastic runs (a deterministic function of θ) against central differences
 * of the same runs; the loud failures: bad input, and a too-loose run refused by the implicit residual check.
 */
class StochasticUnrolledAndBadInputTest {
  static final int D = 3;

  /** Fixed-length runs (tol unreachable, 4 epochs): the same steps for θ ± h, so differences see the same map. */
  static List<StochasticMinimizer<?>> fixedRuns(StochasticProblem p) {
    return List.of(
        ArmijoSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(10).withMaxIterations(4).withTol(1e-14),
        PolyakSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(10).withMaxIterations(4).withTol(1e-14)
            .withMaxStep(5),
        MinibatchAdam.of(StochasticProblem.objective(), p.data()).withLearningRate(0.1).withBatchSize(10)
            .withMaxIterations(4).withTol(1e-14));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void unrolledEqualsCentralDifferencesOfTheSameSeededRuns(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 40, D);
    Tensor lam = Tensor.scalar(0.3), init = Tensor.full(0.1, D);
    for (StochasticMinimizer<?> s0 : fixedRuns(p)) {
      StochasticMinimizer<?> s = s0.withDifferentiation(Differentiation.UNROLLED);
      Function<Tensor, Tensor> w = l -> s.run(init, l).solution();
      Tensor reverse = AD.jacobian(l -> w.apply(l), lam, AD.Mode.REVERSE);
      Tensor forward = AD.jacobian(l -> w.apply(l), lam, AD.Mode.FORWARD);
      Tensor fd = SolverTestSupport.finiteDifferenceJacobian(l -> w.apply(l), lam, 1e-6);
      assertTrue(fd.maxAbs() > 1e-2, s.name() + ": the derivative must be far from 0: " + fd);
      SolverTestSupport.assertClose(fd, reverse, 1e-5, s.name() + " unrolled reverse vs central differences");
      SolverTestSupport.assertClose(fd, forward, 1e-5, s.name() + " unrolled forward vs central differences");
      assertFalse(s.run(init, lam).converged(), "4 epochs cannot reach 1e-14");
    }
  }

  @Test
  void aTooLooseRunIsRefusedByTheImplicitResidualCheck() {
    StochasticProblem p = StochasticProblem.random(7, 200, D);
    // tol 1e-2 converges after a few epochs, far above the implicit layer's default residual tolerance 1e-6
    PolyakSGD sgd = PolyakSGD.of(StochasticProblem.objective(), p.data()).withStepDecay(0.9).withTol(1e-2);
    SolverResult r = sgd.run(Tensor.zeros(D), Tensor.scalar(0.1));
    assertTrue(r.converged() && r.error() > 1e-6, r.toString());
    var e = assertThrows(ImplicitConditionException.class,
        () -> AD.grad(l -> p.valLoss(sgd.run(Tensor.zeros(D), l).solution()), Tensor.scalar(0.1)));
    assertTrue(e.getMessage().contains("residual"), e.getMessage());
  }

  @Test
  void badInputIsRefusedWithItsName() {
    StochasticProblem p = StochasticProblem.random(8, 20, D);
    BatchObjective f = StochasticProblem.objective();
    ArmijoSGD sgd = ArmijoSGD.of(f, p.data());
    assertMessage(IllegalArgumentException.class, "batch size must be at least 1", () -> sgd.withBatchSize(0));
    assertMessage(IllegalArgumentException.class, "batch size 21 exceeds the 20 rows", () -> sgd.withBatchSize(21));
    assertMessage(IllegalArgumentException.class, "learning rate must be positive",
        () -> MinibatchAdam.of(f, p.data()).withLearningRate(0));
    assertMessage(IllegalArgumentException.class, "learning rate must be positive",
        () -> MinibatchAdam.of(f, p.data()).withLearningRate(-0.1));
    assertMessage(IllegalArgumentException.class, "maximum step must be positive", () -> sgd.withMaxStep(0));
    assertMessage(IllegalArgumentException.class, "maximum step must be positive",
        () -> PolyakSGD.of(f, p.data()).withMaxStep(-1));
    assertMessage(IllegalArgumentException.class, "step decay must be in (0, 1]", () -> sgd.withStepDecay(1.5));
    double[] bad = p.X().toDoubleArray();
    bad[3 * 5 + 1] = Double.NaN;
    assertMessage(NonFiniteException.class, "data tensor 0 holds NaN in row 5",
        () -> Dataset.of(Tensor.fromArray(bad, p.X().shape()), p.y()));
    assertMessage(io.github.implicitdiff.tensor.ShapeException.class, "data tensor 1 has 19 rows",
        () -> Dataset.of(p.X(), p.y().slice(0, 0, 19)));
    assertMessage(IllegalArgumentException.class, "dataset must not be null", () -> PolyakSGD.of(f, null));
    assertMessage(IllegalArgumentException.class, "below the lower bound f* = 5.0",
        () -> PolyakSGD.of(f, p.data()).withLowerBound(5).run(Tensor.zeros(D), Tensor.scalar(0.1)));
    assertMessage(NonFiniteException.class, "init must be finite",
        () -> sgd.run(Tensor.full(Double.NaN, D), Tensor.scalar(0.1)));
    assertMessage(NonFiniteException.class, "not finite at the initial point",
        () -> MinibatchAdam.of((w, b, th) -> w.sum().log().mul(th[0]), p.data()).run(Tensor.zeros(D), Tensor.scalar(1)));
  }

  private static void assertMessage(Class<? extends Throwable> type, String part, org.junit.jupiter.api.function.Executable run) {
    Throwable e = assertThrows(type, run);
    assertTrue(e.getMessage().contains(part), "expected \"" + part + "\" in: " + e.getMessage());
  }
}
