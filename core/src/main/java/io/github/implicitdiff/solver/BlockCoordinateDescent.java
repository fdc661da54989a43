package io.github.implicitdiff.solver;

import io.github.implicitdiff.autodiff.AD;
import io.github.implicitdiff.autodiff.MultiInputFunction;
import io.github.implicitdiff.autodiff.ValueAndGrad;
import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.linalg.NotConvergedException;
import io.github.implicitdiff.optimality.CompositeLinearObjective;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.prox.ProximalOperator;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Arrays;

/**
 * Block proximal coordinate descent for min_x f(x, θ_f) + Σ_b g(x_b, θ_g), the blocks x_b being the
 * slices of x along its first axis (the rows of a matrix; the coordinates of a vector) and g separable
 * over them — for example each row of the multiclass SVM dual on a simplex, or the lasso coordinate by
 * coordinate.
 *
 * <p>One iteration is one cyclic sweep over the blocks b = 0..n−1, each a proximal gradient step on its
 * block: x_b ← prox_{η_b g(·; θ_g)}(x_b − η_b ∇_b f(x, θ_f)). η_b is fixed, or found per block by
 * backtracking on f(x') ≤ f(x) + ⟨∇_b f, x'_b − x_b⟩ + ‖x'_b − x_b‖²/(2η_b) (or its gradient form, see
 * {@link StepSize}); each block keeps its own step across sweeps.
 * Optimality condition: the full proximal-gradient residual F(x, θ) = s · (prox_{η₀g}(x − η₀∇₁f(x, θ_f)) − x)
 * (the prox applied block by block, s = max(1, 1/η₀) as in {@link ProximalGradient}), η₀ =
 * {@code stepSize().reference()}; GMRES solves the implicit system by default.
 * Stopping criterion, after each sweep: error = rms(F(x, θ)) / max(1, rms(x)) ≤ tol.
 *
 * <p>Cost: with a general objective every block trial evaluates f and ∇f over all of x, so a sweep costs about
 * n full gradient evaluations. When f is a {@link CompositeLinearObjective}, f(x, θ) = h(Aᵀx, θ) + ⟨c, x⟩, the
 * sweep keeps z = Aᵀx, h(z) and ∇h(z) and moves z by A[b] ⊗ Δ with each block, the block gradient being
 * A[b]·∇h(z) + c[b]: a trial costs one evaluation of h at z (O(size of z)), and a sweep about one full gradient
 * (z is recomputed from x at the start of every sweep, where the stopping error needs the full gradient anyway,
 * so it does not drift). Both paths take the same steps and are recorded alike by unrolled differentiation.
 *
 * <p>θ convention: {@code run(init, θ_f..., θ_g...)}: the last {@code proxParameterCount} tensors are the
 * block prox's hyperparameters (they must apply to a single block), the others go to the objective.
 *
 * <pre>{@code
 * // multiclass SVM dual: β (m, k), each row on the simplex; θ_f = (λ); composite-linear, so each block is cheap
 * Objective dual = MulticlassSvm.dualComposite(X, Y);
 * ProximalOperator simplex = ProximalOperator.fromProjection(Projection.simplex());
 * BlockCoordinateDescent bcd = BlockCoordinateDescent.of(dual, simplex, 1);
 * Tensor beta = bcd.run(Y, lambda, Tensor.scalar(1)).orThrow();
 * }</pre>
 */
public final class BlockCoordinateDescent extends Optimizer<BlockCoordinateDescent> {
  private final Objective f;
  private final ProximalOperator prox;
  private final int proxParameterCount;
  private final StepSize stepSize;
  private final boolean checkpointedSweeps;

  private BlockCoordinateDescent(OptimizerSettings settings, Objective f, ProximalOperator prox, int proxParameterCount,
      StepSize stepSize, boolean checkpointedSweeps) {
    super(settings);
    this.f = f;
    this.prox = prox;
    this.proxParameterCount = proxParameterCount;
    this.stepSize = stepSize;
    this.checkpointedSweeps = checkpointedSweeps;
  }

  /** Block coordinate descent with per-block backtracking from η = 1, at most 2 000 sweeps. */
  public static BlockCoordinateDescent of(Objective f, ProximalOperator blockProx, int proxParameterCount) {
    if (f == null || blockProx == null)
      throw new IllegalArgumentException("BlockCoordinateDescent: objective and prox must not be null");
    Theta.requireCount("BlockCoordinateDescent", proxParameterCount, "prox");
    return new BlockCoordinateDescent(OptimizerSettings.defaults(2_000), f, blockProx, proxParameterCount,
        StepSize.backtracking(), false);
  }

  @Override
  BlockCoordinateDescent with(OptimizerSettings s) {
    return new BlockCoordinateDescent(s, f, prox, proxParameterCount, stepSize, checkpointedSweeps);
  }

  /** The step size rule of every block (default {@link StepSize#backtracking()}). */
  public BlockCoordinateDescent withStepSize(StepSize value) {
    if (value == null) throw new IllegalArgumentException("BlockCoordinateDescent: stepSize must not be null");
    return new BlockCoordinateDescent(settings, f, prox, proxParameterCount, value, checkpointedSweeps);
  }

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, record each sweep as one {@link AD#checkpoint}ed step
   * (default false): the tape keeps the iterate at every sweep start and, during the pullback, one sweep's
   * operations, instead of every block trial of every sweep (the SVM dual of 300 rows: a 6 GB tape becomes about
   * one sweep's), at the price of running each sweep once more. The iterates and derivatives are the same.
   */
  public BlockCoordinateDescent withCheckpointedSweeps(boolean value) {
    return new BlockCoordinateDescent(settings, f, prox, proxParameterCount, stepSize, value);
  }

  public boolean checkpointedSweeps() {
    return checkpointedSweeps;
  }

  public StepSize stepSize() {
    return stepSize;
  }

  public int proxParameterCount() {
    return proxParameterCount;
  }

  @Override
  public String name() {
    return "BlockCoordinateDescent";
  }

  @Override
  String remedies() {
    return FirstOrderLoop.remedies(stepSize, false, false);
  }

  /** T_η(x)_b = prox_{ηg}(x_b − η (∇f)_b) for every block b. */
  private Tensor blockStep(Tensor x, Tensor grad, double eta, Tensor[] thetaG) {
    Tensor moved = x.sub(grad.mul(eta));
    Tensor[] blocks = new Tensor[x.dim(0)];
    for (int b = 0; b < blocks.length; b++) blocks[b] = prox.apply(moved.index(0, b), eta, thetaG);
    return Tensor.stack(0, blocks);
  }

  /** F(x, θ) = s · (T_{η₀}(x, θ) − x) with the prox applied block by block, s = max(1, 1/η₀). */
  @Override
  public Optimality optimality() {
    double eta0 = stepSize.reference();
    Optimality gradient = Stationarity.of(f);
    return (x, theta) -> {
      Theta split = Theta.split(name(), theta, proxParameterCount, "prox");
      return blockStep(x, gradient.apply(x, split.objective()), eta0, split.operator()).sub(x).mul(ProximalMethod.residualScale(eta0));
    };
  }

  @Override
  public SolverResult run(Tensor init, Tensor... theta) {
    Theta.split(name(), theta, proxParameterCount, "prox");
    if (init != null && init.ndim() == 0)
      throw new IllegalArgumentException(name() + ": init must have at least one axis (the blocks), got a scalar");
    if (init != null && f instanceof CompositeLinearObjective composite) composite.requireCompatible(init);
    return solve(init, theta, (x0, th) -> {
      Theta split = Theta.split(name(), th, proxParameterCount, "prox");
      return sweep(x0, split.objective(), split.operator());
    });
  }

  private SolverResult sweep(Tensor x0, Tensor[] thetaF, Tensor[] thetaG) {
    // checkpoints save memory only when reverse mode records the sweeps (under forward mode alone they would
    // only evaluate each sweep twice)
    boolean recorded = AD.isRecorded(x0) || AD.isRecorded(thetaF) || AD.isRecorded(thetaG);
    double[] eta = new double[x0.dim(0)];
    Arrays.fill(eta, stepSize.reference());
    return loop(checkpointedSweeps && recorded ? new CheckpointedSweeps(x0, thetaF, thetaG, eta)
        : new PlainSweeps(oracle(x0, thetaF), thetaG, eta), thetaG);
  }

  /** The oracle for f: incremental for a composite-linear objective, else full evaluations. */
  private BlockOracle<?> oracle(Tensor x, Tensor[] thetaF) {
    return f instanceof CompositeLinearObjective composite ? new IncrementalBlocks(composite, x, thetaF)
        : new FullBlocks(f, x, thetaF);
  }

  /** The cyclic sweeps and their stopping test, however a sweep is run (plain or checkpointed). */
  private SolverResult loop(Sweeps sweeps, Tensor[] thetaG) {
    double error = Double.NaN, initialError = Double.NaN;
    for (int k = 0; k < maxIterations(); k++) {
      BlockOracle<?> atStart = sweeps.atStart();
      if (k == 0) Guards.requireFiniteStart(name(), atStart.value(), atStart.gradient());
      Tensor x = atStart.x();
      error = stoppingError(x, atStart.gradient(), thetaG);
      if (k == 0) initialError = error;
      if (error <= tol()) return new SolverResult(x, k, error, true);
      Guards.requireNotDiverging(name(), k, stepSize.describe(stepSize.reference()), initialError, error);
      sweeps.run(k);
    }
    return new SolverResult(sweeps.x(), maxIterations(), error, false);
  }

  /** How the sweeps advance the iterate; each block's step size persists across sweeps. */
  private interface Sweeps {
    /** The objective at the current iterate, exact f and ∇f (the start of the next sweep). */
    BlockOracle<?> atStart();

    /** Sweep k, from the iterate {@link #atStart()} just evaluated. */
    void run(int k);

    /** The current iterate. */
    Tensor x();
  }

  /** One oracle carried through every sweep (it recomputes its exact state at each sweep start). */
  private final class PlainSweeps implements Sweeps {
    private final BlockOracle<?> oracle;
    private final Tensor[] thetaG;
    private final double[] eta;

    PlainSweeps(BlockOracle<?> oracle, Tensor[] thetaG, double[] eta) {
      this.oracle = oracle;
      this.thetaG = thetaG;
      this.eta = eta;
    }

    @Override
    public BlockOracle<?> atStart() {
      return oracle;
    }

    @Override
    public void run(int k) {
      blockPass(oracle, eta, thetaG, k);
    }

    @Override
    public Tensor x() {
      return oracle.x();
    }
  }

  /**
   * Each sweep one checkpointed step: the sweep is a function of (x, θ_f, θ_g) given the step sizes at its start (a
   * fresh oracle at x recomputes what the running one would hold there: z = Aᵀx is recomputed at every sweep start
   * anyway, f and ∇f at x are the accepted trial's), so the pullback re-runs it with the same decisions and gets the
   * same iterate.
   */
  private final class CheckpointedSweeps implements Sweeps {
    private final Tensor[] thetaF, thetaG;
    private double[] eta;
    private Tensor x;

    CheckpointedSweeps(Tensor x0, Tensor[] thetaF, Tensor[] thetaG, double[] eta) {
      this.x = x0;
      this.thetaF = thetaF;
      this.thetaG = thetaG;
      this.eta = eta;
    }

    @Override
    public BlockOracle<?> atStart() {
      return oracle(x, thetaF);
    }

    @Override
    public void run(int k) {
      int nf = thetaF.length;
      double[] start = eta.clone(), after[] = new double[1][];
      MultiInputFunction oneSweep = AD.checkpoint(in -> {
        double[] e = start.clone();
        BlockOracle<?> o = oracle(in[0], Arrays.copyOfRange(in, 1, 1 + nf));
        blockPass(o, e, Arrays.copyOfRange(in, 1 + nf, in.length), k);
        after[0] = e;
        return o.x();
      });
      Tensor[] args = new Tensor[1 + nf + thetaG.length];
      args[0] = x;
      System.arraycopy(thetaF, 0, args, 1, nf);
      System.arraycopy(thetaG, 0, args, 1 + nf, thetaG.length);
      x = oneSweep.apply(args);
      eta = after[0];
    }

    @Override
    public Tensor x() {
      return x;
    }
  }

  /** error = rms(F(x, θ)) / max(1, rms(x)), F the scaled proximal-gradient residual at the reference step. */
  private double stoppingError(Tensor x, Tensor gradient, Tensor[] thetaG) {
    return Guards.relativeRms(blockStep(x, gradient, stepSize.reference(), thetaG).sub(x), x)
        * ProximalMethod.residualScale(stepSize.reference());
  }

  /** One cyclic pass over the blocks of sweep k, each block's step size in {@code eta} updated in place. */
  private <T extends BlockTrial> void blockPass(BlockOracle<T> oracle, double[] eta, Tensor[] thetaG, int k) {
    int n = oracle.blocks();
    {
      for (int b = 0; b < n; b++) {
        Tensor xb = oracle.block(b), gb = oracle.blockGradient(b);
        if (stepSize instanceof StepSize.Fixed) {
          Tensor step = prox.apply(xb.sub(gb.mul(eta[b])), eta[b], thetaG).sub(xb);
          T trial = oracle.trial(b, step);
          if (trial == null || !trial.finite())
            throw Guards.nonFiniteStep(name(), k, stepSize.describe(eta[b]), "the iterate, the objective or its gradient");
          oracle.accept(trial);
          continue;
        }
        StepSize.Backtracking bt = (StepSize.Backtracking) stepSize;
        boolean accepted = false;
        for (int s = 0; s <= bt.maxShrinks() && !accepted; s++) {
          Tensor step = prox.apply(xb.sub(gb.mul(eta[b])), eta[b], thetaG).sub(xb);
          T trial = oracle.trial(b, step);
          if (trial != null && trial.finite()) {
            double bound = 0.5 * step.vdot(step) / eta[b];
            double valueGap = trial.valueChange() - gb.vdot(step);
            double gradientGap = trial.blockGradient().sub(gb).vdot(step);
            if (valueGap <= bound || gradientGap <= bound) {
              oracle.accept(trial);
              accepted = true;
              eta[b] *= bt.growth();
              break;
            }
          }
          eta[b] *= bt.shrink();
        }
        if (!accepted)
          throw new NotConvergedException(name() + ": backtracking on block " + b + " found no step satisfying the"
              + " sufficient decrease test after " + bt.maxShrinks() + " shrinks (step size down to " + eta[b]
              + ") in sweep " + k + "; check that the objective is smooth and its gradient correct");
      }
    }
  }

  /** The objective at x + e_b ⊗ step for one block b: what the backtracking test needs, and what accepting it keeps. */
  private interface BlockTrial {
    /** f(x + e_b ⊗ step) − f(x). */
    double valueChange();

    /** ∇_b f(x + e_b ⊗ step). */
    Tensor blockGradient();

    /** The tensors that must be finite for the trial to count (the objective and the gradient it keeps). */
    Tensor[] evaluated();

    default boolean finite() {
      for (Tensor t : evaluated()) if (!t.allFinite()) return false;
      return true;
    }
  }

  /**
   * The smooth part as a sweep sees it: the current x, f(x) and ∇f(x) (exact at the start of every sweep, where
   * the stopping error is computed), the block gradients, and trial moves of one block. Written in tensor
   * operations only, so that unrolled differentiation records the sweep.
   */
  private interface BlockOracle<T extends BlockTrial> {
    int blocks();

    /** The current point (after the accepted moves). */
    Tensor x();

    /** f at the current point (for the finiteness check of the start). */
    Tensor value();

    /** ∇f at the current point; called once per sweep, before its block moves. */
    Tensor gradient();

    Tensor block(int b);

    Tensor blockGradient(int b);

    /** The objective after moving block b by {@code step}; null when the moved point is not finite. */
    T trial(int b, Tensor step);

    /** Moves block b as {@code trial} did. */
    void accept(T trial);
  }

  /** Any objective: every trial evaluates f and ∇f over all of x. */
  private static final class FullBlocks implements BlockOracle<FullBlocks.Trial> {
    private record Trial(Tensor x, ValueAndGrad at, double valueChange, Tensor blockGradient) implements BlockTrial {
      @Override
      public Tensor[] evaluated() {
        return new Tensor[] {at.value(), at.grad()};
      }
    }

    private final Objective f;
    private final Tensor[] thetaF;
    private Tensor x;
    private ValueAndGrad at;

    FullBlocks(Objective f, Tensor x0, Tensor[] thetaF) {
      this.f = f;
      this.thetaF = thetaF;
      this.x = x0;
      this.at = evaluate(x0);
    }

    private ValueAndGrad evaluate(Tensor point) {
      return AD.valueAndGrad(v -> f.apply(v, thetaF), point);
    }

    @Override
    public int blocks() {
      return x.dim(0);
    }

    @Override
    public Tensor x() {
      return x;
    }

    @Override
    public Tensor value() {
      return at.value();
    }

    @Override
    public Tensor gradient() {
      return at.grad();
    }

    @Override
    public Tensor block(int b) {
      return x.index(0, b);
    }

    @Override
    public Tensor blockGradient(int b) {
      return at.grad().index(0, b);
    }

    @Override
    public Trial trial(int b, Tensor step) {
      Tensor moved = x.add(blockMask(x.shape(), b).mul(step.expandDims(0)));
      if (!moved.allFinite()) return null;
      ValueAndGrad next = evaluate(moved);
      return new Trial(moved, next, next.value().item() - at.value().item(), next.grad().index(0, b));
    }

    @Override
    public void accept(Trial trial) {
      x = trial.x();
      at = trial.at();
    }
  }

  /**
   * f(x, θ) = h(Aᵀx, θ) + ⟨c, x⟩: keeps z = Aᵀx, h(z) and ∇h(z), and moves block b by moving z by A[b] ⊗ step, so
   * a trial costs one evaluation of h and ∇h at z (O(size of z)) instead of one of f over all of x. z is recomputed
   * from x at the start of every sweep (no drift over many sweeps), with the full gradient A∇h(z) + c there.
   */
  private static final class IncrementalBlocks implements BlockOracle<IncrementalBlocks.Trial> {
    private record Trial(int b, Tensor step, Tensor z, ValueAndGrad at, double valueChange, Tensor blockGradient)
        implements BlockTrial {
      @Override
      public Tensor[] evaluated() {
        return new Tensor[] {at.value(), at.grad()};
      }
    }

    private final CompositeLinearObjective f;
    private final Tensor[] thetaF;
    private final Tensor A;
    private final Tensor[] aRows, cRows, rows;
    private Tensor x, z, gradient;
    private ValueAndGrad atZ;
    /** Whether z, h and ∇h are those of x (false once a block has moved since the last sweep start). */
    private boolean current;

    IncrementalBlocks(CompositeLinearObjective f, Tensor x0, Tensor[] thetaF) {
      f.requireCompatible(x0);
      this.f = f;
      this.thetaF = thetaF;
      this.A = f.matrix();
      int n = x0.dim(0);
      aRows = new Tensor[n];
      rows = new Tensor[n];
      cRows = f.linearTerm() == null ? null : new Tensor[n];
      for (int b = 0; b < n; b++) {
        aRows[b] = A.index(0, b);
        rows[b] = x0.index(0, b);
        if (cRows != null) cRows[b] = f.linearTerm().index(0, b);
      }
      x = x0;
      restart();
    }

    /** z = Aᵀx, h(z) and ∇h(z) from x itself. */
    private void restart() {
      z = f.image(x());
      atZ = evaluate(z);
      gradient = null;
      current = true;
    }

    private ValueAndGrad evaluate(Tensor at) {
      return AD.valueAndGrad(v -> f.outer(v, thetaF), at);
    }

    @Override
    public int blocks() {
      return rows.length;
    }

    @Override
    public Tensor x() {
      if (x == null) x = Tensor.stack(0, rows);
      return x;
    }

    @Override
    public Tensor value() {
      Tensor c = f.linearTerm();
      return c == null ? atZ.value() : atZ.value().add(c.mul(x()).sum());
    }

    @Override
    public Tensor gradient() {
      if (!current) restart();
      if (gradient == null) {
        Tensor grad = A.matmul(atZ.grad());
        gradient = f.linearTerm() == null ? grad : grad.add(f.linearTerm());
      }
      return gradient;
    }

    @Override
    public Tensor block(int b) {
      return rows[b];
    }

    @Override
    public Tensor blockGradient(int b) {
      return blockGradient(b, atZ.grad());
    }

    /** A[b]·∇h + c[b]. */
    private Tensor blockGradient(int b, Tensor gradH) {
      Tensor g = aRows[b].matmul(gradH);
      return cRows == null ? g : g.add(cRows[b]);
    }

    @Override
    public Trial trial(int b, Tensor step) {
      if (!step.allFinite()) return null;
      Tensor moved = z.add(step.ndim() == 0 ? aRows[b].mul(step) : aRows[b].outer(step));
      ValueAndGrad next = evaluate(moved);
      double change = next.value().item() - atZ.value().item() + (cRows == null ? 0 : cRows[b].vdot(step));
      return new Trial(b, step, moved, next, change, blockGradient(b, next.grad()));
    }

    @Override
    public void accept(Trial trial) {
      rows[trial.b()] = rows[trial.b()].add(trial.step());
      z = trial.z();
      atZ = trial.at();
      x = null;
      gradient = null;
      current = false;
    }
  }
  /** e_b along the first axis, shaped (n, 1, ..., 1) to broadcast over a block. */
  private static Tensor blockMask(int[] shape, int b) {
    int[] maskShape = new int[shape.length];
    Arrays.fill(maskShape, 1);
    maskShape[0] = shape[0];
    double[] m = new double[shape[0]];
    m[b] = 1;
    return Tensor.fromArray(m, maskShape);
  }
}
