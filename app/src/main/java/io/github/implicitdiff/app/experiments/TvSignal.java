package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A piecewise-constant signal and its noisy observation, y = x + σε, ε ~ N(0, I), of length n. The truth x starts
 * at a level drawn from N(0, 1) and, after each sample, jumps to a fresh N(0, 1) level with probability 4/n (about
 * four jumps per signal, at uniformly random places).
 *
 * @param truth x
 * @param noisy y
 */
record TvSignal(Tensor truth, Tensor noisy) {
  /** Expected number of jumps per signal. */
  static final double JUMPS = 4;

  /** One signal of length {@code n} with noise level {@code sigma}, drawn from {@code rng}. */
  static TvSignal draw(Random rng, int n, double sigma) {
    double[] x = new double[n], y = new double[n];
    double level = rng.nextGaussian();
    for (int i = 0; i < n; i++) {
      if (i > 0 && rng.nextDouble() < JUMPS / n) level = rng.nextGaussian();
      x[i] = level;
      y[i] = level + sigma * rng.nextGaussian();
    }
    return new TvSignal(Tensor.of(x), Tensor.of(y));
  }

  /** {@code count} signals from {@code rng}. */
  static List<TvSignal> draw(Random rng, int count, int n, double sigma) {
    List<TvSignal> signals = new ArrayList<>(count);
    for (int i = 0; i < count; i++) signals.add(draw(rng, n, sigma));
    return signals;
  }

  /** The squared error per sample, ‖estimate − x‖² / n (differentiable in {@code estimate}). */
  Tensor mse(Tensor estimate) {
    return estimate.sub(truth).square().mean();
  }
}
