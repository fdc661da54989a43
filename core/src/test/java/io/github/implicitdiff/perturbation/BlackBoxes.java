package io.github.implicitdiff.perturbation;

import io.github.implicitdiff.tensor.Tensor;

/** Black boxes for the tests, written on concrete values (as a user's solver would be), and the normal CDF. */
final class BlackBoxes {
  private BlackBoxes() {}

  /** The one-hot argmax over the simplex vertices: argmax_{y ∈ Δ} ⟨y, θ⟩ for a vector θ. */
  static final BlackBox ONE_HOT = th -> Tensor.oneHot(Tensor.scalar(th.argmax(0)[0]), th.dim(0));

  /** Ranks 1..n (the largest entry gets n): argmax over the permutations y of (1, …, n) of ⟨y, θ⟩. */
  static final BlackBox RANKS = th -> {
    int[] order = th.argsort(0);
    double[] r = new double[order.length];
    for (int pos = 0; pos < order.length; pos++) r[order[pos]] = pos + 1;
    return Tensor.fromArray(r, order.length);
  };

  /** Φ(x), the standard normal CDF, by erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
  static double normalCdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  /** φ(x), the standard normal density. */
  static double normalPdf(double x) {
    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }

  private static double erfc(double x) {
    double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
