package io.github.implicitdiff.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.Tapes;
import io.github.implicitdiff.autodiff.GradientCheck;
import io.github.implicitdiff.tensor.Tensor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Checks shared by the tests of checkpointed unrolling: a solver with {@link Checkpointing} set runs, stops and
 * differentiates exactly as the plain unrolled solver.
 */
final class CheckpointedRuns {
  private CheckpointedRuns() {}

  /** A solver for a schedule (the same solver otherwise, UNROLLED). */
  interface Solver extends Function<Checkpointing, Optimizer<?>> {}

  /** Runs a solver on θ (θ placed among the run's arguments by the test). */
  interface Call extends BiFunction<Optimizer<?>, Tensor, SolverResult> {}

  /** What a reverse-mode unrolled run gives: the solution, its iterations, whether it converged, ∂x/∂θ. */
  record Unrolled(Tensor solution, int iterations, boolean converged, Tensor jacobian) {}

  static Unrolled reverse(Optimizer<?> solver, Call call, Tensor theta) {
    SolverResult[] r = new SolverResult[1];
    Tensor J = AD.jacobian(th -> {
      r[0] = call.apply(solver, th);
      return r[0].solution();
    }, theta, AD.Mode.REVERSE);
    return new Unrolled(r[0].solution().concrete(), r[0].iterations(), r[0].converged(), J);
  }

  /**
   * Asserts that {@code schedule} gives the plain unrolled run's solution, iteration count, convergence and
   * reverse-mode Jacobian (to 1e-12 relative), and returns the plain run.
   */
  static Unrolled assertSameAsPlain(String what, Solver solver, Checkpointing schedule, Call call, Tensor theta) {
    Unrolled plain = reverse(solver.apply(Checkpointing.none()), call, theta);
    Unrolled checkpointed = reverse(solver.apply(schedule), call, theta);
    assertEquals(plain.iterations(), checkpointed.iterations(), what + ": iterations with " + schedule);
    assertEquals(plain.converged(), checkpointed.converged(), what + ": converged with " + schedule);
    // the same operations in the same order: the same bits (a path that computes other roundings would show here)
    assertClose(what + ": solution with " + schedule, plain.solution(), checkpointed.solution(), 0);
    assertTrue(plain.jacobian().maxAbs() > 1e-3, what + ": a non-trivial derivative, " + plain.jacobian().maxAbs());
    assertClose(what + ": reverse Jacobian with " + schedule, plain.jacobian(), checkpointed.jacobian(), 1e-12);
    return plain;
  }

  /** |a − b| ≤ tol · (1 + max|a|) elementwise. */
  static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
    GradientCheck.assertClose(what, expected, actual, tol);
  }

  /** {@link #assertSameAsPlain} and {@link #assertForwardUnchanged} under each schedule. */
  static void assertEachScheduleMatchesPlain(String what, Solver solver, Call call, Tensor theta, Checkpointing... schedules) {
    for (Checkpointing c : schedules) {
      assertSameAsPlain(what, solver, c, call, theta);
      assertForwardUnchanged(what, solver, c, call, theta);
    }
  }

  /** The forward-mode Jacobian of a checkpointed run equals the plain run's. */
  static void assertForwardUnchanged(String what, Solver solver, Checkpointing schedule, Call call, Tensor theta) {
    Optimizer<?> plain = solver.apply(Checkpointing.none()), checkpointed = solver.apply(schedule);
    assertClose(what + ": forward Jacobian with " + schedule,
        AD.jacobian(th -> call.apply(plain, th).solution(), theta, AD.Mode.FORWARD),
        AD.jacobian(th -> call.apply(checkpointed, th).solution(), theta, AD.Mode.FORWARD), 1e-12);
  }

  /** The steps reverse mode records for the solution's sum as a function of θ (the outer tape). */
  static int recordedSteps(Optimizer<?> solver, Call call, Tensor theta) {
    return Tapes.recordedSteps(th -> call.apply(solver, th).solution().sum(), theta);
  }
}
