package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.FixedPointMap;
import io.github.implicitdiff.implicit.Implicit;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.SingularMatrixException;
import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Anderson acceleration of the fixed-point iteration x ← T(x, θ): extrapolates from the last m iterates.
 *
 * <p>One iteration: evaluate g_k = T(x_k) − x_k, keep the last m pairs (x_i, g_i), solve the
 * regularized least-squares problem min_α ‖Σ α_i g_i‖² + λ ‖α‖² subject to Σ α_i = 1 (its
 * (m+1)×(m+1) KKT system [[GᵀG + λI, 1], [1ᵀ, 0]] [α; ν] = [0; 1], λ = ridge · tr(GᵀG)/m), and
 * set x_{k+1} = Σ α_i (x_i + β g_i) with mixing β. Stopping criterion: ‖T(x_k) − x_k‖₂ ≤ tol; the
 * solution returned is that x_k. The mixing weights are computed in tensor operations (the small KKT
 * solve by a differentiable dense solve), so UNROLLED mode differentiates through them. Optimality:
 * F(x, θ) = T(x, θ) − x. Defaults: memory 5, mixing 1, ridge 1e-10, maxIterations 1000, tol 1e-10,
 * IMPLICIT, GMRES.
 *
 * <pre>{@code
 * var solver = AndersonAcceleration.of((z, th) -> W.matmul(z).add(th[0]).tanh()).withMemory(5).withMixing(0.8);
 * SolverResult r = solver.run(Tensor.zeros(n), x);      // r.iterations() ≪ plain fixed-point iteration
 * }</pre>
 */
public final class AndersonAcceleration extends Optimizer<AndersonAcceleration> {
  private static final String NAME = "AndersonAcceleration";
  private final FixedPointMap T;
  private final int memory;
  private final double mixing;
  private final double ridge;

  /**
   * @param memory m ≥ 1, the number of past iterates mixed
   * @param mixing β > 0: x_{k+1} = Σ α_i ((1 − β) x_i + β T(x_i)); β = 1 is undamped
   * @param ridge λ ≥ 0 relative to tr(GᵀG)/m, regularizing the least-squares problem
   */
  private AndersonAcceleration(OptimizerSettings settings, FixedPointMap T, int memory, double mixing, double ridge) {
    super(settings);
    if (memory < 1) throw new IllegalArgumentException(NAME + ": memory must be ≥ 1, got " + memory);
    if (!(mixing > 0) || !Double.isFinite(mixing)) throw new IllegalArgumentException(NAME + ": mixing must be finite and > 0, got " + mixing);
    if (!(ridge >= 0) || !Double.isFinite(ridge)) throw new IllegalArgumentException(NAME + ": ridge must be finite and ≥ 0, got " + ridge);
    this.T = T;
    this.memory = memory;
    this.mixing = mixing;
    this.ridge = ridge;
  }

  /** Anderson acceleration of T: memory 5, mixing 1, ridge 1e-10, at most 1000 iterations, tol 1e-10 on ‖T(x) − x‖. */
  public static AndersonAcceleration of(FixedPointMap T) {
    if (T == null) throw new IllegalArgumentException(NAME + ": T must not be null");
    return new AndersonAcceleration(OptimizerSettings.defaults(1000, 1e-10), T, 5, 1.0, 1e-10);
  }

  public int memory() { return memory; }
  public double mixing() { return mixing; }
  public double ridge() { return ridge; }
  public AndersonAcceleration withMemory(int m) { return new AndersonAcceleration(settings, T, m, mixing, ridge); }
  public AndersonAcceleration withMixing(double beta) { return new AndersonAcceleration(settings, T, memory, beta, ridge); }
  public AndersonAcceleration withRidge(double r) { return new AndersonAcceleration(settings, T, memory, mixing, r); }

  @Override
  AndersonAcceleration with(OptimizerSettings s) {
    return new AndersonAcceleration(s, T, memory, mixing, ridge);
  }

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, records the iterations in checkpointed segments
   * (default {@link Checkpointing#none()}): O(K/k + k) iteration records instead of O(K) for one more forward pass,
   * with the same solution, iteration count and derivatives (see {@link Checkpointing}).
   *
   * <pre>{@code
   * AndersonAcceleration solver = AndersonAcceleration.of(T).withDifferentiation(Differentiation.UNROLLED)
   *     .withCheckpointing(Checkpointing.growing());
   * }</pre>
   */
  public AndersonAcceleration withCheckpointing(Checkpointing value) {
    return checkpointedBy(value);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  String remedies() {
    return "raise maxIterations if the error was still falling; otherwise damp the steps (withMixing(β) with β < 1), change"
        + " the history (withMemory), or raise withRidge when the least-squares problem is ill-conditioned";
  }

  /** F(x, θ) = T(x, θ) − x. */
  @Override
  public Optimality optimality() {
    return Implicit.residual(T);
  }

  /** Iterates from {@code init} (not modified; its derivative is ignored in IMPLICIT mode). */
  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    return solve(init, theta, this::iterate);
  }

  private SolverResult iterate(Tensor x, Tensor[] theta) {
    return SegmentedLoop.run(new State(x, new ArrayDeque<>(), new ArrayDeque<>(), 1, Double.NaN, Double.NaN), theta,
        checkpointing());
  }

  /** Before iteration k: x_k and the last m pairs (x_i, g_i) (carried), k and the first residual (replayed). */
  private final class State implements SegmentedLoop.State<State> {
    private Tensor x;
    private final Deque<Tensor> xs, gs;
    private int k;
    private double first, error;

    State(Tensor x, Deque<Tensor> xs, Deque<Tensor> gs, int k, double first, double error) {
      this.x = x;
      this.xs = xs;
      this.gs = gs;
      this.k = k;
      this.first = first;
      this.error = error;
    }

    /** x, then x_i oldest first, then g_i oldest first. */
    @Override
    public Tensor[] carried() {
      Tensor[] r = new Tensor[1 + 2 * xs.size()];
      r[0] = x;
      int i = 1;
      for (Tensor xi : xs) r[i++] = xi;
      for (Tensor gi : gs) r[i++] = gi;
      return r;
    }

    @Override
    public State restore(Tensor[] c) {
      int m = xs.size();
      Deque<Tensor> x2 = new ArrayDeque<>(), g2 = new ArrayDeque<>();
      for (int i = 0; i < m; i++) {
        x2.addLast(c[1 + i]);
        g2.addLast(c[1 + m + i]);
      }
      return new State(c[0], x2, g2, k, first, error);
    }

    @Override
    public SolverResult step(Tensor[] theta) {
      if (k > maxIterations()) return new SolverResult(x, maxIterations(), error, false);
      int[] shape = x.shape();
      Tensor Tx = T.apply(x, theta);
      Guards.requireSameShape(NAME, "T(x, θ)", Tx, x);
      Guards.requireFinite(NAME, k, "T(x, θ)", Tx);
      Tensor g = Tx.sub(x).reshape(-1);
      error = g.concrete().norm2();
      if (k == 1) first = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverged(NAME, k, error, first);
      xs.addLast(x.reshape(-1));
      gs.addLast(g);
      if (xs.size() > memory) {
        xs.removeFirst();
        gs.removeFirst();
      }
      x = mix(xs, gs).reshape(shape);
      Guards.requireFinite(NAME, k, "the extrapolated iterate", x);
      k++;
      return null;
    }
  }

  /** Σ α_i (x_i + β g_i) with α from the bordered least-squares system. */
  private Tensor mix(Deque<Tensor> xs, Deque<Tensor> gs) {
    int m = xs.size();
    Tensor X = Tensor.stack(1, xs.toArray(Tensor[]::new));
    Tensor G = Tensor.stack(1, gs.toArray(Tensor[]::new));
    Tensor mixed = X.add(G.mul(mixing));
    if (m == 1) return mixed.reshape(-1);
    Tensor GtG = G.T().matmul(G);
    double trace = 0;
    for (int i = 0; i < m; i++) trace += GtG.get(i, i);
    double lambda = ridge * Math.max(trace / m, Double.MIN_NORMAL);
    Tensor top = Tensor.concat(1, GtG.add(Tensor.eye(m).mul(lambda)), Tensor.ones(m, 1));
    Tensor bottom = Tensor.concat(1, Tensor.ones(1, m), Tensor.zeros(1, 1));
    Tensor rhs = Tensor.concat(0, Tensor.zeros(m), Tensor.ones(1));
    Tensor alpha;
    try {
      alpha = io.github.implicitdiff.linalg.DenseSolve.solve(Tensor.concat(0, top, bottom), rhs).slice(0, 0, m);
    } catch (SingularMatrixException e) { // the residuals are collinear and ridge is 0: restart from the newest pair
      while (xs.size() > 1) {
        xs.removeFirst();
        gs.removeFirst();
      }
      return xs.getLast().add(gs.getLast().mul(mixing));
    }
    return mixed.matmul(alpha);
  }
}
