package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.List;

/**
 * What a QP solver returns: the primal x, the equality duals ν (for Ax = b), the inequality duals
 * μ ≥ 0 (for Gx ≤ h; empty for an equality-constrained QP), the iterations, the final KKT error (its
 * definition is in each solver's Javadoc), whether it reached the tolerance, and the indices of weakly
 * active inequality constraints (μ_i and the slack h_i − G_i x both ≈ 0) at which the solution map is
 * not differentiable.
 *
 * <pre>{@code
 * QpSolution s = InteriorPointQp.of().run(Q, c, A, b, G, h).orThrow();
 * if (s.degenerate()) log("weakly active constraints " + s.weaklyActive());
 * }</pre>
 */
public record QpSolution(Tensor primal, Tensor equalityDual, Tensor inequalityDual, int iterations, double error,
    boolean converged, List<Integer> weaklyActive) {

  public QpSolution {
    weaklyActive = List.copyOf(weaklyActive);
  }

  /** Whether some inequality constraint is weakly active (strict complementarity fails there). */
  public boolean degenerate() {
    return !weaklyActive.isEmpty();
  }

  /** This solution, or a {@link NotConvergedException} saying how far the solver got. */
  public QpSolution orThrow() {
    if (!converged)
      throw new NotConvergedException("QP: no convergence after " + iterations + " iterations, KKT error " + error
          + "; raise maxIterations or loosen tol (a badly scaled problem may need rescaling)");
    return this;
  }
}
