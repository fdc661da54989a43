package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.tensor.Tensor;

/**
 * Fixed-point iteration x ← T(x, θ) for a map T that contracts near its fixed point.
 *
 * <p>One iteration: x_{k+1} = T(x_k, θ). Stopping criterion: ‖x_{k+1} − x_k‖₂ ≤ tol; the returned
 * error is that step length and the solution is x_{k+1}. Optimality: F(x, θ) = T(x, θ) − x. NaN or
 * infinite iterates raise {@link io.github.implicitdiff.tensor.NonFiniteException}; a step growing
 * 10⁸-fold over the first raises {@link io.github.implicitdiff.linalg.NotConvergedException}.
 * Defaults: maxIterations 1000, tol 1e-10, IMPLICIT, GMRES for (∂₁T − I) u = r.
 *
 * <pre>{@code
 * FixedPointMap T = (z, th) -> W.matmul(z).add(th[0]).tanh();        // z = tanh(Wz + x)
 * var solver = FixedPointIteration.of(T).withTol(1e-12);
 * Tensor z = solver.run(Tensor.zeros(n), x).orThrow();
 * Tensor dLossDx = AD.grad(xx -> solver.run(Tensor.zeros(n), xx).solution().sum(), x);   // implicit
 * }</pre>
 */
public final class FixedPointIteration extends Optimizer<FixedPointIteration> {
  private static final String NAME = "FixedPointIteration";
  private final FixedPointMap T;

  private FixedPointIteration(OptimizerSettings settings, FixedPointMap T) {
    super(settings);
    this.T = T;
  }

  /** Fixed-point iteration of T: at most 1000 iterations, tol 1e-10 on the step length. */
  public static FixedPointIteration of(FixedPointMap T) {
    if (T == null) throw new IllegalArgumentException(NAME + ": T must not be null");
    return new FixedPointIteration(OptimizerSettings.defaults(1000, 1e-10), T);
  }

  @Override
  FixedPointIteration with(OptimizerSettings s) {
    return new FixedPointIteration(s, T);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "the map may contract slowly or not at all: use AndersonAcceleration.of(T) on the same map, or raise"
        + " maxIterations if the error was still falling";
  }

  /** F(x, θ) = T(x, θ) − x. */
  @Override
  public Optimality optimality() {
    return Implicit.residual(T);
  }

  /**
   * Iterates from {@code init}; the solution is differentiable in θ (implicitly or unrolled).
   *
   * @param init the starting point; not modified (its derivative is ignored in IMPLICIT mode)
   */
  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    return solve(init, theta, this::iterate);
  }

  private SolverResult iterate(Tensor x, Tensor[] theta) {
    double first = Double.NaN, error = Double.NaN;
    for (int k = 1; k <= maxIterations(); k++) {
      Tensor next = T.apply(x, theta);
      Guards.requireSameShape(NAME, "T(x, θ)", next, x);
      Guards.requireFinite(NAME, k, "T(x, θ)", next);
      error = next.concrete().sub(x.concrete()).norm2();
      x = next;
      if (k == 1) first = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverged(NAME, k, error, first);
    }
    return new SolverResult(x, maxIterations(), error, false);
  }
}
