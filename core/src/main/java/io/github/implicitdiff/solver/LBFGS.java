package io.github.implicitdiff.solver;

import io.github.implicitdiff.linalg.LbfgsPreconditioner;
import io.github.implicitdiff.linalg.LinearSolver;
import io.github.implicitdiff.linalg.Preconditionable;
import io.github.implicitdiff.linalg.Preconditioners;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.solver.LineSearches.Point;
import io.github.implicitdiff.solver.LineSearches.Step;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Limited-memory BFGS for min_x f(x, θ), f smooth (x of any shape).
 *
 * <p>One iteration: d_k = −H_k∇f(x_k) by the two-loop recursion over the last m pairs
 * s_i = x_{i+1} − x_i, y_i = ∇f(x_{i+1}) − ∇f(x_i) (Nocedal and Wright, Algorithm 7.4) with
 * H⁰ = (sᵀy / yᵀy) I; then x_{k+1} = x_k + α_k d_k, α_k from the line search (strong Wolfe by default,
 * first trial 1). A pair with yᵀs ≤ 1e-10‖s‖‖y‖ is skipped; a non-descent direction resets the memory.
 * The recursion is written in tensor operations, so the unrolled mode differentiates through it (when nothing
 * is traced it runs on arrays instead, with the same iterates). Caveat for UNROLLED: the derivative of the
 * iterates goes through the pairs' ρ = 1/sᵀy, which grows without bound as s and y shrink; on a well-conditioned
 * problem the unrolled derivative converges with the iterates, but run far past convergence on an
 * ill-conditioned one (the md-sensitivity experiment: 707 iterations on a jammed packing) it diverges
 * geometrically while the iterates do not. The IMPLICIT derivative (the default) does not have this problem.
 * Optimality condition: stationarity F(x, θ) = ∇₁f(x, θ) (CG for the implicit system by default).
 * Stopping criterion: error = rms(∇₁f(x, θ)) / max(1, rms(x)) ≤ tol.
 *
 * <p>θ convention: every θ goes to the objective, f(x, θ...).
 *
 * <pre>{@code
 * Objective logistic = (w, th) -> Losses.binaryLogistic(y, X.matmul(w)).mean().add(th[0].mul(w.square().sum()));
 * LBFGS lbfgs = LBFGS.of(logistic).withMemory(5);
 * Tensor w = lbfgs.run(Tensor.zeros(d), Tensor.scalar(0.01)).orThrow();
 * }</pre>
 */
public final class LBFGS extends SmoothMinimizer<LBFGS> {
  private final int memory;
  private final LineSearch lineSearch;
  private final boolean curvaturePreconditioner;

  private LBFGS(OptimizerSettings settings, Objective f, int memory, LineSearch lineSearch, boolean curvaturePreconditioner) {
    super(settings, f);
    this.memory = memory;
    this.lineSearch = lineSearch;
    this.curvaturePreconditioner = curvaturePreconditioner;
  }

  /** L-BFGS with memory 10, strong Wolfe line search, at most 1 000 iterations. */
  public static LBFGS of(Objective f) {
    if (f == null) throw new IllegalArgumentException("LBFGS: the objective must not be null");
    return new LBFGS(OptimizerSettings.defaults(1_000), f, 10, LineSearch.wolfe(), false);
  }

  @Override
  LBFGS with(OptimizerSettings s) {
    return new LBFGS(s, f, memory, lineSearch, curvaturePreconditioner);
  }

  /** The number m ≥ 1 of (s, y) pairs kept. */
  public LBFGS withMemory(int value) {
    if (value < 1) throw new IllegalArgumentException("LBFGS: memory must be ≥ 1, got " + value);
    return new LBFGS(settings, f, value, lineSearch, curvaturePreconditioner);
  }

  /** The line search (default {@link LineSearch#wolfe()}; Armijo skips pairs with yᵀs ≤ 0). */
  public LBFGS withLineSearch(LineSearch value) {
    if (value == null) throw new IllegalArgumentException("LBFGS: lineSearch must not be null");
    LineSearches.requireSearching(name(), value);
    return new LBFGS(settings, f, memory, value, curvaturePreconditioner);
  }

  /**
   * Whether the implicit backward solve is preconditioned by the run's own curvature (default false): the
   * last m pairs (s_i, y_i) define H ≈ (∇²₁f(x*, θ))⁻¹ by the two-loop recursion
   * ({@link Preconditioners#lbfgs}), and H preconditions the linear solver of the implicit systems
   * ∇²₁f u = −∂₂F v, ∇²₁f w = −g, when that solver is {@link Preconditionable} (CG, the default, GMRES,
   * BiCGSTAB, or a warm-started one; a direct solver is used as it is). H replaces the linear solver's
   * own preconditioner; the solution is the same to the solver's tolerance, with fewer iterations when
   * ∇²f is ill-conditioned along the directions the run explored. Each run builds its own H.
   * <pre>{@code
   * LBFGS lbfgs = LBFGS.of(logistic).withCurvaturePreconditioner(true);
   * Tensor g = AD.grad(lam -> valLoss(lbfgs.run(w0, lam).solution()), Tensor.scalar(1e-3));
   * }</pre>
   */
  public LBFGS withCurvaturePreconditioner(boolean value) {
    return new LBFGS(settings, f, memory, lineSearch, value);
  }

  public boolean curvaturePreconditioner() {
    return curvaturePreconditioner;
  }

  public int memory() {
    return memory;
  }

  public LineSearch lineSearch() {
    return lineSearch;
  }

  @Override
  public String name() {
    return "LBFGS";
  }

  @Override
  String remedies() {
    return DescentLoop.LINE_SEARCH_REMEDIES;
  }



  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    TwoLoop[] run = new TwoLoop[1]; // this run's memory, read by the backward solve
    return solve(init, theta, (x0, th) -> {
      run[0] = new TwoLoop();
      return DescentLoop.run(name(), f, lineSearch, maxIterations(), tol(), x0, th, run[0], checkpointing());
    }, r -> new Iterations.Backward(optimality(), backwardSolver(run[0])));
  }

  /** The linear solver of the implicit systems, preconditioned by the run's pairs when asked and possible. */
  private LinearSolver backwardSolver(TwoLoop run) {
    LinearSolver solver = linearSolver();
    if (!curvaturePreconditioner || run == null || run.pairs.isEmpty() || !(solver instanceof Preconditionable p)) return solver;
    if (run.concretePairs != null) return p.withPreconditioner(run.concretePairs);
    List<Tensor> s = new ArrayList<>(), y = new ArrayList<>();
    for (var pairs = run.pairs.descendingIterator(); pairs.hasNext(); ) { // oldest first
      TwoLoop.Pair pair = pairs.next();
      s.add(pair.s().concrete().reshape(-1));
      y.add(pair.y().concrete().reshape(-1));
    }
    return p.withPreconditioner(Preconditioners.lbfgs(s, y));
  }

  /** The two-loop recursion over the stored pairs (newest first in {@code pairs}). */
  private final class TwoLoop implements DescentLoop.DirectionRule {
    private record Pair(Tensor s, Tensor y, Tensor rho) {
      boolean traced() {
        return s.isTraced() || y.isTraced();
      }
    }

    /**
     * −H g on concrete values (IMPLICIT mode, where nothing is recorded): the same recursion as the tensor code
     * below, run by the L-BFGS preconditioner on arrays; measured on a 1761-parameter problem with m = 10 it
     * avoids ~60 tensor allocations per iteration. The tensor code stays the reference (and the path when traced).
     */
    private Tensor concreteDirection(Tensor g) {
      return concretePairs.apply(g).neg();
    }

    private final Deque<Pair> pairs = new ArrayDeque<>();
    /**
     * The same pairs as arrays, followed pair by pair with {@link LbfgsPreconditioner#append} while every pair is
     * concrete ({@code null} otherwise). Rebuilding it from {@code pairs} at every iteration copied and checked all
     * m pairs each time: 45% of the CPU samples of iMAML's inner solves (1761 parameters, m = 10).
     */
    private LbfgsPreconditioner concretePairs;

    /**
     * False in a checkpointed segment's copy ({@link #restore}), which runs once on values and once traced: both runs
     * then take the tensor path, the recomputation's (the array path is not bound to round exactly as it does, and a
     * rounding difference could change a line-search decision between the two runs).
     */
    private boolean arrays = true;

    /** The pairs' s, y and ρ, newest first. */
    @Override
    public Tensor[] carried() {
      Tensor[] r = new Tensor[3 * pairs.size()];
      int i = 0;
      for (Pair pair : pairs) {
        r[i++] = pair.s();
        r[i++] = pair.y();
        r[i++] = pair.rho();
      }
      return r;
    }

    @Override
    public DescentLoop.DirectionRule restore(Tensor[] carried) {
      TwoLoop copy = new TwoLoop();
      copy.arrays = false;
      for (int i = 0; i < carried.length; i += 3) copy.pairs.addLast(new Pair(carried[i], carried[i + 1], carried[i + 2]));
      return copy;
    }

    @Override
    public Tensor direction(Point p, Tensor[] theta, int k) {
      Tensor q = p.grad();
      if (pairs.isEmpty()) return q.neg();
      if (!q.isTraced() && concretePairs != null) return concreteDirection(q);
      Tensor[] alphas = new Tensor[pairs.size()];
      int i = 0;
      for (Pair pair : pairs) { // newest to oldest
        alphas[i] = pair.rho().mul(pair.s().mul(q).sum());
        q = q.sub(pair.y().mul(alphas[i]));
        i++;
      }
      Pair newest = pairs.peekFirst();
      Tensor r = q.mul(newest.s().mul(newest.y()).sum().div(newest.y().square().sum()));
      var oldestFirst = pairs.descendingIterator();
      i = pairs.size() - 1;
      while (oldestFirst.hasNext()) {
        Pair pair = oldestFirst.next();
        Tensor beta = pair.rho().mul(pair.y().mul(r).sum());
        r = r.add(pair.s().mul(alphas[i].sub(beta)));
        i--;
      }
      return r.neg();
    }

    @Override
    public double initialStep(Point p, Tensor d, int k) {
      return pairs.isEmpty() ? DescentLoop.cautiousStep(d) : 1;
    }

    @Override
    public void accepted(Point from, Tensor d, Step step) {
      Tensor s = step.point().x().sub(from.x()), y = step.point().grad().sub(from.grad());
      double sy = s.vdot(y);
      if (!(sy > 1e-10 * s.norm2() * y.norm2())) return;
      Pair pair = new Pair(s, y, s.mul(y).sum().reciprocal());
      boolean concrete = arrays && !pair.traced() && (pairs.isEmpty() || concretePairs != null);
      pairs.addFirst(pair);
      if (pairs.size() > memory) pairs.removeLast();
      if (!concrete) concretePairs = null;
      else if (pairs.size() == 1) concretePairs = Preconditioners.lbfgs(List.of(s), List.of(y));
      else concretePairs = concretePairs.append(s, y, memory);
    }

    @Override
    public void reset() {
      pairs.clear();
      concretePairs = null;
    }
  }
}
