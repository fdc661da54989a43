package io.github.implicitdiff.projection;

import io.github.implicitdiff.linalg.SymmetricEigen;
import io.github.implicitdiff.tensor.Tensor;

/**
 * The eigendecomposition A = V diag(λ) Vᵀ of one symmetric matrix and the divided differences of
 * f(λ) = max(λ, 0) on its spectrum, shared by the PSD projection and its derivative primitives (computed once
 * per projection, held as a field of each primitive).
 *
 * <p>Convention at a zero eigenvalue: f'(0) = 0, i.e. an eigenvalue counts as positive only when λ &gt; 0. This
 * is the derivative of the one-sided branch λ → 0⁻ (the eigen-direction is clipped, as the constraint being
 * active), the same convention as {@link Projections#nonNegative} at x = 0.
 */
final class PsdSpectrum {
  final Tensor vectors;
  final double[] values;
  /** Γ_ij = f^[1](λ_i, λ_j), the first divided differences (the Daleckii–Krein / Löwner matrix). */
  final Tensor gamma;

  PsdSpectrum(Tensor symmetric) {
    SymmetricEigen e = SymmetricEigen.of(symmetric);
    this.vectors = e.vectors();
    this.values = e.values().toDoubleArray();
    int n = values.length;
    double[] g = new double[n * n];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) g[i * n + j] = first(values[i], values[j]);
    this.gamma = Tensor.fromArray(g, n, n);
  }

  /** V max(Λ, 0) Vᵀ. */
  Tensor projection() {
    double[] plus = values.clone();
    for (int i = 0; i < plus.length; i++) plus[i] = Math.max(plus[i], 0);
    return vectors.mul(Tensor.of(plus)).matmul(vectors.T());
  }

  /** Vᵀ sym(H) V: a (concrete) direction in the eigenbasis. */
  Tensor toEigenbasis(Tensor H) {
    return vectors.T().matmul(sym(H)).matmul(vectors);
  }

  /** V M Vᵀ. */
  Tensor fromEigenbasis(Tensor M) {
    return vectors.matmul(M).matmul(vectors.T());
  }

  static Tensor sym(Tensor H) {
    return H.add(H.T()).mul(0.5);
  }

  /**
   * f^[1](a, b) = (f(a) − f(b))/(a − b), f'(a) when a = b, for f = max(·, 0): 1 when both are positive, 0 when
   * neither is, a/(a − b) when only a is (a − b ≥ a &gt; 0: no cancellation, whatever the other eigenvalues).
   */
  static double first(double a, double b) {
    boolean pa = a > 0, pb = b > 0;
    if (pa == pb) return pa ? 1 : 0;
    return pa ? a / (a - b) : b / (b - a);
  }

  /**
   * The second divided difference f^[2](a, b, c), symmetric in its arguments: with x ≤ y ≤ z sorted, 0 unless
   * x ≤ 0 &lt; z (f is linear on each side of 0), and then (f^[1](y, z) − f^[1](x, y))/(z − x) with z − x &gt; 0.
   */
  static double second(double a, double b, double c) {
    double x = Math.min(a, Math.min(b, c)), z = Math.max(a, Math.max(b, c));
    if (x > 0 || z <= 0) return 0;
    double y = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // the median
    return (first(y, z) - first(x, y)) / (z - x);
  }
}
