package io.github.implicitdiff.solver;

/**
 * The multiplier s_k of a stochastic solver's step size at minibatch step k: the learning rate of a
 * {@link MinibatchSolver}'s {@link UpdateRule} (and of {@link MinibatchAdam}), the cap of {@link ArmijoSGD} and
 * {@link PolyakSGD}. Set by {@link StochasticMinimizer#withSchedule}; the default is {@link #constant()}.
 *
 * <p>Indexing: a schedule is a function of the step k, counted from 0 over the whole run (optax's convention: its
 * schedules map the update count to a value), and is told the number of steps per epoch ⌈n / batch⌉, so that a
 * per-epoch schedule needs no batch arithmetic: {@link #epochDecay} is the stochastic solvers' {@code withStepDecay},
 * constant within an epoch. {@link #cosine} and {@link #inverseTime} count steps, as optax's and Keras's do.
 *
 * <pre>{@code
 * StepSchedule warmCosine = StepSchedule.cosine(5000, 0.01).withWarmup(200);  // s rises to 1 in 200 steps, then decays
 * MinibatchSolver solver = MinibatchSolver.of(f, data, UpdateRule.adam(0.01)).withSchedule(warmCosine);
 * }</pre>
 */
@FunctionalInterface
public interface StepSchedule {
  /**
   * The multiplier at step k ≥ 0 (≥ 0 and finite; the loop refuses anything else).
   *
   * @param step k, from 0 over the run
   * @param stepsPerEpoch the minibatch steps of one epoch, ⌈n / batch⌉
   */
  double scale(int step, int stepsPerEpoch);

  /** The steps of linear warm-up before the schedule proper (0 without warm-up): checked against the budget. */
  default int warmupSteps() {
    return 0;
  }

  /**
   * This schedule after a linear warm-up of W ≥ 1 steps: s_k = (k + 1)/W · this(0) for k &lt; W, then this
   * schedule restarted at the end of the warm-up, s_k = this(k − W) (optax's {@code join_schedules}). The first step
   * takes 1/W of the rate (not 0: a zero step would be wasted); a solver refuses a warm-up longer than its budget
   * of epochs × steps per epoch.
   */
  default StepSchedule withWarmup(int steps) {
    return new StepSchedules.Warmup(steps, this);
  }

  /** s_k = 1. */
  static StepSchedule constant() {
    return StepSchedules.Constant.INSTANCE;
  }

  /**
   * s_k = γ^e in epoch e = ⌊k / steps per epoch⌋, 0 &lt; γ ≤ 1: the per-epoch geometric decay of
   * {@link StochasticMinimizer#withStepDecay}, to the bit.
   */
  static StepSchedule epochDecay(double gamma) {
    return new StepSchedules.EpochDecay(gamma);
  }

  /**
   * Cosine decay over T ≥ 1 steps to a floor α in [0, 1] (Loshchilov and Hutter 2017 without restarts, optax's
   * {@code cosine_decay_schedule}): s_k = α + (1 − α)·½(1 + cos(π·min(k, T)/T)), then α after step T.
   */
  static StepSchedule cosine(int decaySteps, double alpha) {
    return new StepSchedules.Cosine(decaySteps, alpha);
  }

  /** Inverse-time decay s_k = 1/(1 + r·k), r &gt; 0 (Robbins–Monro steps; Keras's {@code InverseTimeDecay}). */
  static StepSchedule inverseTime(double rate) {
    return new StepSchedules.InverseTime(rate);
  }
}
