package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.tensor.Tensor;

/** The largest eigenvalue of a small Gram matrix DᵀD (D with few columns), for fixed step sizes 1/L. */
final class Gram {
  private Gram() {}

  /**
   * λ_max(G), G = DᵀD (k×k), by 100 steps of power iteration from a fixed generic start: the Rayleigh quotient R
   * of the unit iterate v undershoots by Σ_i (λ_max − λ_i)⟨v, u_i⟩², about λ_max / (2e·100) &lt; 0.2% at most
   * unless the start is nearly orthogonal to the top eigenvector u_1, so 1.01·R bounds λ_max above.
   */
  static double largestEigenvalue(Tensor D) {
    double[][] G = D.T().matmul(D).toArray2d();
    int k = G.length;
    double[] v = new double[k];
    for (int i = 0; i < k; i++) v[i] = 1 + 0.37 * i;
    double rayleigh = 0;
    for (int it = 0; it < 100; it++) {
      double norm = 0;
      for (double x : v) norm += x * x;
      norm = Math.sqrt(norm);
      double[] u = new double[k];
      rayleigh = 0;
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) u[i] += G[i][j] * v[j] / norm;
        rayleigh += u[i] * v[i] / norm;
      }
      v = u;
    }
    return rayleigh;
  }
}
