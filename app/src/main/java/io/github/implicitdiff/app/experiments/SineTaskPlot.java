package io.github.implicitdiff.app.experiments;

import io.github.implicitdiff.app.report.Plot;
import io.github.implicitdiff.tensor.Tensor;

/** One sine task drawn over [−5, 5]: the true curve A sin(x − φ), its support points and adapted networks' predictions. */
final class SineTaskPlot {
  private static final int POINTS = 201;
  private final SineMlp mlp;
  private final Tensor grid = Tensor.linspace(SineTask.X_MIN, SineTask.X_MAX, POINTS);
  private final Plot plot;

  private SineTaskPlot(SineMlp mlp, SineTask task, String title) {
    this.mlp = mlp;
    this.plot = new Plot(900, 500).title(title).xLabel("x").yLabel("y")
        .add("true A sin(x − φ)", grid, task.curve(grid), Plot.Style.LINE)
        .add("support points", task.xSupport(), task.ySupport(), Plot.Style.MARKERS);
  }

  static SineTaskPlot of(SineMlp mlp, SineTask task, String title) {
    return new SineTaskPlot(mlp, task, title);
  }

  /** Adds the prediction f_φ over [−5, 5] of the network with parameters φ. */
  SineTaskPlot prediction(String label, Tensor phi) {
    plot.add(label, grid, mlp.predict(phi, grid), Plot.Style.LINE);
    return this;
  }

  Plot plot() {
    return plot;
  }
}
