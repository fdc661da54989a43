package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.report.Plot;

/**
 * The validation loss L(λ) of a hyperparameter experiment on a log-spaced grid of λ, drawn with the path taken
 * by descent on log λ: the grid is the reference the path should descend into.
 */
final class ValidationCurve {
  private ValidationCurve() {}

  /** n ≥ 2 values λ_i = lo·(hi/lo)^{i/(n−1)}, from lo to hi. */
  static double[] logGrid(double lo, double hi, int n) {
    double[] grid = new double[n];
    for (int i = 0; i < n; i++) grid[i] = lo * Math.pow(hi / lo, i / (n - 1.0));
    return grid;
  }

  /** The index of the smallest value (the first of equal ones): the grid search's choice. */
  static int argmin(double[] values) {
    int b = 0;
    for (int i = 1; i < values.length; i++) if (values[i] < values[b]) b = i;
    return b;
  }

  /** L(λ) on the grid as a line, the path (λ_t, L(λ_t)) as a line with markers, λ on a log axis. */
  static Plot plot(String title, String yLabel, double[] grid, double[] curve, double[] pathLambda, double[] pathLoss) {
    return new Plot(900, 520).title(title).xLabel("λ").yLabel(yLabel).xScale(Plot.Scale.LOG)
        .line("L(λ) on the grid", grid, curve).lineWithMarkers("path", pathLambda, pathLoss);
  }
}
