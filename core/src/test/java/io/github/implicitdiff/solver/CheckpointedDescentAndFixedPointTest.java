package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static io.github.implicitdiff.solver.CheckpointedRuns.assertClose;
import static io.github.implicitdiff.solver.CheckpointedRuns.assertForwardUnchanged;
import static io.github.implicitdiff.solver.CheckpointedRuns.assertSameAsPlain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.loss.Losses;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.CheckpointedRuns.Call;
import io.github.implicitdiff.solver.CheckpointedRuns.Solver;
import io.github.implicitdiff.solver.CheckpointedRuns.Unrolled;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpointed unrolling of {@link DescentLoop} (L-BFGS with its pairs, nonlinear CG with its previous direction,
 * Newton) and of the fixed-point loops (plain iteration, Anderson with its history): the plain recording's iterates,
 * stopping and derivatives, central differences, an O(K/k) tape.
 */
class CheckpointedDescentAndFixedPointTest {
  private static final Checkpointing[] SCHEDULES = {Checkpointing.every(1), Checkpointing.every(3), Checkpointing.growing()};

  /** ℓ2-regularized logistic regression, one log-strength per feature: f(w, θ) = mean logistic loss + ½ Σ e^θ_i w_i². */
  private static Objective logistic(long seed, int n, int d) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, n, d).mul(2), y = Tensor.rand(rng, n).gt(Tensor.scalar(0.5));
    return (w, th) -> Losses.binaryLogistic(y, X.matmul(w)).mean().add(th[0].exp().mul(w.square()).sum().mul(0.5));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void lineSearchMethodsMatchThePlainRecordingAndFiniteDifferences(long seed) {
    Objective f = logistic(seed, 40, 5);
    Tensor theta = Tensor.randn(new Random(seed), 5).mul(0.5).sub(3), w0 = Tensor.zeros(5);
    Call call = (s, th) -> s.run(w0, th);
    Solver[] solvers = {
        // memory 3: the oldest pairs leave the memory inside segments
        c -> LBFGS.of(f).withMemory(3).withTol(1e-10).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c),
        c -> NonlinearConjugateGradient.of(f).withTol(1e-10).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c),
        c -> Newton.of(f).withTol(1e-10).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c)};
    for (Solver solver : solvers) {
      String what = solver.apply(Checkpointing.none()).name() + " seed " + seed;
      Unrolled plain = null;
      for (Checkpointing c : SCHEDULES) plain = assertSameAsPlain(what, solver, c, call, theta);
      assertTrue(plain.converged() && plain.iterations() >= 4, what + ": " + plain.iterations());
      // the unrolled derivative converges with the iterates: at tol 1e-13 it is the solution map's to ~1e-9
      Solver tight = c -> solver.apply(c).withTol(1e-13);
      Tensor fd = Fd.jacobian(th -> call.apply(tight.apply(Checkpointing.none()), th).solution(), theta, 1e-4);
      Tensor J = CheckpointedRuns.reverse(tight.apply(Checkpointing.every(3)), call, theta).jacobian();
      assertClose(what + ": against central differences", fd, J, 1e-7);
      assertForwardUnchanged(what, solver, Checkpointing.every(3), call, theta);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void fixedPointLoopsMatchThePlainRecordingAndFiniteDifferences(long seed) {
    Random rng = new Random(seed);
    int n = 6;
    Tensor W = Tensor.randn(rng, n, n).mul(0.9 / Math.sqrt(n)), theta = Tensor.randn(rng, n), z0 = Tensor.zeros(n);
    FixedPointMap T = (z, th) -> W.matmul(z).add(th[0]).tanh();
    Call call = (s, th) -> s.run(z0, th);
    Solver[] solvers = {
        c -> FixedPointIteration.of(T).withTol(1e-11).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c),
        // memory 2 and damping: the history is trimmed inside segments
        c -> AndersonAcceleration.of(T).withMemory(2).withMixing(0.8).withTol(1e-11)
            .withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c)};
    for (Solver solver : solvers) {
      String what = solver.apply(Checkpointing.none()).name() + " seed " + seed;
      Unrolled plain = null;
      for (Checkpointing c : SCHEDULES) plain = assertSameAsPlain(what, solver, c, call, theta);
      assertTrue(plain.converged() && plain.iterations() > 6, what + ": " + plain.iterations());
      Tensor fd = Fd.jacobian(th -> call.apply(solver.apply(Checkpointing.none()), th).solution(), theta, 1e-5);
      assertClose(what + ": against central differences", fd,
          CheckpointedRuns.reverse(solver.apply(Checkpointing.every(3)), call, theta).jacobian(), 1e-6);
      assertForwardUnchanged(what, solver, Checkpointing.every(3), call, theta);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void theTapeHoldsOneStepPerSegment(int which) {
    Random rng = new Random(9);
    int n = 6;
    Tensor W = Tensor.randn(rng, n, n).mul(0.95 / Math.sqrt(n)), theta = Tensor.randn(rng, n), z0 = Tensor.zeros(n);
    FixedPointMap T = (z, th) -> W.matmul(z).add(th[0]).tanh();
    Optimizer<?> solver = which == 0
        ? FixedPointIteration.of(T).withMaxIterations(120).withTol(1e-30).withDifferentiation(Differentiation.UNROLLED)
        : LBFGS.of(logistic(4, 40, 5)).withMemory(3).withTol(1e-30).withMaxIterations(60)
            .withDifferentiation(Differentiation.UNROLLED);
    Tensor th = which == 0 ? theta : Tensor.full(-3, 5), x0 = which == 0 ? z0 : Tensor.zeros(5);
    Call call = (s, t) -> s.run(x0, t);
    int plain = CheckpointedRuns.recordedSteps(solver, call, th);
    int every10 = CheckpointedRuns.recordedSteps(with(solver, Checkpointing.every(10)), call, th);
    int every30 = CheckpointedRuns.recordedSteps(with(solver, Checkpointing.every(30)), call, th);
    int iterations = call.apply(solver, th).iterations();
    assertTrue(iterations >= 30, "iterations " + iterations);
    // a segment: one checkpoint step plus a slice and a reshape per carried tensor (L-BFGS: x, f, ∇f and three per pair)
    int carried = which == 0 ? 2 : 3 + 3 * 3 + 1, segments10 = (iterations + 9) / 10 + 1;
    // at least T's three operations (matmul, add, tanh) per iteration; L-BFGS records far more
    assertTrue(plain >= 3 * iterations, "plain " + plain + ", " + iterations + " iterations");
    assertTrue(every10 <= plain / iterations + segments10 * (1 + 2 * carried), "every 10: " + every10 + ", plain " + plain);
    assertTrue(every30 < every10 && every10 < plain / 3, plain + " " + every10 + " " + every30);
  }

  private static Optimizer<?> with(Optimizer<?> solver, Checkpointing c) {
    return solver.checkpointedBy(c);
  }
}
