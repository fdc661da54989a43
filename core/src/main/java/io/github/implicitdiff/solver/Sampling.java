package io.github.implicitdiff.solver;

/**
 * How a stochastic solver draws its minibatches (package-private; set through {@link StochasticMinimizer}'s withers):
 * the data, the batch size, the seed of the shuffling and the per-epoch decay of the step scale.
 */
record Sampling(Dataset data, int batchSize, long seed, double stepDecay) {
  /** Batches of min(32, n) rows, seed 0, no decay. */
  static Sampling of(Dataset data) {
    return new Sampling(data, Math.min(32, data.n()), 0, 1);
  }

  Sampling withBatchSize(int value) {
    return new Sampling(data, value, seed, stepDecay);
  }

  Sampling withSeed(long value) {
    return new Sampling(data, batchSize, value, stepDecay);
  }

  Sampling withStepDecay(double value) {
    return new Sampling(data, batchSize, seed, value);
  }
}
