package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpointed unrolling of the stochastic solvers: segments that cut across minibatch steps and epochs replay
 * Armijo's step size, Adam's moments and the minibatch order exactly, so the run and its derivatives are the plain
 * recording's; the tape holds fewer steps.
 */
class CheckpointedStochasticTest {
  static final int D = 3;

  static List<Function<Checkpointing, Optimizer<?>>> solvers(StochasticProblem p) {
    // 40 rows in batches of 15: 3 steps per epoch, the last one of 10 rows; 5 epochs or the tolerance
    return List.of(
        c -> ArmijoSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(15).withMaxStep(20).withMaxIterations(5)
            .withTol(1e-14).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c),
        c -> PolyakSGD.of(StochasticProblem.objective(), p.data()).withBatchSize(15).withMaxStep(5).withStepDecay(0.8)
            .withMaxIterations(5).withTol(1e-14).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c),
        c -> MinibatchAdam.of(StochasticProblem.objective(), p.data()).withLearningRate(0.1).withBatchSize(15)
            .withMaxIterations(5).withTol(1e-14).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void checkpointedUnrollingIsThePlainRecording(long seed) {
    StochasticProblem p = StochasticProblem.random(seed, 40, D);
    Tensor lam = Tensor.scalar(0.3), init = Tensor.full(0.2, D);
    CheckpointedRuns.Call call = (s, l) -> s.run(init, l);
    for (var solver : solvers(p)) {
      String name = solver.apply(Checkpointing.none()).name();
      CheckpointedRuns.assertEachScheduleMatchesPlain(name, solver::apply, call, lam, Checkpointing.every(2),
          Checkpointing.every(4), Checkpointing.growing());
      int plain = CheckpointedRuns.recordedSteps(solver.apply(Checkpointing.none()), call, lam);
      int segmented = CheckpointedRuns.recordedSteps(solver.apply(Checkpointing.every(4)), call, lam);
      assertTrue(segmented < plain / 3, name + ": " + segmented + " recorded steps against " + plain);
    }
  }
}
