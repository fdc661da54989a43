package io.github.implicitdiff.linalg;

import java.util.function.UnaryOperator;

/**
 * Hager–Higham estimate of ‖A⁻¹‖₁ from a few solves with A and Aᵀ (the estimator behind LAPACK's xGECON),
 * giving the reciprocal condition number rcond = 1 / (‖A‖₁ ‖A⁻¹‖₁) in O(n²) once A is factored
 * (package-private).
 */
final class ConditionEstimator {
  private static final int MAX_STEPS = 5;

  private ConditionEstimator() {}

  /** ‖A‖₁ = max_j Σ_i |a_ij| of a row-major n×n matrix. */
  static double norm1(double[] a, int n) {
    double[] columnSums = new double[n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) columnSums[j] += Math.abs(a[i * n + j]);
    double max = 0;
    for (double s : columnSums) max = Math.max(max, s);
    return max;
  }

  /** rcond estimate in [0, 1]; 0 when a solve overflows. */
  static double reciprocalCondition(double norm1, int n, UnaryOperator<double[]> solve, UnaryOperator<double[]> solveTranspose) {
    if (n == 0) return 1;
    if (norm1 == 0) return 0;
    double inverseNorm = estimateInverseNorm1(n, solve, solveTranspose);
    if (!Double.isFinite(inverseNorm)) return 0;
    return Math.min(1, 1 / (norm1 * inverseNorm));
  }

  private static double estimateInverseNorm1(int n, UnaryOperator<double[]> solve, UnaryOperator<double[]> solveTranspose) {
    double[] x = new double[n];
    java.util.Arrays.fill(x, 1.0 / n);
    double estimate = 0;
    for (int step = 0; step < MAX_STEPS; step++) {
      double[] y = solve.apply(x);
      double yNorm = sumAbs(y);
      if (!Double.isFinite(yNorm)) return Double.POSITIVE_INFINITY;
      if (step > 0 && yNorm <= estimate) break;
      estimate = yNorm;
      double[] signs = new double[n];
      for (int i = 0; i < n; i++) signs[i] = y[i] >= 0 ? 1 : -1;
      double[] z = solveTranspose.apply(signs);
      int best = 0;
      for (int i = 1; i < n; i++) if (Math.abs(z[i]) > Math.abs(z[best])) best = i;
      if (step > 0 && Math.abs(z[best]) <= Vectors.dot(z, x)) break;
      x = new double[n];
      x[best] = 1;
    }
    // Higham's safeguard against underestimation: x_i = (−1)^i (1 + i / (n − 1))
    double[] alternating = new double[n];
    for (int i = 0; i < n; i++) alternating[i] = (i % 2 == 0 ? 1 : -1) * (1 + (n == 1 ? 0 : (double) i / (n - 1)));
    double alternative = 2 * sumAbs(solve.apply(alternating)) / (3.0 * n);
    return Math.max(estimate, alternative);
  }

  private static double sumAbs(double[] y) {
    double s = 0;
    for (double v : y) s += Math.abs(v);
    return s;
  }
}
