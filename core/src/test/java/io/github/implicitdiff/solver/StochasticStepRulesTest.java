package io.github.implicitdiff.solver;

import static io.github.implicitdiff.solver.SolverTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Each step rule against its formula, on one epoch of one batch holding every row (so the minibatch objective is
 * the full one and the first step is computed here by hand), and the minibatch order against its definition.
 */
class StochasticStepRulesTest {
  static final int N = 30, D = 4;

  static SolverResult oneStep(StochasticMinimizer<?> s, Tensor x0, Tensor lam) {
    return s.withBatchSize(N).withMaxIterations(1).withTol(1e-14).run(x0, lam);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void adamsFirstStepIsTheSignOfTheGradientTimesTheLearningRate(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, N, D);
    Tensor x0 = Tensor.randn(new Random(seed), D), lam = Tensor.scalar(0.2);
    Objective full = MinibatchAdam.of(StochasticProblem.objective(), p.data()).fullObjective();
    Tensor g = AD.grad(x -> full.apply(x, lam), x0);
    // bias-corrected: m̂ = g, v̂ = g², so x1 = x0 − lr·g/(|g| + ε)
    Tensor expected = x0.sub(g.div(g.abs().add(1e-8)).mul(0.05));
    assertClose(expected, oneStep(MinibatchAdam.of(StochasticProblem.objective(), p.data()).withLearningRate(0.05), x0, lam)
        .solution(), 1e-12, "Adam's first step");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void polyaksFirstStepIsTheCappedPolyakStep(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, N, D);
    Tensor x0 = Tensor.randn(new Random(seed), D), lam = Tensor.scalar(0.2);
    PolyakSGD sgd = PolyakSGD.of(StochasticProblem.objective(), p.data()).withLowerBound(0.1).withPolyakConstant(0.7);
    Objective full = sgd.fullObjective();
    Tensor g = AD.grad(x -> full.apply(x, lam), x0);
    double polyak = (full.apply(x0, lam).item() - 0.1) / (0.7 * g.vdot(g));
    for (double cap : new double[] {polyak / 2, 2 * polyak}) // capped, then not
      assertClose(x0.sub(g.mul(Math.min(cap, polyak))), oneStep(sgd.withMaxStep(cap), x0, lam).solution(), 1e-12,
          "Polyak's first step, cap " + cap + " vs " + polyak);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void armijosFirstStepIsTheLargestGridStepMeetingTheCondition(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, N, D);
    Tensor x0 = Tensor.randn(new Random(seed), D).mul(3), lam = Tensor.scalar(0.2);
    ArmijoSGD sgd = ArmijoSGD.of(StochasticProblem.objective(), p.data()).withMaxStep(50);
    Objective full = sgd.fullObjective();
    Tensor g = AD.grad(x -> full.apply(x, lam), x0);
    double f0 = full.apply(x0, lam).item(), gg = g.vdot(g);
    // η_0 = min(η_max, η_max·2^{b/n}) = η_max, then ×0.8 until f(x0 − ηg) ≤ f0 − 0.5η‖g‖²
    double eta = 50;
    while (full.apply(x0.sub(g.mul(eta)), lam).item() > f0 - 0.5 * eta * gg) eta *= 0.8;
    assertTrue(eta < 50, "the test must backtrack at least once");
    assertClose(x0.sub(g.mul(eta)), oneStep(sgd, x0, lam).solution(), 1e-12, "Armijo's first step");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void armijosStepCarriesOverWithTheResetRule(long seed) {
    // two epochs of 3 batches of 10, replayed by hand: η_k starts at min(η_max, η_{k−1}·2^{b/n}) (reset option 2)
    StochasticProblem p = StochasticProblem.random(seed, N, D);
    Tensor x0 = Tensor.randn(new Random(seed), D).mul(3), lam = Tensor.scalar(0.2);
    BatchObjective f = StochasticProblem.objective();
    ArmijoSGD sgd = ArmijoSGD.of(f, p.data()).withMaxStep(50).withBatchSize(10).withSeed(seed);
    StochasticLoop.Order batches = new StochasticLoop.Order(sgd.sampling);
    Tensor x = x0;
    double eta = 50, growth = Math.pow(2, 10.0 / N);
    int carried = 0;
    for (int k = 0; k < 6; k++) {
      Tensor[] rows = p.data().rows(batches.rows(k));
      Tensor xk = x, g = AD.grad(z -> f.apply(z, rows, lam), xk);
      double f0 = f.apply(xk, rows, lam).item(), gg = g.vdot(g);
      eta = Math.min(50, eta * growth);
      if (eta < 50) carried++;
      while (f.apply(xk.sub(g.mul(eta)), rows, lam).item() > f0 - 0.5 * eta * gg) eta *= 0.8;
      x = xk.sub(g.mul(eta));
    }
    assertTrue(carried > 0, "the test must start some step below η_max");
    SolverResult r = sgd.withMaxIterations(2).withTol(1e-14).run(x0, lam);
    assertClose(x, r.solution(), 1e-12, "two epochs of Armijo SGD");
  }

  @Test
  void theRunsOrderVisitsEveryRowOncePerEpochAndDependsOnTheSeedAlone() {
    StochasticProblem p = StochasticProblem.random(9, N, D);
    PolyakSGD sgd = PolyakSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(7).withSeed(3);
    StochasticLoop.Order a = new StochasticLoop.Order(sgd.sampling), b = new StochasticLoop.Order(sgd.sampling);
    assertEquals(5, a.perEpoch);
    List<int[]> epoch1 = new ArrayList<>();
    for (int k = 14; k >= 0; k--) { // backwards: rows(k) must not depend on the order of the calls (a segment's replay)
      int[] rows = a.rows(k);
      if (k / 5 == 1) epoch1.add(rows);
    }
    for (int k = 0; k < 15; k++) assertArrayEquals(b.rows(k), a.rows(k), "step " + k);
    int[] seen = new int[N];
    for (int[] rows : epoch1) for (int r : rows) seen[r]++;
    assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "every row once in epoch 1: " + Arrays.toString(seen));
    assertFalse(Arrays.equals(a.rows(5), a.rows(0)), "epochs are shuffled anew");
    assertFalse(Arrays.equals(new StochasticLoop.Order(sgd.withSeed(4).sampling).rows(0), a.rows(0)), "another seed, another order");
  }

  @Test
  void minibatchesCoverEveryRowOncePerEpochInASeededOrder() {
    Minibatches a = new Minibatches(10, 4, new Random(5)), b = new Minibatches(10, 4, new Random(5));
    assertEquals(3, a.perEpoch());
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] seen = new int[10];
      int[] sizes = new int[a.perEpoch()];
      for (int k = 0; k < a.perEpoch(); k++) {
        int[] rows = a.next();
        assertArrayEquals(rows, b.next(), "the same seed gives the same batches");
        sizes[k] = rows.length;
        for (int r : rows) seen[r]++;
      }
      assertArrayEquals(new int[] {4, 4, 2}, sizes);
      assertTrue(Arrays.stream(seen).allMatch(c -> c == 1), "every row once per epoch: " + Arrays.toString(seen));
    }
    assertFalse(Arrays.equals(new Minibatches(10, 10, new Random(1)).next(), new Minibatches(10, 10, new Random(2)).next()),
        "another seed, another order");
  }
}
