package io.github.implicitdiff.app.experiments;

/** Trailing means of a training curve for plots: r_t = (1/m_t) Σ_{s = t−m_t+1}^{t} v_s, m_t = min(t + 1, w). */
final class RunningMean {
  private RunningMean() {}

  /** The trailing means of {@code v} over windows of {@code window} ≥ 1 values (fewer at the start). */
  static double[] of(double[] v, int window) {
    double[] r = new double[v.length];
    double sum = 0;
    for (int t = 0; t < v.length; t++) {
      sum += v[t] - (t >= window ? v[t - window] : 0);
      r[t] = sum / Math.min(t + 1, window);
    }
    return r;
  }
}
