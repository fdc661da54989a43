package io.github.implicitdiff.solver;

/**
 * How a stochastic solver draws its minibatches and scales its steps (package-private; set through
 * {@link StochasticMinimizer}'s withers): the data, the batch size, the seed of the shuffling and the step schedule.
 */
record Sampling(Dataset data, int batchSize, long seed, StepSchedule schedule) {
  /** Batches of min(32, n) rows, seed 0, a constant step. */
  static Sampling of(Dataset data) {
    return new Sampling(data, Math.min(32, data.n()), 0, StepSchedule.constant());
  }

  Sampling withBatchSize(int value) {
    return new Sampling(data, value, seed, schedule);
  }

  Sampling withSeed(long value) {
    return new Sampling(data, batchSize, value, schedule);
  }

  Sampling withSchedule(StepSchedule value) {
    return new Sampling(data, batchSize, seed, value);
  }

  /** ⌈n / batch⌉ minibatch steps per epoch. */
  int stepsPerEpoch() {
    return new Minibatches(data.n(), batchSize, new java.util.Random(0)).perEpoch();
  }
}
