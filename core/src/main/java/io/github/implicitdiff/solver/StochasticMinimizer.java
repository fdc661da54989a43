package io.github.implicitdiff.solver;

import io.github.implicitdiff.implicit.Optimality;
import io.github.implicitdiff.optimality.Objective;
import io.github.implicitdiff.tensor.Tensor;

/**
 * What the stochastic minimizers share ({@link ArmijoSGD}, {@link PolyakSGD}, {@link MinibatchAdam}): a
 * {@link BatchObjective} f(x, batch, θ) over a {@link Dataset}, minibatches drawn by {@link Minibatches} from a seed,
 * and the full-batch objective F(x, θ) = f(x, all rows, θ) whose minimum they approximate.
 *
 * <p>{@code maxIterations} counts <em>epochs</em> (passes over the data; default 100), and
 * {@link SolverResult#iterations()} the epochs run. Stopping: at the start of every epoch, error =
 * rms(∇₁F(x, θ)) / max(1, rms(x)) on the full batch, ≤ tol (default 1e-6) — the quantity every minimizer stops on
 * and the implicit layer checks (against 1e-6 by default), so {@code converged} means what it means for L-BFGS. The
 * check costs one full-batch gradient per epoch, about as much as the epoch's minibatch steps. With a constant step
 * SGD only reaches a noise ball around the minimum whose size grows with the step and the gradients' variance; a
 * {@link #withStepDecay} below 1, a larger batch or a smaller step shrink it.
 *
 * <p>Differentiation: implicit by default, through the full-batch stationarity ∇₁F(x*, θ) = 0 (CG: ∇²₁F is
 * symmetric). A run stopped above the residual tolerance of the implicit layer (a loose tol, or the epoch budget)
 * makes differentiation throw {@link io.github.implicitdiff.implicit.ImplicitConditionException}: loosen the check
 * with {@link #withImplicitOptions} to accept the derivative's error knowingly. UNROLLED differentiates the recorded
 * steps (in checkpointed segments with {@link #withCheckpointing}); the minibatch order depends on the seed alone, so
 * the run is a deterministic function of θ.
 *
 * @param <S> the concrete solver, returned by the withers
 */
public abstract class StochasticMinimizer<S extends StochasticMinimizer<S>> extends Optimizer<S> {
  /** Default epoch budget: 100. */
  public static final int DEFAULT_EPOCHS = 100;
  /** Default tolerance on the full-batch error: 1e-6, the implicit layer's default residual check. */
  public static final double DEFAULT_STOCHASTIC_TOL = 1e-6;

  final BatchObjective f;
  final Sampling sampling;

  StochasticMinimizer(OptimizerSettings settings, BatchObjective f, Sampling sampling) {
    super(settings);
    this.f = f;
    this.sampling = sampling;
  }

  static OptimizerSettings defaultSettings() {
    return OptimizerSettings.defaults(DEFAULT_EPOCHS, DEFAULT_STOCHASTIC_TOL);
  }

  /** Checks the constructor arguments of a stochastic solver. */
  static Sampling sampling(String solver, BatchObjective f, Dataset data) {
    if (f == null) throw new IllegalArgumentException(solver + ": the batch objective must not be null");
    if (data == null) throw new IllegalArgumentException(solver + ": the dataset must not be null");
    return Sampling.of(data);
  }

  /** value, or an exception naming the solver and the setting when it is not positive and finite. */
  final double positive(String what, double value) {
    if (!(value > 0) || !Double.isFinite(value))
      throw new IllegalArgumentException(name() + ": " + what + " must be positive and finite, got " + value);
    return value;
  }

  /** value, or an exception naming the solver and the setting when it is not in the open interval (0, 1). */
  final double fraction(String what, double value) {
    if (!(value > 0 && value < 1)) throw new IllegalArgumentException(name() + ": " + what + " must be in (0, 1), got " + value);
    return value;
  }

  /** The same solver with other sampling settings. */
  abstract S with(Sampling sampling);

  /** The per-run step rule. */
  abstract StochasticLoop.StepRule newRule();

  /** Minibatches of {@code value} rows, 1 ≤ value ≤ n (default min(32, n)); an epoch's last batch may be smaller. */
  public S withBatchSize(int value) {
    if (value < 1) throw new IllegalArgumentException(name() + ": the batch size must be at least 1, got " + value);
    if (value > sampling.data().n())
      throw new IllegalArgumentException(name() + ": the batch size " + value + " exceeds the " + sampling.data().n()
          + " rows of the data");
    return with(sampling.withBatchSize(value));
  }

  /** The seed of the minibatch shuffling (default 0): the same seed, data and θ give the same run. */
  public S withSeed(long value) {
    return with(sampling.withSeed(value));
  }

  /**
   * Multiplies the step size (Armijo's and Polyak's cap, Adam's learning rate) by {@code value}^e in epoch e, 0 &lt;
   * value ≤ 1 (default 1, a constant step), which shrinks the noise ball SGD ends in.
   */
  public S withStepDecay(double value) {
    if (!(value > 0 && value <= 1)) throw new IllegalArgumentException(name() + ": the step decay must be in (0, 1], got " + value);
    return withSchedule(StepSchedule.epochDecay(value));
  }

  /**
   * Multiplies the step size (Armijo's and Polyak's cap, the learning rate of Adam and of a {@link MinibatchSolver}'s
   * rule) by the schedule's s_k at minibatch step k (default {@link StepSchedule#constant()}); replaces
   * {@link #withStepDecay}, which is {@code withSchedule(StepSchedule.epochDecay(value))}. A warm-up longer than
   * the budget (maxIterations epochs × {@link #stepsPerEpoch()}) is refused when the solver runs.
   *
   * <pre>{@code
   * MinibatchAdam adam = MinibatchAdam.of(f, data).withSchedule(StepSchedule.inverseTime(0.01).withWarmup(20));
   * }</pre>
   */
  public S withSchedule(StepSchedule value) {
    if (value == null) throw new IllegalArgumentException(name() + ": the step schedule must not be null (StepSchedule.constant() is the default)");
    return with(sampling.withSchedule(value));
  }

  /** The step schedule. */
  public StepSchedule schedule() {
    return sampling.schedule();
  }

  /** The minibatch steps of one epoch, ⌈n / batch size⌉: the unit of the schedules' step count per epoch. */
  public int stepsPerEpoch() {
    return sampling.stepsPerEpoch();
  }

  /**
   * Under {@link Differentiation#UNROLLED} reverse mode, records the minibatch steps in checkpointed segments (default
   * {@link Checkpointing#none()}): O(K/k + k) step records instead of O(K) for one more forward pass, with the same
   * solution, epochs and derivatives (see {@link Checkpointing}).
   *
   * <pre>{@code
   * MinibatchAdam adam = MinibatchAdam.of(f, data).withDifferentiation(Differentiation.UNROLLED)
   *     .withCheckpointing(Checkpointing.growing());
   * }</pre>
   */
  public S withCheckpointing(Checkpointing value) {
    return checkpointedBy(value);
  }

  public int batchSize() {
    return sampling.batchSize();
  }

  public long seed() {
    return sampling.seed();
  }

  /**
   * The per-epoch decay set by {@link #withStepDecay} (1 for a constant step).
   *
   * @throws IllegalStateException when the schedule is another one (see {@link #schedule()})
   */
  public double stepDecay() {
    if (sampling.schedule() instanceof StepSchedules.EpochDecay d) return d.gamma();
    if (sampling.schedule() == StepSchedule.constant()) return 1;
    throw new IllegalStateException(name() + ": the step schedule is " + sampling.schedule() + ", not a per-epoch decay; see schedule()");
  }

  public Dataset data() {
    return sampling.data();
  }

  /** The full-batch objective F(x, θ) = f(x, all rows, θ). */
  public Objective fullObjective() {
    Tensor[] all = sampling.data().all();
    return (x, theta) -> f.apply(x, all, theta);
  }

  /** Stationarity of the full-batch objective, F(x, θ) = ∇₁f(x, all rows, θ). */
  @Override
  public final Optimality optimality() {
    return Stationarity.of(fullObjective());
  }

  @Override
  final boolean symmetricOptimality() {
    return true;
  }

  @Override
  String remedies() {
    return "raise maxIterations (epochs) if the error was still falling; if it stalled in SGD's noise ball, shrink it by"
        + " withStepDecay(0.9...0.99), a larger batch or a smaller step, or loosen tol (and then the implicit layer's"
        + " residual tolerance, knowing the derivative is as inexact)";
  }

  @Override
  public final SolverResult run(Tensor init, Tensor... theta) {
    int warmup = sampling.schedule().warmupSteps();
    long budget = (long) maxIterations() * stepsPerEpoch();
    if (warmup > budget)
      throw new IllegalArgumentException(name() + ": the schedule's warm-up of " + warmup + " steps is longer than the budget of "
          + maxIterations() + " epochs × " + stepsPerEpoch() + " steps = " + budget + " steps; shorten the warm-up or raise"
          + " maxIterations");
    return solve(init, theta, (x0, th) -> StochasticLoop.run(name(), f, sampling, newRule(), maxIterations(), tol(), x0, th,
        checkpointing()));
  }
}
