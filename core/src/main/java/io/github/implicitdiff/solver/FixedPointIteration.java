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

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, records the iterations in checkpointed segments
   * (default {@link Checkpointing#none()}): O(K/k + k) iteration records instead of O(K) for one more forward pass,
   * with the same solution, iteration count and derivatives (see {@link Checkpointing}).
   *
   * <pre>{@code
   * FixedPointIteration solver = FixedPointIteration.of(T).withDifferentiation(Differentiation.UNROLLED)
   *     .withCheckpointing(Checkpointing.every(25));
   * }</pre>
   */
  public FixedPointIteration withCheckpointing(Checkpointing value) {
    return checkpointedBy(value);
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
    return SegmentedLoop.run(new State(x, 1, Double.NaN, Double.NaN), theta, checkpointing());
  }

  /** Before iteration k: x_{k−1} (carried), k and the first step length (replayed). */
  private final class State implements SegmentedLoop.State<State> {
    private Tensor x;
    private int k;
    private double first, error;

    State(Tensor x, int k, double first, double error) {
      this.x = x;
      this.k = k;
      this.first = first;
      this.error = error;
    }

    @Override
    public Tensor[] carried() {
      return new Tensor[] {x};
    }

    @Override
    public State restore(Tensor[] carried) {
      return new State(carried[0], k, first, error);
    }

    @Override
    public SolverResult step(Tensor[] theta) {
      if (k > maxIterations()) return new SolverResult(x, maxIterations(), error, false);
      Tensor next = T.apply(x, theta);
      Guards.requireSameShape(NAME, "T(x, θ)", next, x);
      Guards.requireFinite(NAME, k, "T(x, θ)", next);
      error = next.concrete().sub(x.concrete()).norm2();
      x = next;
      if (k == 1) first = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverged(NAME, k, error, first);
      k++;
      return null;
    }
  }
}
