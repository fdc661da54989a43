package io.github.implicitdiff.solver;

import io.github.implicitdiff.loss.Objectives;
import io.github.implicitdiff.tensor.Tensor;
import java.util.Random;

/**
 * A strongly convex L2-regularized logistic regression with a validation set, for the stochastic solvers' tests:
 * f(w, batch, λ) = mean logistic loss on the batch + λ-penalty, labels drawn from a logistic model.
 */
record StochasticProblem(Tensor X, Tensor y, Tensor Xv, Tensor yv) {
  static StochasticProblem random(long seed, int n, int d) {
    Random rng = new Random(seed);
    Tensor X = Tensor.randn(rng, n, d), Xv = Tensor.randn(rng, n / 2, d), w = Tensor.randn(rng, d);
    return new StochasticProblem(X, labels(rng, X, w), Xv, labels(rng, Xv, w));
  }

  private static Tensor labels(Random rng, Tensor X, Tensor w) {
    double[] p = X.matmul(w).toDoubleArray(), y = new double[p.length];
    for (int i = 0; i < p.length; i++) y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-p[i])) ? 1 : 0;
    return Tensor.of(y);
  }

  int d() {
    return X.dim(1);
  }

  Dataset data() {
    return Dataset.of(X, y);
  }

  static BatchObjective objective() {
    return (w, batch, th) -> Objectives.l2BinaryLogistic(w, th[0], batch[0], batch[1]);
  }

  /** The validation loss at w. */
  Tensor valLoss(Tensor w) {
    return Objectives.binaryLogistic(w, Xv, yv);
  }
}
