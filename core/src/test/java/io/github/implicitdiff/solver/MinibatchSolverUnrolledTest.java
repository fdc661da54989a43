package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.tensor.NonFiniteException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MinibatchSolver} under {@link Differentiation#UNROLLED}: against central differences of the same seeded
 * runs (momentum, AdamW), checkpointed segments equal to the plain recording, Adam's zero-gradient guard; bad input.
 */
class MinibatchSolverUnrolledTest {
  static final int D = 3;

  /** Fixed-length runs (tol unreachable, 4 epochs of 4 steps) under a warm-up and a decay: the same map at θ ± h. */
  static MinibatchSolver fixedRun(StochasticProblem p, UpdateRule rule) {
    return MinibatchSolver.of(StochasticProblem.objective(), p.data(), rule).withBatchSize(10)
        .withSchedule(StepSchedule.cosine(16, 0.1).withWarmup(3)).withMaxIterations(4).withTol(1e-14)
        .withDifferentiation(Differentiation.UNROLLED);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void unrolledEqualsCentralDifferencesOfTheSameSeededRuns(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 40, D);
    Tensor lam = Tensor.scalar(0.3), init = Tensor.full(0.1, D);
    for (UpdateRule rule : List.of(UpdateRule.momentum(0.3, 0.8), UpdateRule.adamW(0.1, 0.5))) {
      MinibatchSolver s = fixedRun(p, rule);
      Function<Tensor, Tensor> w = l -> s.run(init, l).solution();
      Tensor reverse = AD.jacobian(w::apply, lam, AD.Mode.REVERSE), forward = AD.jacobian(w::apply, lam, AD.Mode.FORWARD);
      Tensor fd = SolverTestSupport.finiteDifferenceJacobian(w::apply, lam, 1e-6);
      assertTrue(fd.maxAbs() > 1e-2, rule + ": the derivative must be far from 0: " + fd);
      SolverTestSupport.assertClose(fd, reverse, 1e-5, rule + " unrolled reverse vs central differences");
      SolverTestSupport.assertClose(fd, forward, 1e-5, rule + " unrolled forward vs central differences");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void checkpointedUnrollingIsThePlainRecording(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 40, D);
    Tensor lam = Tensor.scalar(0.3), init = Tensor.full(0.2, D);
    CheckpointedRuns.Call call = (s, l) -> s.run(init, l);
    for (UpdateRule rule : List.of(UpdateRule.nesterov(0.2, 0.9), UpdateRule.adamW(0.1, 0.3), UpdateRule.rmsProp(0.05),
        UpdateRule.adaGrad(0.3), UpdateRule.sgd(0.5))) {
      CheckpointedRuns.Solver solver = c -> fixedRun(p, rule).withMaxIterations(5).withCheckpointing(c);
      CheckpointedRuns.assertEachScheduleMatchesPlain(rule.toString(), solver, call, lam, Checkpointing.every(3),
          Checkpointing.growing());
    }
  }

  /** A logistic regression whose last feature is 0 in every row: from w_last = 0 its gradient λ·w_last stays exactly 0. */
  static StochasticProblem withADeadFeature(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 40, D);
    Tensor mask = Tensor.of(1, 1, 0);
    return new StochasticProblem(p.X().mul(mask), p.y(), p.Xv(), p.yv());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void aCoordinateWithOnlyZeroGradientsIsDifferentiatedExactly(long seed) {
    // d√v/dv = ∞ at v = 0 would make the chain v = (1 − β₂)g² give ∞·0 = NaN; the guard gives the exact derivative
    StochasticProblem p = withADeadFeature(seed);
    Tensor lam = Tensor.scalar(0.3), init = Tensor.of(0.1, -0.2, 0);
    for (UpdateRule rule : List.of(UpdateRule.adam(0.1), UpdateRule.rmsProp(0.05), UpdateRule.adaGrad(0.3))) {
      MinibatchSolver s = fixedRun(p, rule);
      Function<Tensor, Tensor> w = l -> s.run(init, l).solution();
      Tensor fd = SolverTestSupport.finiteDifferenceJacobian(w::apply, lam, 1e-6);
      for (AD.Mode mode : AD.Mode.values()) {
        Tensor J = AD.jacobian(w::apply, lam, mode);
        assertTrue(J.allFinite(), rule + " " + mode + ": " + J);
        SolverTestSupport.assertClose(fd, J, 1e-5, rule + " " + mode + " unrolled vs central differences");
      }
      assertTrue(fd.maxAbs() > 1e-2, rule + ": the live coordinates' derivative must be far from 0: " + fd);
    }
  }

  @Test
  void aZeroGradientWithAMovingTangentHasTheDerivativeOfTheStep() {
    // g(θ) = c(θ − 1) is 0 at θ = 1 with dg/dθ = c: the first Adam step lr·g/(|g| + ε) has the derivative lr·c/ε
    double c = 1e-6, lr = 0.1;
    AdamRule adam = UpdateRule.adam(lr);
    Tensor x = Tensor.zeros(2);
    Function<Tensor, Tensor> step = th -> adam.update(th.sub(1).mul(Tensor.of(c, 2 * c)), adam.init(x), x, 0, 1).delta();
    Tensor J = AD.jacobian(step::apply, Tensor.scalar(1));
    SolverTestSupport.assertClose(Tensor.of(lr * c / 1e-8, 2 * lr * c / 1e-8).reshape(2, 1), J.reshape(2, 1), 1e-3,
        "d step / dθ at g = 0");
    SolverTestSupport.assertClose(SolverTestSupport.finiteDifferenceJacobian(step::apply, Tensor.scalar(1), 1e-6), J, 1e-3,
        "against central differences");
  }

  @Test
  void aStepWithoutDerivativeThrowsNamingTheCoordinateAndEpsRootFixesIt() {
    // g = θ·1e-170: g² underflows to 0, so v̂ = 0 while m̂ ≠ 0: the step has a kink, no derivative
    Tensor x = Tensor.zeros(3), scale = Tensor.of(1, 1e-170, 1);
    AdamRule adam = UpdateRule.adam(0.1);
    var e = assertThrows(NonFiniteException.class,
        () -> AD.grad(th -> adam.update(th.mul(scale), adam.init(x), x, 0, 1).delta().sum(), Tensor.scalar(1)));
    assertTrue(e.getMessage().contains("coordinate 1") && e.getMessage().contains("withEpsRoot"), e.getMessage());
    AdamRule guarded = adam.withEpsRoot(1e-16);
    double g = AD.grad(th -> guarded.update(th.mul(scale), guarded.init(x), x, 0, 1).delta().slice(0, 1, 2).sum(),
        Tensor.scalar(1)).item();
    assertEquals(0.1 * 1e-170 / (1e-8 + 1e-8), g, 1e-6 * Math.abs(g), "lr·ġ/(√ε_root + ε)");
    // untraced, nothing is checked and nothing changes: the step is the plain formula
    assertArrayEquals(adam.update(scale, adam.init(x), x, 0, 1).delta().toDoubleArray(),
        scale.div(scale.abs().add(1e-8)).mul(0.1).toDoubleArray());
  }

  @Test
  void badInputIsRefusedWithItsName() {
    StochasticProblem p = StochasticProblem.random(8, 20, D);
    BatchObjective f = StochasticProblem.objective();
    assertMessage("SGD: the learning rate must be positive and finite, got -0.1", () -> UpdateRule.sgd(-0.1));
    assertMessage("Adam: the learning rate must be positive and finite, got NaN", () -> UpdateRule.adam(Double.NaN));
    assertMessage("Adam: β₁ must be in [0, 1), got 1.0", () -> UpdateRule.adam(0.1).withBetas(1, 0.9));
    assertMessage("AdamW: β₂ must be in [0, 1), got -0.5", () -> UpdateRule.adamW(0.1, 0.01).withBetas(0.9, -0.5));
    assertMessage("AdamW: the weight decay must be ≥ 0", () -> UpdateRule.adam(0.1).withWeightDecay(Double.POSITIVE_INFINITY));
    assertMessage("Adam: ε_root must be ≥ 0", () -> UpdateRule.adam(0.1).withEpsRoot(-1e-16));
    assertMessage("Momentum: the momentum β must be in [0, 1), got 1.0", () -> UpdateRule.momentum(0.1, 1));
    assertMessage("Nesterov momentum: the momentum β must be in [0, 1), got NaN", () -> UpdateRule.nesterov(0.1, Double.NaN));
    assertMessage("RMSProp: the decay ρ must be in [0, 1)", () -> UpdateRule.rmsProp(0.1).withDecay(1.2));
    assertMessage("AdaGrad: ε must be positive", () -> UpdateRule.adaGrad(0.1).withEps(0));
    assertMessage("cosine: the floor α must be in [0, 1], got 1.5", () -> StepSchedule.cosine(10, 1.5));
    assertMessage("cosine: the decay steps must be ≥ 1", () -> StepSchedule.cosine(0, 0));
    assertMessage("inverseTime: the rate must be positive", () -> StepSchedule.inverseTime(Double.NaN));
    assertMessage("epochDecay: γ must be in (0, 1]", () -> StepSchedule.epochDecay(0));
    assertMessage("the warm-up must be ≥ 1 step", () -> StepSchedule.constant().withWarmup(0));
    assertMessage("update rule must not be null", () -> MinibatchSolver.of(f, p.data(), null));
    MinibatchSolver s = MinibatchSolver.of(f, p.data(), UpdateRule.sgd(0.1)).withBatchSize(5).withMaxIterations(3);
    assertMessage("step schedule must not be null", () -> s.withSchedule(null));
    assertMessage("warm-up of 13 steps is longer than the budget of 3 epochs × 4 steps = 12 steps",
        () -> s.withSchedule(StepSchedule.constant().withWarmup(13)).run(Tensor.zeros(D), Tensor.scalar(0.1)));
    assertEquals(3, s.withSchedule(StepSchedule.constant().withWarmup(12)).run(Tensor.zeros(D), Tensor.scalar(0.1)).iterations());
    assertMessage("gave NaN at step 2", () -> s.withSchedule((k, perEpoch) -> k == 2 ? Double.NaN : 1)
        .run(Tensor.zeros(D), Tensor.scalar(0.1)));
    assertMessage("not a per-epoch decay", () -> s.withSchedule(StepSchedule.cosine(5, 0)).stepDecay());
    assertEquals(0.9, s.withStepDecay(0.9).stepDecay());
    UpdateRule wrongShape = new UpdateRule() {
      public Tensor[] init(Tensor x) {
        return new Tensor[0];
      }

      public Update update(Tensor g, Tensor[] state, Tensor x, int step, double scale) {
        return new Update(g.sum());
      }

      public double learningRate() {
        return 1;
      }
    };
    assertMessage("returned a step of shape ()", () -> s.withRule(wrongShape).run(Tensor.zeros(D), Tensor.scalar(0.1)));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable run) {
    Throwable e = assertThrows(RuntimeException.class, run);
    assertTrue(e.getMessage().contains(part), "expected \"" + part + "\" in: " + e.getMessage());
  }
}
