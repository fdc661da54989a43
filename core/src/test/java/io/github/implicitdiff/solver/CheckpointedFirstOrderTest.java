package io.github.implicitdiff.solver;

import io.github.implicitdiff.examples.Fd;
import static io.github.implicitdiff.solver.CheckpointedRuns.assertClose;
import static io.github.implicitdiff.solver.CheckpointedRuns.assertForwardUnchanged;
import static io.github.implicitdiff.solver.CheckpointedRuns.assertSameAsPlain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.projection.Projection;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.solver.CheckpointedRuns.Call;
import io.github.implicitdiff.solver.CheckpointedRuns.Solver;
import io.github.implicitdiff.solver.CheckpointedRuns.Unrolled;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpointed unrolling of {@link FirstOrderLoop} (gradient descent, proximal and projected gradient, mirror
 * descent; plain and FISTA; fixed and backtracking steps): the same iterates, stopping and derivatives as the plain
 * recording, a tape of O(K/k) steps, nothing changed outside UNROLLED reverse mode.
 */
class CheckpointedFirstOrderTest {
  /** Backtracking from a step far above 1/L that doubles after every acceptance: the step changes all the time. */
  private static final StepSize GROWING_STEPS = StepSize.backtracking().withInitial(4).withGrowth(2);
  private static final Checkpointing[] SCHEDULES = {Checkpointing.every(1), Checkpointing.every(7), Checkpointing.growing()};

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void gradientDescentPlainAndAcceleratedMatchThePlainRecording(long seed) {
    SolverTestSupport.Ridge ridge = SolverTestSupport.Ridge.random(seed, 30, 6);
    Tensor lam = Tensor.rand(new Random(seed), 6).mul(0.2).add(0.05), w0 = Tensor.zeros(6);
    Call call = (s, th) -> s.run(w0, th);
    for (boolean accelerated : new boolean[] {false, true})
      for (StepSize step : new StepSize[] {GROWING_STEPS, StepSize.fixed(1 / ridge.lipschitz(lam))}) {
        Solver solver = c -> GradientDescent.of(ridge.objective()).withStepSize(step).withAcceleration(accelerated)
            .withTol(1e-10).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c);
        String what = "GD seed " + seed + (accelerated ? " FISTA " : " ") + step;
        for (Checkpointing c : SCHEDULES) {
          Unrolled plain = assertSameAsPlain(what, solver, c, call, lam);
          assertTrue(plain.converged() && plain.iterations() > 10, what + ": " + plain.iterations() + " iterations");
          // converged unrolled derivatives are the closed form's −A⁻¹ diag(w)
          assertClose(what + ": against the closed form", ridge.jacobian(lam), plain.jacobian(), 1e-6);
        }
        assertNotEquals(0, reverseRun(solver, Checkpointing.every(7), call, lam).iterations() % 7,
            what + ": the run stops inside a segment");
      }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void proximalGradientOnTheLassoMatchesThePlainRecordingAndFiniteDifferences(long seed) {
    LassoReference p = LassoReference.random(seed, 40, 8);
    Tensor w0 = Tensor.zeros(8), theta = Tensor.of(0.3, 1.0); // (λ, a scale of y)
    Call call = (s, th) -> s.run(w0, p.y().mul(th.index(0, 1)), th.index(0, 0));
    for (boolean accelerated : new boolean[] {false, true}) {
      Solver solver = c -> ProximalGradient.of(p.smoothPart(), ProximalOperator.lasso(), 1).withStepSize(GROWING_STEPS)
          .withAcceleration(accelerated).withTol(1e-11).withMaxIterations(5000)
          .withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c);
      String what = "lasso seed " + seed + (accelerated ? " FISTA" : "");
      for (Checkpointing c : SCHEDULES) assertSameAsPlain(what, solver, c, call, theta);
      Unrolled r = reverseRun(solver, Checkpointing.every(7), call, theta);
      Tensor fd = Fd.jacobian(th -> call.apply(solver.apply(Checkpointing.none()).withDifferentiation(
          Differentiation.UNROLLED), th).solution(), theta, 1e-5);
      assertClose(what + ": against central differences", fd, r.jacobian(), 1e-5);
      assertForwardUnchanged(what, solver, Checkpointing.every(7), call, theta);
    }
  }

  @Test
  void projectedGradientAndMirrorDescentOnTheSimplex() {
    Random rng = new Random(5);
    Tensor Q = Tensor.randn(rng, 6, 6), A = Q.T().matmul(Q).div(6).add(Tensor.eye(6).mul(0.1));
    Objective f = (x, th) -> x.mul(A.matmul(x)).sum().mul(0.5).add(th[0].mul(x).sum());
    Tensor c = Tensor.randn(rng, 6).mul(0.3), x0 = Tensor.full(1.0 / 6, 6);
    Call call = (s, th) -> s.run(x0, th), withSize = (s, th) -> s.run(x0, th, Tensor.scalar(1));
    Solver projected = k -> ProjectedGradient.of(f, Projection.simplex(), 1).withAcceleration(true)
        .withStepSize(GROWING_STEPS).withTol(1e-11).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(k);
    Solver mirror = k -> MirrorDescent.of(f).withTol(1e-9).withMaxIterations(20_000)
        .withDifferentiation(Differentiation.UNROLLED).withCheckpointing(k);
    for (Checkpointing k : SCHEDULES) {
      assertSameAsPlain("projected gradient", projected, k, withSize, c);
      assertSameAsPlain("mirror descent", mirror, k, call, c);
    }
  }

  @Test
  void aRunOutOfIterationsEndsInAPartialSegment() {
    SolverTestSupport.Ridge ridge = SolverTestSupport.Ridge.random(4, 30, 6);
    Tensor lam = Tensor.full(0.1, 6), w0 = Tensor.zeros(6);
    for (boolean accelerated : new boolean[] {false, true}) {
      Solver solver = c -> GradientDescent.of(ridge.objective()).withStepSize(GROWING_STEPS).withAcceleration(accelerated)
          .withMaxIterations(23).withTol(1e-14).withDifferentiation(Differentiation.UNROLLED).withCheckpointing(c);
      Unrolled plain = assertSameAsPlain("23 iterations", solver, Checkpointing.every(5), (s, th) -> s.run(w0, th), lam);
      assertFalse(plain.converged());
      assertEquals(23, plain.iterations());
    }
  }

  @Test
  void theTapeHoldsOneStepPerSegmentInsteadOfEveryIteration() {
    SolverTestSupport.Ridge ridge = SolverTestSupport.Ridge.random(6, 30, 6);
    Tensor lam = Tensor.full(0.1, 6), w0 = Tensor.zeros(6);
    Call call = (s, th) -> s.run(w0, th);
    for (boolean accelerated : new boolean[] {false, true}) {
      GradientDescent gd = GradientDescent.of(ridge.objective()).withStepSize(GROWING_STEPS).withAcceleration(accelerated)
          .withMaxIterations(200).withTol(1e-14).withDifferentiation(Differentiation.UNROLLED);
      int plain = CheckpointedRuns.recordedSteps(gd, call, lam);
      int every10 = CheckpointedRuns.recordedSteps(gd.withCheckpointing(Checkpointing.every(10)), call, lam);
      int every40 = CheckpointedRuns.recordedSteps(gd.withCheckpointing(Checkpointing.every(40)), call, lam);
      int growing = CheckpointedRuns.recordedSteps(gd.withCheckpointing(Checkpointing.growing()), call, lam);
      int start = CheckpointedRuns.recordedSteps(gd.withMaxIterations(1).withCheckpointing(Checkpointing.every(1)), call, lam);
      // per segment: the checkpoint, and slicing the packed state back into (at most) 4 carried tensors and a
      // solution: at most 11 steps; the plain tape records every operation of the 200 iterations
      int carried = accelerated ? 4 : 3, perSegment = 1 + 2 * (carried + 1);
      assertTrue(plain > 200 * 10, "plain: " + plain);
      assertTrue(every10 <= start + 20 * perSegment, "every 10: " + every10 + ", start " + start);
      assertTrue(every40 <= start + 5 * perSegment, "every 40: " + every40);
      assertTrue(growing <= start + 20 * perSegment, "growing (20 segments cover 210 iterations): " + growing);
      assertTrue(every40 < every10 && every10 < plain / 10, plain + " " + every10 + " " + every40);
    }
  }

  @Test
  void outsideUnrolledReverseModeNothingChanges() {
    SolverTestSupport.Ridge ridge = SolverTestSupport.Ridge.random(7, 30, 6);
    AtomicInteger evaluations = new AtomicInteger();
    Objective counted = (w, th) -> {
      evaluations.incrementAndGet();
      return ridge.objective().apply(w, th);
    };
    Tensor lam = Tensor.full(0.1, 6), w0 = Tensor.zeros(6), direction = Tensor.randn(new Random(7), 6);
    GradientDescent plain = GradientDescent.of(counted).withStepSize(GROWING_STEPS).withAcceleration(true).withTol(1e-10);
    for (Differentiation mode : Differentiation.values()) {
      GradientDescent a = plain.withDifferentiation(mode), b = a.withCheckpointing(Checkpointing.every(3));
      int[] counts = new int[4];
      for (int i = 0; i < 2; i++) {
        GradientDescent s = i == 0 ? a : b;
        evaluations.set(0);
        Tensor x = s.run(w0, lam).solution(); // nothing traced
        counts[i] = evaluations.get();
        evaluations.set(0);
        Tensor jv = AD.jvp(l -> s.run(w0, l).solution(), lam, direction).outTangent();
        counts[2 + i] = evaluations.get();
        assertClose(mode + ": value", ridge.solution(lam), x, 1e-7);
        assertClose(mode + ": forward", ridge.jacobian(lam).matmul(direction), jv, 1e-6);
      }
      assertEquals(counts[0], counts[1], mode + ": evaluations untraced");
      assertEquals(counts[2], counts[3], mode + ": evaluations in forward mode (AD.jvp)");
    }
    // implicit reverse mode: the checkpointing setting is not used either
    GradientDescent implicit = plain.withCheckpointing(Checkpointing.every(3));
    evaluations.set(0);
    AD.jacobian(l -> plain.run(w0, l).solution(), lam, AD.Mode.REVERSE);
    int withoutSetting = evaluations.getAndSet(0);
    AD.jacobian(l -> implicit.run(w0, l).solution(), lam, AD.Mode.REVERSE);
    assertEquals(withoutSetting, evaluations.get(), "implicit reverse mode");
  }

  @Test
  void badSchedulesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Checkpointing.every(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GradientDescent.of((x, th) -> x.square().sum()).withCheckpointing(null));
    assertTrue(e.getMessage().contains("GradientDescent") && e.getMessage().contains("Checkpointing.none()"), e.getMessage());
    assertEquals(Checkpointing.none(), GradientDescent.of((x, th) -> x.square().sum()).checkpointing());
    assertEquals(Checkpointing.every(4), LBFGS.of((x, th) -> x.square().sum()).withCheckpointing(Checkpointing.every(4))
        .checkpointing());
    assertEquals(3, Checkpointing.growing().segmentLength(2));
    assertEquals(5, Checkpointing.every(5).segmentLength(9));
    assertThrows(IllegalStateException.class, () -> Checkpointing.none().segmentLength(0));
  }

  private static Unrolled reverseRun(Solver solver, Checkpointing c, Call call, Tensor theta) {
    return CheckpointedRuns.reverse(solver.apply(c), call, theta);
  }
}
