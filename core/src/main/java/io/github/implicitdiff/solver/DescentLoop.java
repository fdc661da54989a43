package io.github.implicitdiff.solver;

import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LineSearches.Point;
import io.github.implicitdiff.solver.LineSearches.Step;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * The loop shared by the line-search methods (L-BFGS, nonlinear CG, Newton): at x_k, stop when
 * error = rms(∇₁f(x_k, θ)) / max(1, rms(x_k)) ≤ tol; else take the rule's direction d_k (steepest descent
 * −∇f when it is not a descent direction), search α_k along it and move to x_{k+1} = x_k + α_k d_k.
 * Unrolled reverse mode may record it in checkpointed segments ({@link Checkpointing}): x_k, f(x_k), ∇f(x_k) and
 * the rule's tensors (L-BFGS's pairs, CG's previous direction) enter each segment, the rest is replayed.
 */
final class DescentLoop {
  private DescentLoop() {}

  /**
   * What to change when a line-search method does not converge: no step size to tune (the line search picks it);
   * the budget, or the tolerance when the error stalls at the precision the line search can resolve.
   */
  static final String LINE_SEARCH_REMEDIES = "raise maxIterations if the error was still falling; if it stalled above tol,"
      + " the line search has reached the rounding of f: loosen tol (the error is rms(∇f)/max(1, rms(x))) or rescale"
      + " f and x so that they are of order 1";

  /** A method's direction, with its per-run state (memory, previous direction). */
  interface DirectionRule {
    /** d_k at the current point, for parameters θ. */
    Tensor direction(Point p, Tensor[] theta, int k);

    /** The first trial step of the line search. */
    double initialStep(Point p, Tensor d, int k);

    /** Called after each accepted step from {@code from} along d. */
    void accepted(Point from, Tensor d, Step step);

    /** Called when d_k was replaced by steepest descent (reset memory). */
    default void reset() {}

    /** The tensors of the rule's state that the next directions depend on (none for a stateless rule). */
    default Tensor[] carried() {
      return new Tensor[0];
    }

    /**
     * A copy of this rule with {@code carried} in place of {@link #carried()} and the same concrete state, which
     * must compute its directions by the same operations whether or not its inputs are traced (a checkpointed
     * segment runs once on values and once more traced). A stateless rule returns itself.
     */
    default DirectionRule restore(Tensor[] carried) {
      return this;
    }
  }

  static SolverResult run(String solver, Objective f, LineSearch lineSearch, int maxIterations, double tol, Tensor x0,
      Tensor[] theta, DirectionRule rule, Checkpointing checkpointing) {
    Point p = Point.of(f, x0, theta);
    Guards.requireFiniteStart(solver, p.value(), p.grad());
    Loop loop = new Loop(solver, f, lineSearch, maxIterations, tol);
    return SegmentedLoop.run(loop.new State(p, rule, Double.NaN, Double.NaN, 0), theta, checkpointing);
  }

  /** One run's settings. */
  private record Loop(String solver, Objective f, LineSearch lineSearch, int maxIterations, double tol) {
    /** At x_k: the point (carried), the rule (its tensors carried), the errors and k (replayed). */
    final class State implements SegmentedLoop.State<State> {
      private Point p;
      private final DirectionRule rule;
      private double error, initialError;
      private int k;

      State(Point p, DirectionRule rule, double error, double initialError, int k) {
        this.p = p;
        this.rule = rule;
        this.error = error;
        this.initialError = initialError;
        this.k = k;
      }

      @Override
      public Tensor[] carried() {
        Tensor[] r = rule.carried(), all = new Tensor[3 + r.length];
        all[0] = p.x();
        all[1] = p.value();
        all[2] = p.grad();
        System.arraycopy(r, 0, all, 3, r.length);
        return all;
      }

      @Override
      public State restore(Tensor[] c) {
        return new State(new Point(c[0], c[1], c[2]), rule.restore(Arrays.copyOfRange(c, 3, c.length)), error,
            initialError, k);
      }

      @Override
      public SolverResult step(Tensor[] theta) {
        if (k >= maxIterations) return new SolverResult(p.x(), maxIterations, error, false);
        error = Guards.relativeRms(p.grad(), p.x());
        if (k == 0) initialError = error;
        if (error <= tol) return new SolverResult(p.x(), k, error, true);
        Guards.requireNotDiverging(solver, k, "line search " + lineSearch, initialError, error);
        Tensor d = rule.direction(p, theta, k);
        // restart with −∇f when d is not a descent direction, or one so nearly orthogonal to −∇f (cosine
        // below 1e-8) that no line search can make progress along it
        boolean steepest = false;
        if (!d.allFinite() || !(p.grad().vdot(d) < -1e-8 * p.grad().norm2() * d.norm2())) {
          rule.reset();
          d = p.grad().neg();
          steepest = true;
        }
        Step step;
        try {
          step = LineSearches.search(solver, lineSearch, f, theta, p, d, rule.initialStep(p, d, k), k);
        } catch (io.github.implicitdiff.linalg.NotConvergedException e) {
          if (steepest) throw e;
          rule.reset(); // the rule's direction failed: one more try along steepest descent
          d = p.grad().neg();
          step = LineSearches.search(solver, lineSearch, f, theta, p, d, rule.initialStep(p, d, k), k);
        }
        rule.accepted(p, d, step);
        p = step.point();
        k++;
        return null;
      }
    }
  }

  /** A first trial step that moves by at most 1 along −∇f when nothing better is known: 1/max(1, ‖d‖). */
  static double cautiousStep(Tensor d) {
    return 1 / Math.max(1, d.norm2());
  }
}
